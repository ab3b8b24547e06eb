/**
 * Assessing a fleet against one market: a product model with `--devices N` devices (default
 * 10,000) in a SQLite file store (bench/assess-fleet-world.ts), assessed `--runs R` times (default
 * 5) for the EU market and for the EN 303 645 V3 catalog. The services are bound as
 * complianceServices binds them, with the evidence port timed, so that each assessment splits into
 * collecting the evidence facts (`collectEvidenceFacts`), evaluating the rules, and the rest
 * (loading catalogs, judging each provision, storing the assessment). Building the fleet is timed
 * apart and is not the measured number. RSS is the process's once the fleet is built and again
 * after the runs; maxRss its peak, setup included.
 */
import { statSync } from 'node:fs';
import { type AssessmentTarget, assessmentService } from '../src/compliance/assessment/assessment-service.ts';
import type { AssessmentSummary } from '../src/compliance/assessment/result-types.ts';
import { catalogPort, productFacts } from '../src/compliance/compliance-services.ts';
import { collectEvidenceFacts } from '../src/compliance/evidence/collect-facts.ts';
import { evaluateRules } from '../src/compliance/evidence/evaluate-rules.ts';
import type { EvidenceDeps, PlatformFacts } from '../src/compliance/evidence/evidence-ports.ts';
import { productService } from '../src/compliance/products/service.ts';
import { standardParsers } from '../src/compliance/products/standard-parsers.ts';
import { buildFleet, FLEET_MODEL, FLEET_MUD_URL, FLEET_NOW, type Fleet } from './assess-fleet-world.ts';

/** A scan of every TCP port of a test device: each answered closed, none is open beyond its MUD file. */
const PROBE = {
  address: '192.0.2.20',
  mudUrl: FLEET_MUD_URL,
  protocol: 'tcp',
  ports: { from: 1, to: 65_535 },
  open: [],
  allowed: [],
  unexpected: [],
  closed: 65_535,
  filtered: 0,
  startedAt: '2030-05-31T00:00:00Z',
  finishedAt: '2030-05-31T00:00:30Z',
};
const PLATFORM: PlatformFacts = { keysSealed: { sealed: true, backend: 'secret-box' }, tls: { deviceApi: true, managementApi: true } };

interface Spread {
  p50: number;
  min: number;
}

interface TargetResult {
  target: AssessmentTarget;
  summary: AssessmentSummary;
  /** Evidence rules the fleet does not meet (none: every piece of evidence is in the store). */
  rulesNotMet: string[];
  runs: number;
  /** The whole `assess` call. */
  assessMs: Spread;
  /** `collectEvidenceFacts` inside it. */
  collectMs: Spread;
  /** `evaluateRules` inside it. */
  rulesMs: Spread;
  /** The rest: catalogs, provisions, the stored assessment. */
  restMs: Spread;
  /** Devices assessed per second at the assessment's p50. */
  devicesPerSec: number;
}

export interface AssessFleetResult {
  devices: number;
  setupMs: number;
  databaseMiB: number;
  targets: TargetResult[];
  rssAfterSetupMiB: number;
  rssMiB: number;
  maxRssMiB: number;
}

function option(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isSafeInteger(v) || v < 1) throw new TypeError(`bench assess-fleet: ${name} needs a positive integer`);
  return v;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

function spread(ms: readonly number[]): Spread {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: round(sorted[Math.floor(sorted.length / 2)] as number), min: round(sorted[0] as number) };
}

/** The compliance services over the fleet's store, with the time of the last collection and rules. */
function timedServices(fleet: Fleet) {
  const clock = () => new Date(FLEET_NOW.getTime());
  const products = productService({ store: fleet.store, parsers: standardParsers, clock });
  const last = { collectMs: 0, rulesMs: 0, notMet: [] as string[], devices: 0 };
  const evidence: EvidenceDeps = {
    store: fleet.store,
    products: productFacts(products, fleet.store),
    probes: { latest: async (model) => (await assessments.latestProbe(model))?.result },
    platform: PLATFORM,
    updateAnchors: [fleet.authority.coseKey],
  };
  const assessments = assessmentService({
    store: fleet.store,
    clock,
    ports: {
      catalogs: catalogPort,
      products: { product: (model) => evidence.products.product(model) },
      evidence: {
        async ruleResults(model, now) {
          const t = performance.now();
          const facts = await collectEvidenceFacts(evidence, model, now);
          const t2 = performance.now();
          const results = evaluateRules(facts);
          last.collectMs = t2 - t;
          last.rulesMs = performance.now() - t2;
          last.devices = facts.devices.total;
          last.notMet = [...results.values()].filter((r) => r.outcome !== 'met').map((r) => r.rule);
          return results;
        },
      },
    },
  });
  return { assessments, last };
}

async function measureTarget(fleet: Fleet, target: AssessmentTarget, runs: number): Promise<TargetResult> {
  const { assessments, last } = timedServices(fleet);
  await assessments.recordProbe(FLEET_MODEL, PROBE, 'bench');
  const assess: number[] = [];
  const collect: number[] = [];
  const rules: number[] = [];
  const rest: number[] = [];
  let summary: AssessmentSummary | undefined;
  // One run first to warm the code paths and SQLite's page cache.
  await assessments.assess(FLEET_MODEL, target, 'bench');
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    summary = (await assessments.assess(FLEET_MODEL, target, 'bench')).summary;
    const ms = performance.now() - t;
    if (last.devices !== fleet.guids.length)
      throw new Error(`bench assess-fleet: ${last.devices} devices assessed of ${fleet.guids.length}`);
    assess.push(ms);
    collect.push(last.collectMs);
    rules.push(last.rulesMs);
    rest.push(ms - last.collectMs - last.rulesMs);
  }
  const assessMs = spread(assess);
  return {
    target,
    summary: summary as AssessmentSummary,
    rulesNotMet: last.notMet,
    runs,
    assessMs,
    collectMs: spread(collect),
    rulesMs: spread(rules),
    restMs: spread(rest),
    devicesPerSec: Math.round(fleet.guids.length / (assessMs.p50 / 1000)),
  };
}

export async function assessFleetBench(args: readonly string[]): Promise<AssessFleetResult> {
  // BENCH_ASSESS_DEVICES and BENCH_ASSESS_RUNS set the defaults (the smoke test's small run).
  const devices = option(args, '--devices', Number(process.env['BENCH_ASSESS_DEVICES'] ?? 10_000));
  const runs = option(args, '--runs', Number(process.env['BENCH_ASSESS_RUNS'] ?? 5));
  const started = performance.now();
  const fleet = await buildFleet(devices, (n) => process.stderr.write(`assess-fleet: ${n}/${devices} devices\r`));
  const setupMs = Math.round(performance.now() - started);
  process.stderr.write(`\nassess-fleet: setup ${setupMs} ms\n`);
  const rssAfterSetupMiB = mib(process.memoryUsage().rss);
  try {
    const targets = [await measureTarget(fleet, { market: 'eu' }, runs), await measureTarget(fleet, { catalog: 'en303645-v3' }, runs)];
    return {
      devices,
      setupMs,
      databaseMiB: mib(statSync(fleet.path).size),
      targets,
      rssAfterSetupMiB,
      rssMiB: mib(process.memoryUsage().rss),
      maxRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    };
  } finally {
    await fleet.close();
  }
}
