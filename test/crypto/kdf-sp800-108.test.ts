import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { type CounterModeFieldWidth, type CounterModeKdfOptions, deriveCounterModeKey } from '../../src/crypto/kdf-sp800-108.ts';
import { hex, pythonUnavailable, runPython } from './python/run.ts';

const key = new Uint8Array(Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex'));

describe('deriveCounterModeKey', () => {
  test('one block equals HMAC([1] || Label || 0x00 || Context || [L]) truncated', () => {
    const out = deriveCounterModeKey({ prf: 'hmac-sha256', key, outputLength: 16, label: 'L', context: Uint8Array.of(9), counterBits: 16 });
    const expected = createHmac('sha256', key)
      .update(Buffer.from('0001' + '4c' + '00' + '09' + '00000080', 'hex'))
      .digest()
      .subarray(0, 16);
    assert.equal(hex(out), expected.toString('hex'));
  });

  test('counter after the fixed input, no separator, no [L]', () => {
    const out = deriveCounterModeKey({
      prf: 'hmac-sha384',
      key,
      outputLength: 60,
      label: 'ab',
      counterBits: 8,
      counterLocation: 'after-fixed',
      separator: false,
      includeLength: false,
    });
    const b1 = createHmac('sha384', key).update(Buffer.from('616201', 'hex')).digest();
    const b2 = createHmac('sha384', key).update(Buffer.from('616202', 'hex')).digest();
    assert.equal(hex(out), Buffer.concat([b1, b2]).subarray(0, 60).toString('hex'));
  });

  test('output is a plain Uint8Array of the requested length', () => {
    const out = deriveCounterModeKey({ prf: 'hmac-sha256', key, outputLength: 100 });
    assert.equal(out.constructor, Uint8Array);
    assert.equal(out.length, 100);
  });

  test('the counter may not wrap: an 8-bit counter allows 255 blocks', () => {
    assert.equal(deriveCounterModeKey({ prf: 'hmac-sha256', key, outputLength: 255 * 32, counterBits: 8 }).length, 255 * 32);
    assert.throws(() => deriveCounterModeKey({ prf: 'hmac-sha256', key, outputLength: 255 * 32 + 1, counterBits: 8 }), TypeError);
  });

  test('[L] must hold the output length in bits', () => {
    assert.equal(deriveCounterModeKey({ prf: 'hmac-sha256', key, outputLength: 31, lengthBits: 8 }).length, 31);
    assert.throws(() => deriveCounterModeKey({ prf: 'hmac-sha256', key, outputLength: 32, lengthBits: 8 }), TypeError);
  });

  test('misuse is a TypeError', () => {
    const base = { prf: 'hmac-sha256', key, outputLength: 32 } as const;
    const bad: unknown[] = [
      { ...base, prf: 'hmac-md5' },
      { ...base, key: 'secret' },
      { ...base, outputLength: 0 },
      { ...base, outputLength: 1.5 },
      { ...base, counterBits: 12 },
      { ...base, lengthBits: 64 },
      { ...base, counterLocation: 'middle-fixed' },
      { ...base, fixedInput: Uint8Array.of(1), label: 'x' },
      { ...base, context: 'text' },
    ];
    for (const options of bad)
      assert.throws(() => deriveCounterModeKey(options as CounterModeKdfOptions), TypeError, JSON.stringify(options));
  });
});

describe('deriveCounterModeKey against Python cryptography KBKDFHMAC', () => {
  test('agrees over counter widths, [L] widths, counter locations, PRFs and lengths', (t) => {
    const why = pythonUnavailable();
    if (why !== undefined) return t.skip(why);
    const cases: { ours: CounterModeKdfOptions; py: Record<string, unknown> }[] = [];
    const widths: CounterModeFieldWidth[] = [8, 16, 24, 32];
    let seed = 1;
    for (const prf of ['hmac-sha256', 'hmac-sha384'] as const) {
      for (const r of widths) {
        for (const l of widths) {
          for (const location of ['before-fixed', 'after-fixed'] as const) {
            for (const outputLength of [1, 16, 32, 33, 48, 64, 97]) {
              if (outputLength * 8 >= 2 ** l) continue;
              const k = new Uint8Array(16 + (seed % 33)).map((_, i) => (i * 7 + seed) & 0xff);
              const label = seed % 3 === 0 ? new Uint8Array(0) : new TextEncoder().encode(`label-${seed}`);
              const context = new Uint8Array(seed % 5).map((_, i) => (i + seed) & 0xff);
              seed++;
              cases.push({
                ours: { prf, key: k, outputLength, label, context, counterBits: r, lengthBits: l, counterLocation: location },
                py: {
                  prf,
                  key: hex(k),
                  length: outputLength,
                  rlen: r / 8,
                  llen: l / 8,
                  location: location.replace('-', '_'),
                  label: hex(label),
                  context: hex(context),
                },
              });
            }
          }
        }
      }
    }
    // Caller-supplied fixed input, the escape hatch for other layouts.
    const fixed = Uint8Array.of(1, 2, 3, 4, 5);
    cases.push({
      ours: { prf: 'hmac-sha256', key, outputLength: 40, counterBits: 16, fixedInput: fixed },
      py: { prf: 'hmac-sha256', key: hex(key), length: 40, rlen: 2, llen: null, location: 'before_fixed', fixed: hex(fixed) },
    });
    const { outputs } = runPython<{ outputs: string[] }>('kbkdf.py', { cases: cases.map((c) => c.py) });
    assert.equal(outputs.length, cases.length);
    cases.forEach((c, i) => {
      assert.equal(hex(deriveCounterModeKey(c.ours)), outputs[i], JSON.stringify(c.py));
    });
  });
});
