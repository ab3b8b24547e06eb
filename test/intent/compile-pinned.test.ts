/**
 * The nft scripts and resolved policies of the real-world MUD vectors, pinned: the same input
 * must give byte-identical output. `UPDATE_PINNED=1` rewrites the pins (review the diff).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { IntentError } from '../../src/intent/errors.ts';
import { compileNft } from '../../src/intent/nft-compile.ts';
import { resolveMud } from '../../src/intent/resolve.ts';
import type { DeviceContext, ResolvedPolicy } from '../../src/intent/resolve-types.ts';
import { parseMud } from '../../src/mud/validate/parse-mud.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';

const PINS = join(import.meta.dirname, 'fixtures', 'compile-pinned.json');
const GOLDEN = join(import.meta.dirname, 'fixtures', 'unsw-amazon-echo.nft');
const root = vectorPath('mud');
const update = process.env.UPDATE_PINNED === '1';

/** Every string under a key naming a DNS name or an abstraction, by kind. */
function collect(json: unknown, out: Map<string, Set<string>>): void {
  if (Array.isArray(json)) for (const x of json) collect(x, out);
  else if (json !== null && typeof json === 'object') {
    for (const [k, v] of Object.entries(json)) {
      const kind = k.endsWith('dnsname') ? 'name' : /(^|:)(controller|manufacturer|model)$/.test(k) ? k.replace(/^.*:/, '') : undefined;
      if (kind !== undefined && typeof v === 'string') out.set(kind, (out.get(kind) ?? new Set()).add(v));
      else collect(v, out);
    }
  }
}

/** A context binding every wanted key to an IPv4 and an IPv6 address; `skip` leaves every third key unbound. */
function context(i: number, wanted: Map<string, Set<string>>, skip: boolean): DeviceContext {
  let n = 0;
  const addrs = (): string[] => [
    `${['198.51.100', '203.0.113'][n % 2]}.${(n * 7 + i) % 256}`,
    `2001:db8:${i.toString(16)}:${(n++).toString(16)}::1`,
  ];
  const map = (kind: string) => new Map([...(wanted.get(kind) ?? [])].filter((_, k) => !skip || k % 3 !== 1).map((k) => [k, addrs()]));
  return {
    mac: `02:00:00:00:00:${i.toString(16).padStart(2, '0')}`,
    ipv4: `192.0.2.${i + 10}`,
    ipv6: `2001:db8::${i.toString(16)}`,
    controllers: map('controller'),
    myControllers: ['192.0.2.2', '2001:db8::2'],
    localNetworks: ['192.0.2.0/24', '2001:db8::/64'],
    names: map('name'),
    manufacturers: map('manufacturer'),
    models: map('model'),
  };
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The outcome of resolving and compiling: digests of the script and policy, or the error's code and message. */
function outcome(run: () => { script: string; policy: unknown }): string {
  try {
    const r = run();
    return `${sha(r.script)} ${sha(JSON.stringify(r.policy))}`;
  } catch (e) {
    if (e instanceof IntentError) return `${e.code} ${e.message}`;
    throw e;
  }
}

function vectors(): { name: string; bytes: Buffer }[] {
  const out: { name: string; bytes: Buffer }[] = [];
  for (const d of ['unsw', 'go-mudyang', 'visualizer', '.']) {
    for (const f of readdirSync(join(root as string, d))
      .filter((n) => n.endsWith('.json'))
      .sort())
      out.push({ name: `${d}/${f}`, bytes: readFileSync(join(root as string, d, f)) });
  }
  return out;
}

function pins(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of vectors()) {
    const mud = parseMud(v.bytes, { lenient: true }).mud;
    if (mud === undefined) continue;
    const wanted = new Map<string, Set<string>>();
    collect(JSON.parse(v.bytes.toString('utf8')), wanted);
    for (const [i, lenient, skip] of [
      [1, true, false],
      [2, true, true],
      [3, false, false],
      [4, false, true],
    ] as const) {
      const ctx = context(i, wanted, skip);
      out[`${v.name} #${i}${lenient ? ' lenient' : ''}${skip ? ' partial' : ''}`] = outcome(() => {
        const policy = resolveMud(mud, ctx, { lenient });
        return { policy, script: compileNft(policy, { dnsServers: ['192.0.2.1', '2001:db8::53'], deviceName: `dev-${i}` }) };
      });
    }
  }
  return out;
}

function echoScript(): string {
  const bytes = readFileSync(join(root as string, 'unsw', 'amazonEchoMud.json'));
  const mud = parseMud(bytes, { lenient: true }).mud;
  assert.ok(mud !== undefined);
  const wanted = new Map<string, Set<string>>();
  collect(JSON.parse(bytes.toString('utf8')), wanted);
  return compileNft(resolveMud(mud, context(5, wanted, false), { lenient: true }), { dnsServers: ['192.0.2.1'] });
}

describe('compile: pinned output for the real-world MUD vectors', { skip: root === undefined && vectorsMissing('mud') }, () => {
  test('the script of unsw/amazonEchoMud.json is byte-identical to the pinned one', () => {
    if (update) writeFileSync(GOLDEN, echoScript());
    assert.equal(echoScript(), readFileSync(GOLDEN, 'utf8'));
  });

  test('a shared, frozen resolution compiles to the same script as a fresh copy of it, for every vector', () => {
    let compared = 0;
    for (const v of vectors()) {
      const mud = parseMud(v.bytes, { lenient: true }).mud;
      if (mud === undefined) continue;
      const wanted = new Map<string, Set<string>>();
      collect(JSON.parse(v.bytes.toString('utf8')), wanted);
      for (const i of [6, 7]) {
        const policy = resolveMud(mud, context(1, wanted, false), { lenient: true });
        const other: ResolvedPolicy = { ...resolveMud(mud, context(1, wanted, false), { lenient: true }), mac: `02:00:00:00:01:0${i}` };
        assert.equal(other.fromDevice, policy.fromDevice, 'equal lookups share the resolved ACLs');
        assert.ok(Object.isFrozen(other.fromDevice));
        const opts = { dnsServers: ['192.0.2.1'], deviceName: `d${i}` };
        // The first script of shared ACLs is written directly, the next from the kept block.
        const fresh = compileNft(structuredClone(other), opts);
        assert.equal(compileNft(other, opts), fresh, v.name);
        assert.equal(compileNft(other, opts), fresh, v.name);
        compared++;
      }
    }
    assert.ok(compared > 50);
  });

  test('every vector resolves and compiles to the pinned script and policy, or fails with the pinned error', () => {
    const got = pins();
    if (update || !existsSync(PINS)) writeFileSync(PINS, `${JSON.stringify(got, null, 1)}\n`);
    const want = JSON.parse(readFileSync(PINS, 'utf8')) as Record<string, string>;
    assert.ok(Object.keys(want).length >= 100, 'the pins cover the vectors');
    assert.deepEqual(got, want);
  });
});
