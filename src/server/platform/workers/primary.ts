/**
 * The primary of `iotopia up --workers N` (ADR 0032): forks N workers through node:cluster after
 * the first start (first-start.ts), the lead worker (slot 1) first so that it alone settles
 * anything a start still writes, then the others together. The workers' listeners share the
 * primary's sockets (connections are handed out round-robin). A worker that dies is forked again
 * in its slot after a backoff (restart-policy.ts); a slot that keeps dying before it listens ends
 * the pool, and a worker that fails the first start fails the whole start.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { IotopiaError } from '../../../errors.ts';
import type { FirstStart } from '../first-start.ts';
import {
  type FromWorker,
  type IntentCall,
  isMessage,
  type ToWorker,
  type UsageReply,
  type WorkerFailed,
  type WorkerReady,
} from './protocol.ts';
import { afterExit, type SlotHistory } from './restart-policy.ts';

const WORKER_MAIN = fileURLToPath(new URL('./worker-main.ts', import.meta.url));
/** How long a stopping worker may finish its requests before it is killed. */
const STOP_GRACE_MS = 30_000;
const USAGE_TIMEOUT_MS = 5000;

type Log = (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string) => void;

export interface WorkerPoolOptions {
  first: FirstStart;
  count: number;
  env: NodeJS.ProcessEnv;
  /** Where the workers' output goes (in-process runs); the primary's own stdout and stderr when absent. */
  logStream?: { write(line: string): unknown };
  log: Log;
}

export interface WorkerPool {
  /** The lead worker's report: the URL and listeners the start-up message shows. */
  lead: WorkerReady;
  pids(): number[];
  /** Each live worker's CPU time and memory. */
  usage(): Promise<UsageReply[]>;
  /** Resolves with the reason when a slot kept dying before it listened and the pool gave up. */
  failed: Promise<string>;
  stop(): Promise<void>;
}

/** A worker could not start (`ERR_WORKER_START`); `usage` marks a setting to fix. */
export class WorkerStartError extends IotopiaError {
  readonly usage: boolean;

  constructor(message: string, usage: boolean) {
    super('ERR_WORKER_START', message);
    this.usage = usage;
  }
}

interface Slot {
  worker?: Worker;
  readyAt?: number;
  history: SlotHistory;
  timer?: NodeJS.Timeout;
}

/** node --test's own flags are not the worker's. */
const workerExecArgv = () => process.execArgv.filter((a) => !a.startsWith('--test'));

function relay(worker: Worker, to: WorkerPoolOptions['logStream']): void {
  if (to === undefined) return;
  worker.process.stdout?.on('data', (b: Buffer) => to.write(b.toString('utf8')));
  worker.process.stderr?.on('data', (b: Buffer) => to.write(b.toString('utf8')));
}

const send = (w: Worker, m: ToWorker) => w.isConnected() && w.send(m);

