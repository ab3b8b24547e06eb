/**
 * `iotopia up --workers 2` as a real process tree on loopback (ADR 0032), on SQLite and on
 * PostgreSQL: the fleet simulator onboards devices and both workers served FDO messages (each
 * worker's /metrics carries its `worker` label); a worker killed with SIGKILL is forked again and
 * onboarding goes on through it; SIGTERM to the primary stops every process; a worker that cannot
 * start fails the start with a usage error, and a slot whose new workers keep failing to start
 * stops the server with exit code 1 instead of being restarted for ever.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runFleet } from '../../src/agent/fleet.ts';
import { runBin } from '../helpers/cli.ts';
import { PG_SKIP, PG_URL } from '../helpers/platform.ts';
import { testCa } from '../server/http/tls-helpers.ts';
import { postgresHarness, type StoreHarness } from '../store/harness.ts';
import { freePort, ServerProcess } from './crash-harness.ts';

/** One /metrics scrape on a connection of its own (connections are spread over the workers). */
function scrape(url: string): Promise<string> {
  return new Promise((resolveText, reject) => {
    get(`${url}/metrics`, { agent: false }, (res) => {
      let text = '';
      res.on('data', (b) => (text += b));
      res.on('end', () => resolveText(text));
    }).on('error', reject);
  });
}

/** FDO messages answered, by worker label, from enough scrapes to reach every worker. */
async function messagesByWorker(url: string): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < 30; i++) {
    const byWorker: Record<string, number> = {};
    for (const m of (await scrape(url)).matchAll(/^iotopia_fdo_request_duration_seconds_count\{[^}]*worker="(\d+)"[^}]*\} (\d+)/gm))
      byWorker[m[1] as string] = (byWorker[m[1] as string] ?? 0) + Number(m[2]);
    Object.assign(seen, byWorker);
    if (Object.keys(seen).length >= 2) break;
  }
  return seen;
}

const childrenOf = (pid: number) =>
  execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l !== '')
    .map(Number);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(50);
  }
}

function workersSuite(name: string, skip: string | false, database: () => string[]) {
  describe(`iotopia up --workers 2 on ${name}`, { skip }, () => {
    let dir = '';
    let server: ServerProcess;
    const found: { first?: Record<string, number>; pids?: number[]; restarted?: number; afterRestart?: Record<string, number> } = {};
    let stopped: { code: number | null; left: number[] } | undefined;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), `iotopia-workers-${name}-`));
      mkdirSync(join(dir, 'data'), { mode: 0o700 });
      server = new ServerProcess(join(dir, 'data'), await freePort(), {
        // Info: each worker logs when it serves, with its pid and slot.
        // A short keep-alive: the fleet's pooled connections close between rounds, so new ones
        // are spread over the workers, the restarted one included.
        args: ['--workers', '2', '--log-level', 'info', '--keep-alive-timeout', '1', ...database()],
        env: { IOTOPIA_MASTER_KEY: randomBytes(32).toString('hex') },
      });
      await server.start();
      // Ready answers once the lead worker listens; the message comes when every worker does.
      await waitFor('the start-up message', () => server.stdout.includes('Ctrl-C stops the server.'));
    });
    after(async () => {
      await server?.kill('SIGKILL');
      server?.dispose();
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    });

    test('the start-up message names two workers, children of the primary', () => {
      const pids = /workers: {4}2 \(pids (\d+), (\d+)\)/.exec(server.stdout);
      assert.ok(pids, server.stdout);
      found.pids = [Number(pids[1]), Number(pids[2])];
      assert.deepEqual(childrenOf(server.child?.pid as number).sort(), [...found.pids].sort());
    });

    test('the fleet onboards, and both workers answered FDO messages', async () => {
      const fleet = await runFleet({ count: 8, concurrency: 4, manufacturer: server.url });
      assert.equal(fleet.succeeded, 8, JSON.stringify(fleet.failures));
      found.first = await messagesByWorker(server.url);
      assert.ok((found.first['1'] ?? 0) > 0 && (found.first['2'] ?? 0) > 0, JSON.stringify(found.first));
    });

    test('a worker killed with SIGKILL is forked again, and the new one serves', async () => {
      const [, victim] = found.pids as [number, number];
      process.kill(victim, 'SIGKILL');
      const primary = server.child?.pid as number;
      await waitFor('a new worker', () => childrenOf(primary).some((p) => !(found.pids as number[]).includes(p)));
      found.restarted = childrenOf(primary).find((p) => !(found.pids as number[]).includes(p));
      await waitFor('the new worker serving', () =>
        new RegExp(`"pid":${found.restarted},[^\n]*"worker":2,[^\n]*"worker serving"`).test(server.stdout),
      );
      assert.match(
        server.stdout,
        new RegExp(`"slot":2,"workerPid":${victim},"code":null,"signal":"SIGKILL"[^\n]*worker 2 died; restarting it`),
      );
      // The new worker starts its counts at zero: what it shows after this fleet, it served.
      let served = false;
      for (let round = 0; round < 5 && !served; round++) {
        // Connections to the surviving worker, kept alive by the shared agent, are closed first.
        await sleep(1500);
        const fleet = await runFleet({ count: 4, concurrency: 4, manufacturer: server.url });
        assert.equal(fleet.succeeded, 4, JSON.stringify(fleet.failures));
        found.afterRestart = await messagesByWorker(server.url);
        served = Object.keys(found.afterRestart).length === 2;
      }
      assert.ok(served, JSON.stringify(found.afterRestart));
    });

    test('SIGTERM to the primary stops every worker and the primary exits 0', async () => {
      const child = server.child;
      assert.ok(child !== undefined);
      const workers = childrenOf(child.pid as number);
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      const code = await exited;
      await waitFor('the workers gone', () => workers.every((p) => !alive(p)), 10_000);
      stopped = { code, left: workers.filter(alive) };
      assert.equal(code, 0);
      assert.deepEqual(stopped.left, []);
      assert.match(server.stdout, /SIGTERM: stopping/);
    });
  });
}

