/**
 * The server side of the onboarding benchmark: `iotopia up` in its own process (as in production),
 * one process or a primary with IOTOPIA_WORKERS workers (ADR 0032), with an IPC channel through
 * which the benchmark asks for the server's CPU time (the primary's and every worker's, summed)
 * and, when bench/sqlite-lock-wait.ts was imported, the time spent waiting for SQLite's write lock,
 * so that the server's cost per device is measured apart from the simulated devices'.
 */
import cluster from 'node:cluster';
import { resolveConfig } from '../src/server/platform/config.ts';
import { prepareFirstStart } from '../src/server/platform/first-start.ts';
import { startPlatform } from '../src/server/platform/platform.ts';
import { startWorkers, type WorkerPool } from '../src/server/platform/workers/primary.ts';
import type { LockWait } from './sqlite-lock-wait.ts';

const [dataDir, database] = process.argv.slice(2);
if (dataDir === undefined || process.send === undefined)
  throw new TypeError('usage: node bench/onboarding-server.ts DATA_DIR [DATABASE_URL] (with an IPC channel)');
const config = resolveConfig(
  ['bench', { listen: '127.0.0.1:0', dataDir, logLevel: 'silent', ...(database === undefined ? {} : { database }) }],
  [
    // The variants: the benchmark sets these (a SoftHSM2 token, TLS, the worker count) and the PIN in the environment.
    'environment',
    {
      keystore: process.env.IOTOPIA_KEYSTORE,
      pkcs11Module: process.env.IOTOPIA_PKCS11_MODULE,
      pkcs11Token: process.env.IOTOPIA_PKCS11_TOKEN,
      tls: process.env.IOTOPIA_TLS,
      workers: process.env.IOTOPIA_WORKERS ?? '1',
    },
  ],
);

/** Present when the benchmark imported the probe into this process (SQLite runs). */
const probe = process.execArgv.some((a) => a.includes('sqlite-lock-wait')) ? (await import('./sqlite-lock-wait.ts')).lockWait : undefined;

interface Server {
  url: string;
  caFile?: string;
  pool?: WorkerPool;
  close(): Promise<void>;
}

async function start(): Promise<Server> {
  if ((config.workers ?? 1) === 1) {
    const platform = await startPlatform(config);
    return {
      url: platform.url,
      ...(platform.tls?.caFile === undefined ? {} : { caFile: platform.tls.caFile }),
      close: () => platform.close(),
    };
  }
  const first = await prepareFirstStart(config, { env: process.env });
  const pool = await startWorkers({ first, count: config.workers ?? 1, env: process.env, log: () => {} });
  return { url: pool.lead.url, ...(first.tls?.caFile === undefined ? {} : { caFile: first.tls.caFile }), pool, close: () => pool.stop() };
}

function workerLockWaits(): Promise<LockWait[]> {
  const workers = Object.values(cluster.workers ?? {}).flatMap((w) => (w === undefined ? [] : [w]));
  return Promise.all(
    workers.map(
      (w) =>
        new Promise<LockWait>((resolveWait) => {
          const on = (m: { type?: string }) => {
            if (m?.type !== 'lock-wait') return;
            w.off('message', on);
            resolveWait(m as LockWait);
          };
          w.on('message', on);
          w.send({ type: 'lock-wait' });
        }),
    ),
  );
}

async function lockWaits(server: Server): Promise<LockWait[] | undefined> {
  if (probe === undefined) return undefined;
  return [probe(), ...(server.pool === undefined ? [] : await workerLockWaits())];
}

async function usage(server: Server) {
  const own = { cpu: process.cpuUsage(), rssBytes: process.memoryUsage().rss };
  const workers = server.pool === undefined ? [] : await server.pool.usage();
  const cpu = [own, ...workers].reduce((a, u) => ({ user: a.user + u.cpu.user, system: a.system + u.cpu.system }), { user: 0, system: 0 });
  const locks = await lockWaits(server);
  return {
    cpu,
    rssBytes: [own, ...workers].reduce((a, u) => a + u.rssBytes, 0),
    processes: 1 + workers.length,
    ...(locks === undefined ? {} : { locks }),
  };
}

const server = await start();
process.on('message', (m) => {
  if (m === 'cpu') void usage(server).then((u) => process.send?.(u));
  if (m === 'stop') void server.close().then(() => process.exit(0));
});
process.send({ url: server.url, ...(server.caFile === undefined ? {} : { caFile: server.caFile }) });