export async function startWorkers(o: WorkerPoolOptions): Promise<WorkerPool> {
  cluster.setupPrimary({ exec: WORKER_MAIN, execArgv: workerExecArgv(), silent: o.logStream !== undefined, serialization: 'advanced' });
  const slots = new Map<number, Slot>();
  for (let i = 1; i <= o.count; i++) slots.set(i, { history: { crashes: 0, startFailures: 0 } });
  let started = false;
  let stopping = false;
  let giveUp: (why: string) => void = () => {};
  const failed = new Promise<string>((r) => {
    giveUp = r;
  });

  /** Intent calls handed to the lead and not answered yet: if the lead dies, the askers run them themselves. */
  const inFlight = new Map<string, { from: number; id: number }>();
  const relayIntent = (from: number, m: IntentCall) => {
    const lead = slots.get(1);
    const asker = slots.get(from)?.worker;
    if (lead?.worker !== undefined && lead.readyAt !== undefined) {
      inFlight.set(`${from}:${m.id}`, { from, id: m.id });
      send(lead.worker, { ...m, from });
    } else if (asker !== undefined) send(asker, { type: 'intent-result', id: m.id, from, outcome: undefined });
  };
  const leadGone = () => {
    for (const { from, id } of inFlight.values()) {
      const asker = slots.get(from)?.worker;
      if (asker !== undefined) send(asker, { type: 'intent-result', id, from, outcome: undefined });
    }
    inFlight.clear();
  };

  const fork = (n: number): Promise<WorkerReady> => {
    const slot = slots.get(n) as Slot;
    const worker = cluster.fork(o.env);
    relay(worker, o.logStream);
    // A message to a worker that is going away fails on its channel: its exit is what counts.
    worker.on('error', (e) => o.log('warn', { slot: n, workerPid: worker.process.pid, err: e }, `worker ${n}: channel error`));
    slot.worker = worker;
    slot.readyAt = undefined;
    let failure: WorkerFailed | undefined;
    return new Promise((resolveReady, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'booted') send(worker, { type: 'start', slot: n, config: o.first.config, env: o.env, backgroundJobs: n === 1 });
        else if (m.type === 'failed') failure = m;
        else if (m.type === 'intent-call') relayIntent(n, m);
        else if (m.type === 'intent-result') {
          inFlight.delete(`${m.from}:${m.id}`);
          const asker = slots.get(m.from)?.worker;
          if (asker !== undefined) send(asker, m);
        } else if (m.type === 'ready') {
          slot.readyAt = Date.now();
          resolveReady(m);
        }
      });
      worker.once('exit', (code, signal) => {
        const pid = worker.process.pid;
        if (n === 1) leadGone();
        if (slot.readyAt === undefined)
          reject(
            new WorkerStartError(
              failure?.message ?? `worker ${n} (pid ${pid}) exited (${signal ?? code}) before it listened`,
              failure?.usage ?? false,
            ),
          );
        // A death before listening during the first start fails the start (the rejection above).
        if (stopping || slot.worker !== worker || (!started && slot.readyAt === undefined)) return;
        const verdict = afterExit(slot.history, slot.readyAt === undefined ? undefined : Date.now() - slot.readyAt);
        slot.worker = undefined;
        if ('giveUp' in verdict) {
          o.log(
            'error',
            { slot: n, workerPid: pid, code, signal, reason: failure?.message },
            `worker ${n} keeps dying: ${verdict.giveUp}; stopping`,
          );
          giveUp(`worker ${n}: ${verdict.giveUp}${failure === undefined ? '' : ` (last: ${failure.message})`}`);
          return;
        }
        o.log('warn', { slot: n, workerPid: pid, code, signal, restartInMs: verdict.restartInMs }, `worker ${n} died; restarting it`);
        slot.timer = setTimeout(() => {
          slot.timer = undefined;
          fork(n).then(
            (r) => o.log('info', { slot: n, workerPid: slot.worker?.process.pid, url: r.url }, `worker ${n} restarted`),
            () => {}, // its exit decides again
          );
        }, verdict.restartInMs);
      });
    });
  };

  const stop = async () => {
    stopping = true;
    const live: Worker[] = [];
    for (const s of slots.values()) {
      if (s.timer !== undefined) clearTimeout(s.timer);
      if (s.worker !== undefined && s.worker.process.exitCode === null && s.worker.process.signalCode === null) live.push(s.worker);
    }
    await Promise.all(live.map((w) => stopOne(w)));
  };

  let lead: WorkerReady;
  try {
    lead = await fork(1);
    await Promise.all([...slots.keys()].filter((n) => n !== 1).map((n) => fork(n)));
  } catch (e) {
    await stop();
    throw e;
  }
  started = true;
  const liveWorkers = () => [...slots.values()].flatMap((s) => (s.worker === undefined || s.readyAt === undefined ? [] : [s.worker]));
  return {
    lead,
    pids: () => liveWorkers().map((w) => w.process.pid as number),
    usage: () => Promise.all(liveWorkers().map(usageOf)),
    failed,
    stop,
  };
}

function stopOne(w: Worker): Promise<void> {
  return new Promise((resolveStopped) => {
    const kill = setTimeout(() => w.process.kill('SIGKILL'), STOP_GRACE_MS);
    w.once('exit', () => {
      clearTimeout(kill);
      resolveStopped();
    });
    if (!send(w, { type: 'stop' })) w.process.kill('SIGTERM');
  });
}

function usageOf(w: Worker): Promise<UsageReply> {
  return new Promise((resolveUsage, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker pid ${w.process.pid} did not report its usage`)), USAGE_TIMEOUT_MS);
    const onMessage = (m: unknown) => {
      if (!isMessage<UsageReply>(m, 'usage')) return;
      clearTimeout(timer);
      w.off('message', onMessage);
      resolveUsage(m);
    };
    w.on('message', onMessage);
    send(w, { type: 'usage' });
  });
}
