/**
 * `npm run fuzz`: runs every target for at least 100,000 mutated inputs (override with
 * FUZZ_ITERATIONS, FUZZ_SEED) and prints one JSON line per target. Findings are written to
 * test/fuzz/crashes/ and make the exit code 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fuzz, loadCorpus } from './engine.ts';
import { fuzzAsync } from './engine-async.ts';
import { TARGETS } from './targets.ts';
import { TARGETS_CAPTURE } from './targets-capture.ts';
import { TARGETS_FDO } from './targets-fdo.ts';
import { TARGETS_SUIT } from './targets-suit.ts';
import { GENERATED_CORPUS, processCorpus, TARGET_SUIT_PROCESS, TARGET_SUIT_PROCESS_GENERATED } from './targets-suit-process.ts';
import { TARGETS_SUIT_REPORT } from './targets-suit-report.ts';

const iterations = Number(process.env.FUZZ_ITERATIONS ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
let findings = 0;
// The FDO message targets' short pass runs in test/fdo/messages/fuzz.test.ts.
for (const { corpus, target } of [...TARGETS, ...TARGETS_FDO, ...TARGETS_SUIT, ...TARGETS_SUIT_REPORT]) {
  const result = fuzz(target, loadCorpus(corpus), iterations, seed);
  findings += result.findings.length;
  const { findings: list, ...summary } = result;
  process.stdout.write(`${JSON.stringify({ ...summary, findings: list.length, seconds: Number(summary.seconds.toFixed(2)) })}\n`);
  if (list.length > 0) {
    const dir = new URL('./crashes/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL(`${target.name.replace(/[^a-z0-9]+/gi, '-')}-${seed}.json`, dir);
    writeFileSync(file, `${JSON.stringify(list, null, 2)}\n`);
    process.stderr.write(`${list.length} finding(s) for ${target.name}: ${file.pathname}\n`);
  }
}
process.exitCode = findings > 0 ? 1 : 0;
// The SUIT processor targets are asynchronous (the device they run on is awaited).
for (const [target, corpus] of [
  [TARGET_SUIT_PROCESS, processCorpus()],
  [TARGET_SUIT_PROCESS_GENERATED, GENERATED_CORPUS],
] as const) {
  const result = await fuzzAsync(target, corpus, iterations, seed);
  const { findings: list, ...summary } = result;
  findings += list.length;
  process.stdout.write(`${JSON.stringify({ ...summary, findings: list.length, seconds: Number(summary.seconds.toFixed(2)) })}\n`);
  if (list.length > 0) {
    const dir = new URL('./crashes/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL(`${target.name.replace(/[^a-z0-9]+/gi, '-')}-${seed}.json`, dir);
    writeFileSync(file, `${JSON.stringify(list, null, 2)}\n`);
    process.stderr.write(`${list.length} finding(s) for ${result.target}: ${file.pathname}\n`);
  }
  process.exitCode = findings > 0 ? 1 : 0;
}
// The capture readers stream asynchronously; their corpora read the shared vectors in place.
for (const { target, corpus } of TARGETS_CAPTURE) {
  const result = await fuzzAsync(target, await corpus(), iterations, seed);
  const { findings: list, ...summary } = result;
  findings += list.length;
  process.stdout.write(`${JSON.stringify({ ...summary, findings: list.length, seconds: Number(summary.seconds.toFixed(2)) })}\n`);
  if (list.length > 0) {
    const dir = new URL('./crashes/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL(`${target.name.replace(/[^a-z0-9]+/gi, '-')}-${seed}.json`, dir);
    writeFileSync(file, `${JSON.stringify(list, null, 2)}\n`);
    process.stderr.write(`${list.length} finding(s) for ${result.target}: ${file.pathname}\n`);
  }
  process.exitCode = findings > 0 ? 1 : 0;
}
