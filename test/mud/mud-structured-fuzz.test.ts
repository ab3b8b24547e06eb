/**
 * Structure-aware fuzzing of the validator: byte mutations (test/fuzz) mostly break the JSON, so
 * here valid files have values replaced, members deleted and subtrees moved. Whatever the input,
 * validation returns (never throws), and returns a model exactly when it reports no error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mudFromSpec } from '../../src/mud/author/spec.ts';
import { describeMud } from '../../src/mud/describe/describe.ts';
import { mudToJson } from '../../src/mud/model/to-json.ts';
import { MudInputError } from '../../src/mud/validate/errors.ts';
import { validateMud } from '../../src/mud/validate/parse-mud.ts';
import { Prng } from '../helpers/random.ts';

type J = unknown;

/** Every container node with the key that leads to each child. */
function slots(v: J, out: [Record<string, J> | J[], string | number][] = []): [Record<string, J> | J[], string | number][] {
  if (Array.isArray(v))
    for (const [i, x] of v.entries()) {
      out.push([v, i]);
      slots(x, out);
    }
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) {
      out.push([v as Record<string, J>, k]);
      slots(x, out);
    }
  return out;
}

const seed = mudFromSpec(
  {
    manufacturer: 'Fuzz',
    model: 'S1',
    mudUrl: 'https://fuzz.example/s1',
    cloud: [
      { domain: 'a.fuzz.example', port: 443 },
      { domain: 'b.fuzz.example', protocol: 'udp', port: 53 },
    ],
    local: [{ port: 80, initiatedBy: 'peer' }],
    controllers: [{ uri: 'urn:x:y', protocol: 'udp' }],
    sameManufacturer: [{ protocol: 'tcp', port: 1 }],
    sbom: { localWellKnown: 'https' },
    vulnerabilities: 'https://fuzz.example/v',
  },
  new Date('2026-12-01T00:00:00Z'),
).json;

test('structured mutations: the validator returns (or throws only its typed input error), with a model exactly when there are no errors', () => {
  const prng = new Prng(20261202);
  const next = (n: number): number => prng.below(n);
  const values: (() => J)[] = [
    () => null,
    () => -1,
    () => 70000,
    () => 1.5,
    () => '',
    () => 'x',
    () => '0x0800',
    () => 'ethernet-acl-type',
    () => 'http://a.example/',
    () => [null],
    () => [],
    () => ({}),
    () => true,
    () => 'a'.repeat(300),
    () => ({ 'ietf-mud:direction-initiated': 'from-device' }),
    () => ({ operator: 'range', 'lower-port': 9, 'upper-port': 1 }),
    () => ({ 'mudtx:transparency': {} }),
  ];
  let valid = 0;
  for (let i = 0; i < 3000; i++) {
    const doc = structuredClone(seed) as J;
    for (let m = 1 + next(4); m > 0; m--) {
      const all = slots(doc);
      const [parent, key] = all[next(all.length)] as [Record<string, J>, string];
      const op = next(4);
      if (op === 0) delete parent[key];
      else if (op === 1) parent[key] = (values[next(values.length)] as () => J)();
      else if (op === 2) parent[key] = structuredClone((all[next(all.length)] as [Record<string, J>, string])[0]);
      else if (!Array.isArray(parent)) {
        const prefixes = ['ietf-mud:', 'mudtx:', 'ietf-acl-tls:', 'x:', ''];
        parent[`${prefixes[next(prefixes.length)]}${key}`] = parent[key];
        delete parent[key];
      }
    }
    for (const lenient of [false, true]) {
      let r: ReturnType<typeof validateMud>;
      try {
        r = validateMud(doc, { lenient });
      } catch (e) {
        // Moving subtrees into themselves can nest past the depth limit: a typed input error.
        assert.ok(e instanceof MudInputError && e.code === 'ERR_MUD_TOO_DEEP', String(e));
        continue;
      }
      assert.equal(r.mud === undefined, r.errors.length > 0, `iteration ${i}`);
      for (const e of r.errors) assert.match(e.code, /^ERR_MUD_/);
      if (r.mud !== undefined) {
        valid++;
        describeMud(r.mud);
        // What was accepted, written back in the RFC shape, is accepted strictly as the same model.
        assert.deepEqual(validateMud(mudToJson(r.mud)).mud, r.mud, `iteration ${i}`);
      }
    }
  }
  // Some mutants stay valid (e.g. a deleted optional member), so both outcomes are exercised.
  assert.ok(valid > 0);
});
