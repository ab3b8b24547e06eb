/**
 * SBOM vulnerability matching at fleet scale: a generated CycloneDX 1.6 SBOM of 5,000 components
 * (npm, PyPI and Go) and 50,000 generated OSV records (seeded, so every run sees the same input),
 * timed as parse of the SBOM, parse of every record from its JSON bytes, and matching; with the
 * process's resident set size after each step.
 */
import { parseSbom } from '../src/compliance/sbom/parse-sbom.ts';
import { matchVulnerabilities } from '../src/compliance/vulns/match.ts';
import { parseOsvRecord } from '../src/compliance/vulns/parse-osv.ts';
import type { OsvRecord } from '../src/compliance/vulns/vuln-types.ts';

/** The sizes the issue asks about; BENCH_SBOM_COMPONENTS and BENCH_OSV_RECORDS make a smaller run (the smoke test's). */
const COMPONENTS = sizeFromEnv('BENCH_SBOM_COMPONENTS', 5000);
const RECORDS = sizeFromEnv('BENCH_OSV_RECORDS', 50_000);

function sizeFromEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new TypeError(`bench sbom-match: ${name} needs a positive integer`);
  return n;
}
/** Distinct package names per ecosystem: records outnumber them, so packages carry several. */
const PACKAGES = 4000;

/** mulberry32: a small seeded generator, enough to spread versions reproducibly. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ECOSYSTEMS = [
  { osv: 'npm', purl: (n: string, v: string) => `pkg:npm/bench-${n}@${v}`, name: (n: string) => `bench-${n}`, v: (v: string) => v },
  { osv: 'PyPI', purl: (n: string, v: string) => `pkg:pypi/bench-${n}@${v}`, name: (n: string) => `Bench_${n}`, v: (v: string) => v },
  {
    osv: 'Go',
    purl: (n: string, v: string) => `pkg:golang/example.com/bench/m${n}@v${v}`,
    name: (n: string) => `example.com/bench/m${n}`,
    v: (v: string) => v,
  },
] as const;

function version(rand: () => number): string {
  return `${Math.floor(rand() * 5)}.${Math.floor(rand() * 20)}.${Math.floor(rand() * 10)}`;
}

function generatedSbom(rand: () => number): Uint8Array {
  const components = Array.from({ length: COMPONENTS }, (_, i) => {
    const eco = ECOSYSTEMS[i % ECOSYSTEMS.length] as (typeof ECOSYSTEMS)[number];
    const v = version(rand);
    return { type: 'library', 'bom-ref': `c${i}`, name: `m${i}`, version: v, purl: eco.purl(String(Math.floor(rand() * PACKAGES)), v) };
  });
  return new TextEncoder().encode(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components }));
}

function generatedRecords(rand: () => number): Uint8Array[] {
  return Array.from({ length: RECORDS }, (_, i) => {
    const eco = ECOSYSTEMS[i % ECOSYSTEMS.length] as (typeof ECOSYSTEMS)[number];
    const fixed = version(rand);
    const record = {
      id: `BENCH-${i}`,
      modified: '2026-01-01T00:00:00Z',
      aliases: [`CVE-2026-${i}`],
      affected: [
        {
          package: { ecosystem: eco.osv, name: eco.name(String(Math.floor(rand() * PACKAGES))) },
          ranges: [{ type: i % 2 === 0 ? 'SEMVER' : 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: eco.v(fixed) }] }],
        },
      ],
    };
    return new TextEncoder().encode(JSON.stringify(record));
  });
}

const rssMiB = (): number => Number((process.memoryUsage().rss / 2 ** 20).toFixed(1));

export async function sbomMatchBench(): Promise<Record<string, unknown>> {
  const rand = seeded(16);
  const sbomBytes = generatedSbom(rand);
  const recordBytes = generatedRecords(rand);
  const rssBefore = rssMiB();
  let t = performance.now();
  const sbom = await parseSbom(sbomBytes, 'generated-sbom.json');
  const sbomParseMs = performance.now() - t;
  t = performance.now();
  const records: OsvRecord[] = recordBytes.map((b, i) => parseOsvRecord(b, `record-${i}.json`));
  const osvParseMs = performance.now() - t;
  const rssParsed = rssMiB();
  t = performance.now();
  const matches = matchVulnerabilities(sbom.components, records);
  const matchMs = performance.now() - t;
  return {
    components: sbom.components.length,
    records: records.length,
    matches: matches.length,
    sbomBytes: sbomBytes.byteLength,
    sbomParseMs: Math.round(sbomParseMs),
    osvParseMs: Math.round(osvParseMs),
    matchMs: Math.round(matchMs),
    rssMiB: { beforeParse: rssBefore, afterParse: rssParsed, afterMatch: rssMiB() },
  };
}

if (import.meta.main) process.stdout.write(`${JSON.stringify({ sbomMatch: await sbomMatchBench() }, null, 2)}\n`);
