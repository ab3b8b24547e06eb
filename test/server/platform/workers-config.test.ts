/** The `workers` setting of `iotopia up` and the primary's restart policy (ADR 0032). */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, resolveConfig, settingsFromEnv, settingsFromFile } from '../../../src/server/platform/config.ts';
import { afterExit, MAX_START_FAILURES, RESTART_MAX_MS, STABLE_MS } from '../../../src/server/platform/workers/restart-policy.ts';
import { runCli } from '../../helpers/cli.ts';

test('workers: the cores available by default; flags, file and IOTOPIA_WORKERS set it; later sources win', () => {
  assert.equal(resolveConfig(['test', {}]).workers, availableParallelism());
  assert.equal(resolveConfig(['env', settingsFromEnv({ IOTOPIA_WORKERS: '3' })]).workers, 3);
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-workers-'));
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ workers: 4 }));
  assert.equal(resolveConfig(['file', settingsFromFile(join(dir, 'c.json'))], ['flags', { workers: '1' }]).workers, 1);
});

test('workers: a whole number from 1 to 256, refused naming the setting and its source', () => {
  for (const bad of ['0', '-1', '1.5', 'two', '', '257']) {
    assert.throws(
      () => resolveConfig(['command line', { workers: bad }]),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /^workers \(from command line\): a whole number from 1 to 256/);
        return true;
      },
    );
  }
});

test('iotopia up --workers: a bad value is a usage error; the help names the option and its default', async () => {
  const bad = await runCli(['up', '--workers', 'many'], process.cwd(), process.env);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /workers \(from command line\)/);
  const help = await runCli(['up', '--help'], process.cwd(), process.env);
  assert.match(help.out, /--workers <n>/);
  assert.match(help.out, /IOTOPIA_WORKERS/);
});

test('restart policy: the delay doubles with each crash in a row, up to the cap', () => {
  const h = { crashes: 0, startFailures: 0 };
  const delays = [1, 2, 3, 4, 5, 6, 7, 8].map(() => afterExit(h, 1000));
  const ms = delays.map((v) => ('restartInMs' in v ? v.restartInMs : -1));
  assert.deepEqual(ms.slice(0, 4), [250, 500, 1000, 2000]);
  assert.equal(Math.max(...ms), RESTART_MAX_MS);
  for (let i = 1; i < ms.length; i++) assert.ok((ms[i] as number) >= (ms[i - 1] as number));
});

test('restart policy: a worker that served for a while starts the count again', () => {
  const h = { crashes: 0, startFailures: 0 };
  for (let i = 0; i < 6; i++) afterExit(h, 10);
  assert.deepEqual(afterExit(h, STABLE_MS), { restartInMs: 250 });
});

test('restart policy: a slot that keeps dying before it listens gives up instead of looping', () => {
  const h = { crashes: 0, startFailures: 0 };
  const verdicts = Array.from({ length: MAX_START_FAILURES }, () => afterExit(h, undefined));
  assert.ok(verdicts.slice(0, -1).every((v) => 'restartInMs' in v));
  assert.ok('giveUp' in (verdicts.at(-1) as object));
  // A worker that listened between two failures breaks the run.
  const g = { crashes: 0, startFailures: 0 };
  for (let i = 0; i < MAX_START_FAILURES - 1; i++) afterExit(g, undefined);
  afterExit(g, 5);
  assert.ok('restartInMs' in afterExit(g, undefined));
});
