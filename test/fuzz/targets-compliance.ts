/**
 * The compliance pillar's decoders of outside files: SBOMs (CycloneDX, SPDX), OSV records and VEX
 * documents, and the matcher over whatever OSV records parse. Seeds are the public fixtures in
 * test/fixtures/compliance; besides byte mutations (mostly broken JSON), a structural mutator
 * rewrites one value of the parsed document, so the schema checks and the code behind them are
 * reached: wrong types, huge and odd numbers, odd version strings, emptied or deep containers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SbomError } from '../../src/compliance/sbom/errors.ts';
import { parseSbom } from '../../src/compliance/sbom/parse-sbom.ts';
import type { SbomComponent } from '../../src/compliance/sbom/sbom-types.ts';
import { VulnError } from '../../src/compliance/vulns/errors.ts';
import { matchVulnerabilities } from '../../src/compliance/vulns/match.ts';
import { parseOsvRecord } from '../../src/compliance/vulns/parse-osv.ts';
import { parseVex } from '../../src/compliance/vulns/parse-vex.ts';
import type { Prng } from '../helpers/random.ts';
import type { FuzzTarget } from './engine.ts';
import type { AsyncFuzzTarget } from './engine-async.ts';

const FIXTURES = new URL('../fixtures/compliance/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.json') ? [p] : [];
  });
}

/** The fixture files of one kind (sbom, osv, vex) as seeds. */
export const complianceCorpus = (kind: 'sbom' | 'osv' | 'vex'): Uint8Array[] =>
  files(join(FIXTURES, kind)).map((f) => new Uint8Array(readFileSync(f)));

const ODD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  2 ** 53 + 1,
  '',
  '0',
  'v1.2.3-rc.1+meta',
  '1.0.0.0.0.0',
  '999999999999999999999.0.0',
  'pkg:',
  'pkg:npm/%zz@1',
  'pkg:maven/a/b@1?x=%',
  '🙂',
  'a'.repeat(4096),
  [],
  [[[[[]]]]],
  {},
  { introduced: '0' },
];

/** Every path to a value inside `v`, at most `max` of them. */
function paths(v: unknown, max = 4000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (x: unknown, at: (string | number)[]) => {
    if (out.length >= max) return;
    out.push(at);
    if (Array.isArray(x)) for (let i = 0; i < x.length; i++) walk(x[i], [...at, i]);
    else if (x !== null && typeof x === 'object') for (const [k, y] of Object.entries(x)) walk(y, [...at, k]);
  };
  walk(v, []);
  return out;
}

/** Rewrites, deletes or duplicates one value of the JSON document; falls back to the bytes when they are not JSON. */
export function mutateJson(input: Uint8Array, rng: Prng): Uint8Array {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(input));
  } catch {
    return input;
  }
  const all = paths(doc).filter((p) => p.length > 0);
  if (all.length === 0) return input;
  const at = rng.pick(all);
  const parent = at.slice(0, -1).reduce<unknown>((x, k) => (x as Record<string | number, unknown>)[k], doc) as Record<
    string | number,
    unknown
  >;
  const key = at[at.length - 1] as string | number;
  const choice = rng.below(4);
  if (choice === 0 && !Array.isArray(parent)) delete parent[key];
  else if (choice === 1 && Array.isArray(parent)) parent.push(structuredClone(parent[key as number]));
  else parent[key] = structuredClone(rng.pick(ODD_VALUES));
  return new TextEncoder().encode(JSON.stringify(doc));
}

const isSbomError = (e: unknown) => e instanceof SbomError;
const isVulnError = (e: unknown) => e instanceof VulnError;

/** Components every matched record is tried against: the kinds of purl the matcher orders. */
const COMPONENTS: SbomComponent[] = [
  { ref: 'a', name: 'lodash', version: '4.17.4', purl: 'pkg:npm/lodash@4.17.4' },
  { ref: 'b', name: 'requests', version: '2.3.0', purl: 'pkg:pypi/requests@2.3.0' },
  { ref: 'c', name: 'golang.org/x/net', version: 'v0.0.1', purl: 'pkg:golang/golang.org/x/net@v0.0.1' },
  { ref: 'd', name: 'rack', version: '1.0.0', purl: 'pkg:gem/rack@1.0.0' },
  { ref: 'e', name: 'x', version: 'not-a-version', purl: 'pkg:npm/x@not-a-version' },
];

export const TARGET_SBOM: AsyncFuzzTarget = {
  name: 'compliance: parseSbom (CycloneDX, SPDX)',
  run: async (b) => void (await parseSbom(b, 'fuzz.json')),
  expected: isSbomError,
};

export const TARGETS_COMPLIANCE_SYNC: ReadonlyArray<{ kind: 'osv' | 'vex'; target: FuzzTarget }> = [
  {
    kind: 'osv',
    target: {
      name: 'compliance: parseOsvRecord, then matched',
      run: (b) => void matchVulnerabilities(COMPONENTS, [parseOsvRecord(b, 'fuzz.json')]),
      expected: isVulnError,
    },
  },
  {
    kind: 'vex',
    target: { name: 'compliance: parseVex (OpenVEX, CycloneDX VEX)', run: (b) => void parseVex(b, 'fuzz.json'), expected: isVulnError },
  },
];
