/**
 * A SIGKILL right after any commit of an onboarding loses no voucher: `iotopia up` runs in a child
 * process with a preload that kills it after its Nth COMMIT (kill-after-commit.ts), for every N up
 * to the commits of onboarding the devices; it is started again on the same data, the fleet
 * retries, and then every device that finished DI has its manufacturer and owner vouchers and is
 * onboarded, by the store's account and its own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runFleet } from '../../src/agent/fleet.ts';
import { openStore } from '../../src/store/open-store.ts';
import { freePort, ServerProcess } from './crash-harness.ts';

const PRELOAD = new URL('./kill-after-commit.ts', import.meta.url).pathname;
const DEVICES = 2;
/** Commits of one onboarding on the all-in-one server: DI (with the owner import and TO0) and TO2's end. */
const COMMITS_PER_DEVICE = 2;

async function onboardWithKillAfter(n: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), `iotopia-kill-${n}-`));
  const port = await freePort();
  // One process: the preload kills the process that commits, and the test waits for the server to die.
  const doomed = new ServerProcess(dataDir, port, {
    env: {
      NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import=${PRELOAD}`,
      IOTOPIA_KILL_AFTER_COMMIT: String(n),
      IOTOPIA_WORKERS: '1',
    },
  });
  const again = new ServerProcess(dataDir, port, { env: { IOTOPIA_WORKERS: '1' } });
  try {
    await doomed.start();
    const child = doomed.child;
    assert.ok(child);
    const died = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGUSR2');
    let killed = false;
    // The restart: as soon as the armed server killed itself, on the same data and port.
    const restarted = died.then(async () => {
      killed = child.signalCode === 'SIGKILL';
      await again.start();
    });
    const fleet = await runFleet({ count: DEVICES, concurrency: 1, manufacturer: doomed.url, retries: 40, backoffMs: 50 });
    // Fewer commits than N would leave the armed server alive: that fails here instead of waiting.
    const outcome = await Promise.race([restarted.then(() => 'restarted'), sleep(5000, 'still running', { ref: false })]);
    assert.equal(outcome, 'restarted', `the onboardings made at least ${n} commits`);
    assert.equal(killed, true, `the server was killed after commit ${n}`);
    await again.kill('SIGTERM');
    const failed = fleet.devices.filter((d) => !d.ok);
    assert.deepEqual(failed, [], `every device ends onboarded by its own account (kill after commit ${n})`);
    const kek = new Uint8Array(Buffer.from(readFileSync(join(dataDir, 'master.key'), 'utf8').trim(), 'hex'));
    const store = await openStore({ path: join(dataDir, 'iotopia.db') }, { kek });
    try {
      for (const d of fleet.devices) {
        const guid = new Uint8Array(Buffer.from(d.guid as string, 'hex'));
        assert.ok(await store.vouchers.get('manufacturer', guid), `manufacturer voucher of ${d.guid} (kill after commit ${n})`);
        assert.equal((await store.vouchers.get('owner', guid))?.state, 'onboarded', `owner voucher of ${d.guid} (kill after commit ${n})`);
        assert.equal((await store.devices.get(guid))?.state, 'onboarded', `device ${d.guid} (kill after commit ${n})`);
      }
    } finally {
      await store.close();
    }
  } finally {
    doomed.dispose();
    again.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (let n = 1; n <= DEVICES * COMMITS_PER_DEVICE; n++) {
  test(`a SIGKILL right after commit ${n} of onboarding ${DEVICES} devices loses no voucher, and every device finishes`, () =>
    onboardWithKillAfter(n));
}
