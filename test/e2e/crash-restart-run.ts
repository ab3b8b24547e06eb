/**
 * The full kill-and-restart proof (300 devices by default), outside `npm test`'s budget:
 * `npm run proof:crash` or `node test/e2e/crash-restart-run.ts [--count N] [--kills K]`.
 * Prints the report as JSON; exits 1 when a check fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { crashRestart } from './crash-harness.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '300' },
    kills: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '8' },
    keep: { type: 'boolean', default: false },
  },
});
const dataDir = mkdtempSync(join(tmpdir(), 'iotopia-crash-'));
try {
  const report = await crashRestart({
    dataDir,
    count: Number(values.count),
    kills: Number(values.kills),
    concurrency: Number(values.concurrency),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify({ dataDir: values.keep ? dataDir : undefined, ...report }, null, 2)}\n`);
  process.exitCode = report.checks.every((c) => c.ok) ? 0 : 1;
} finally {
  if (!values.keep) rmSync(dataDir, { recursive: true, force: true });
}