workersSuite('SQLite', false, () => []);

let pg: StoreHarness | undefined;
workersSuite('PostgreSQL', PG_SKIP, () => ['--database', pg?.location as string]);
before(async () => {
  if (PG_URL !== undefined) pg = await postgresHarness(PG_URL);
});
after(async () => {
  await pg?.destroy();
});

test('a worker that cannot start fails the start with a usage error, and nothing is left running', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-workers-bad-'));
  try {
    const port = await freePort();
    // The primary's first start does not read the outbound CA; each worker's start does, and fails.
    const r = await runBin(
      [
        'up',
        '--workers',
        '2',
        '--listen',
        `127.0.0.1:${port}`,
        '--data-dir',
        join(dir, 'data'),
        '--outbound-tls-ca',
        join(dir, 'absent.pem'),
      ],
      { env: { ...process.env, IOTOPIA_LOG_LEVEL: 'silent' } },
    );
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /outbound-tls-ca/);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/readyz`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('after the start, a slot whose new workers keep failing to start stops the server with exit code 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-workers-giveup-'));
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, (await testCa('outbound CA')).pem);
  mkdirSync(join(dir, 'data'), { mode: 0o700 });
  const server = new ServerProcess(join(dir, 'data'), await freePort(), {
    args: ['--workers', '2', '--log-level', 'info', '--outbound-tls-ca', ca],
  });
  try {
    await server.start();
    await waitFor('the start-up message', () => server.stdout.includes('Ctrl-C stops the server.'));
    const child = server.child;
    assert.ok(child !== undefined);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // Each worker reads the CA at its start: without the file, every new worker of slot 2 fails.
    unlinkSync(ca);
    const [, second] = /workers: {4}2 \(pids (\d+), (\d+)\)/.exec(server.stdout)?.slice(1).map(Number) ?? [];
    process.kill(second as number, 'SIGKILL');
    const code = await Promise.race([exited, sleep(60_000).then(() => 'still running')]);
    assert.equal(code, 1, server.stdout.slice(-2000));
    assert.match(server.stdout, /worker 2 keeps dying: 5 workers in a row died before they listened/);
  } finally {
    await server.kill('SIGKILL');
    server.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
