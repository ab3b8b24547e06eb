/**
 * The wire format of encrypted TO2 bodies checked against an independent reader and writer
 * (python/session_cose.py on cbor2 and cryptography): what IoTopia seals, Python opens, and the
 * reverse, for every cipher suite.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CipherSuite } from '../../../src/fdo/constants/crypto.ts';
import { openMessage, sealMessage } from '../../../src/fdo/session/session-cipher.ts';
import { deriveSessionKeys } from '../../../src/fdo/session/session-keys.ts';
import { createSessionState } from '../../../src/fdo/session/session-state.ts';
import { seededRandom } from '../../helpers/random.ts';
import { hex, unhex } from './helpers.ts';
import { pythonUnavailable, runPython } from './python/run.ts';

const SUITES = Object.entries(CipherSuite) as [string, number][];
const PLAINTEXTS = ['', '61', '00'.repeat(16), 'a1016548656c6c6f'.repeat(40)];

function session(suite: number) {
  const random = seededRandom(`interop-${suite}`);
  const keys = deriveSessionKeys({ shSe: random(64), contextRand: new Uint8Array(0) }, suite);
  return { keys, random, state: createSessionState(keys, { random }) };
}

describe('encrypted message bodies against Python cbor2 + cryptography', { skip: pythonUnavailable() }, () => {
  test('Python opens what IoTopia seals, for every suite', () => {
    const cases: { suite: number; sek: string; svk: string; message: string; expected: string }[] = [];
    for (const [, suite] of SUITES) {
      const s = session(suite);
      let state = s.state;
      for (const p of PLAINTEXTS) {
        const r = sealMessage(state, unhex(p), { random: s.random });
        state = r.state;
        cases.push({ suite, sek: hex(s.keys.sek), svk: hex(s.keys.svk), message: hex(r.message), expected: p });
      }
    }
    const py = runPython<{ open: string[] }>('session_cose.py', { open: cases });
    for (const [i, c] of cases.entries()) assert.equal(py.open[i], c.expected, `suite ${c.suite}, plaintext ${c.expected.slice(0, 16)}`);
  });

  test('IoTopia opens what Python seals, for every suite', () => {
    for (const [name, suite] of SUITES) {
      const s = session(suite);
      const ivLength = name.startsWith('AES_CCM') ? 7 : name.startsWith('A') ? 12 : 16;
      const cases = PLAINTEXTS.map((p, i) => ({
        suite,
        sek: hex(s.keys.sek),
        svk: hex(s.keys.svk),
        iv: hex(new Uint8Array(ivLength).fill(i + 1)),
        plaintext: p,
      }));
      const py = runPython<{ seal: string[] }>('session_cose.py', { seal: cases });
      let state = s.state;
      py.seal.forEach((m, i) => {
        const r = openMessage(state, unhex(m));
        state = r.state;
        assert.equal(hex(r.plaintext), PLAINTEXTS[i], `${name} #${i}`);
      });
    }
  });
});
