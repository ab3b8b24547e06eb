/**
 * A worker of `iotopia up --workers N` (ADR 0032): forked by the primary through node:cluster, it
 * waits for its start message, starts the platform on the configuration the primary settled (its
 * listeners share the primary's sockets) and serves until the primary tells it to stop. Its log
 * lines carry its slot as `worker`. SIGINT (Ctrl-C reaches the whole process group) is left to the
 * primary, which stops every worker; a SIGTERM sent to this worker alone stops it gracefully.
 */
import cluster from 'node:cluster';
import { hostname } from 'node:os';
import pino from 'pino';
import { KeystoreError } from '../../../keystore/errors.ts';
import { ConfigError } from '../config.ts';
import { type Platform, startPlatform } from '../platform.ts';
import { type IntentForward, type IntentOutcome, runForwarded } from '../roles/intent-relay.ts';
import { type FromWorker, type IntentCall, type IntentResult, isMessage, type ToWorker, type WorkerStart } from './protocol.ts';

if (!cluster.isWorker || process.send === undefined) throw new TypeError('worker-main.ts runs only as a worker forked by iotopia up');

const send = (m: FromWorker) =>
  new Promise<void>((resolveSent) => {
    process.send?.(m, undefined, {}, () => resolveSent());
  });
let platform: Platform | undefined;
let slot = 0;
let stopping: Promise<void> | undefined;
/** Intent calls of this worker carried to the lead, by request id. */
const waiting = new Map<number, (outcome: IntentOutcome | undefined) => void>();
let nextId = 0;

/** A worker that is not the lead: the lead runs the intent manager's changing calls. */
const intentForward: IntentForward = (name, args) =>
  new Promise((resolveOutcome) => {
    const id = ++nextId;
    waiting.set(id, resolveOutcome);
    void send({ type: 'intent-call', id, name, args });
  });

function intentResult(m: IntentResult): void {
  waiting.get(m.id)?.(m.outcome);
  waiting.delete(m.id);
}

/** The lead: runs another worker's intent call, then answers it. */
async function runIntentCall(m: IntentCall): Promise<void> {
  const manager = platform?.intent?.manager;
  const outcome = manager === undefined ? undefined : await runForwarded(manager, m.name, m.args);
  await send({ type: 'intent-result', id: m.id, from: m.from ?? 0, outcome });
}

function stop(): Promise<void> {
  stopping ??= (async () => {
    try {
      await platform?.close();
    } catch (e) {
      process.stderr.write(`iotopia worker ${slot}: shutdown failed: ${(e as Error).message}\n`);
    }
    process.exit(0);
  })();
  return stopping;
}

async function start(m: WorkerStart): Promise<void> {
  slot = m.slot;
  const logger = pino({ level: m.config.logLevel, base: { pid: process.pid, hostname: hostname(), worker: m.slot } });
  try {
    platform = await startPlatform(m.config, {
      logger,
      env: m.env,
      backgroundJobs: m.backgroundJobs,
      metricLabels: { worker: String(m.slot) },
      ...(m.backgroundJobs ? {} : { intentForward }),
    });
  } catch (e) {
    const usage = e instanceof ConfigError || e instanceof KeystoreError;
    const message = e instanceof KeystoreError ? `${e.message} [${e.code}]` : (e as Error).message;
    if (!usage) logger.error({ err: e }, 'worker start failed');
    await send({ type: 'failed', slot, message, usage });
    process.exit(1);
  }
  logger.info({ background: m.backgroundJobs }, 'worker serving');
  await send({
    type: 'ready',
    slot,
    url: platform.url,
    listeners: platform.listeners,
    ...(platform.tls === undefined ? {} : { tlsFingerprint: platform.tls.fingerprint }),
    manufacturing: platform.manufacturing,
  });
}

process.on('SIGINT', () => {});
process.on('SIGTERM', () => void stop());
process.on('message', (m: ToWorker) => {
  if (isMessage<WorkerStart>(m, 'start')) void start(m);
  else if (m.type === 'stop') void stop();
  else if (m.type === 'intent-call') void runIntentCall(m);
  else if (m.type === 'intent-result') intentResult(m);
  else if (m.type === 'usage')
    void send({ type: 'usage', slot, pid: process.pid, cpu: process.cpuUsage(), rssBytes: process.memoryUsage().rss });
});
void send({ type: 'booted' });
