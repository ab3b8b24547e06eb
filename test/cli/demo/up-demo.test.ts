/**
 * The demo's preparation: its settings, the throwaway data directory (made here, removed on exit)
 * or the one given (kept), the usage errors; and the fault seed that gives the campaign a few
 * failed installs, never none and never all.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { hasFault } from '../../../src/agent/fleet-faults.ts';
import { prepareDemo, removeThrowaway } from '../../../src/cli/commands/up-demo.ts';
import type { DemoDevice } from '../../../src/cli/demo/seed-fleet.ts';
import { failInstallPercent, failureSeed } from '../../../src/cli/demo/seed-lifecycle.ts';
import { CliExit } from '../../../src/cli/exit-codes.ts';

describe('iotopia up --demo: preparation', () => {
  const kept = mkdtempSync(join(tmpdir(), 'iotopia-demo-kept-'));
  after(() => rmSync(kept, { recursive: true, force: true }));

  test('without --data-dir: a new directory, with the signer CA in it, removed by removeThrowaway', async () => {
    const p = await prepareDemo({ demo: true }, {});
    assert.equal(p.throwaway, true);
    assert.ok(existsSync(p.signer.caFile));
    assert.equal(p.flags.dataDir, p.dataDir);
    assert.equal(p.flags.workers, '1');
    assert.match(p.flags.roles ?? '', /intent/);
    assert.equal(p.status.view().intentMode, 'simulated');
    assert.equal(p.status.view().phase, 'seeding');
    removeThrowaway(p);
    assert.equal(existsSync(p.dataDir), false);
  });

  test('with --data-dir: that directory, kept', async () => {
    const p = await prepareDemo({ demo: true, dataDir: kept }, {});
    assert.equal(p.throwaway, false);
    removeThrowaway(p);
    assert.ok(existsSync(kept));
  });

  test('refuses PostgreSQL and more than one worker', async () => {
    await assert.rejects(prepareDemo({ demo: true, database: 'postgres://x/y' }, {}), CliExit);
    await assert.rejects(prepareDemo({ demo: true }, { IOTOPIA_DATABASE: 'postgres://x/y' }), CliExit);
    await assert.rejects(prepareDemo({ demo: true, workers: '2' }, {}), CliExit);
  });
});

describe('the fault seed of the demo campaign', () => {
  const devices = (first: number): DemoDevice[] =>
    Array.from({ length: 12 }, (_, i) => ({
      index: first + i,
      model: 'm',
      guid: '',
      outcome: { index: first + i, ok: true, ms: 0, retries: 0 },
    }));

  test('fails two to four of twelve devices, all in the first wave and never all of it, wherever they are numbered', () => {
    for (const first of [0, 12, 24, 36, 1000]) {
      const d = devices(first).map((x) => ({ ...x, guid: (x.index + 0x1000).toString(16).padStart(32, '0') }));
      // A first wave of six, not the first six: the engine orders by hash.
      const wave = new Set(d.filter((_, i) => i % 2 === first % 2).map((x) => x.guid));
      const seed = failureSeed(d, wave);
      const failing = d.filter((x) =>
        hasFault({ failInstall: failInstallPercent, dropDownload: 0, offline: 0, seed }, 'failInstall', x.index),
      );
      assert.ok(failing.length >= 2 && failing.length <= 4, `${first}: ${failing.length}`);
      assert.ok(
        failing.every((x) => wave.has(x.guid)),
        `${first}: failing outside the first wave`,
      );
    }
    assert.throws(() => failureSeed(devices(0), new Set()), /ERR_DEMO_SEED|no fault seed/);
  });
});
