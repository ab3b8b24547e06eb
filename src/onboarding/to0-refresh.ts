/**
 * Keeps the owner's TO0 registrations fresh: a rendezvous forgets a registration when its
 * WaitSeconds run out (FDO 1.1 §5.3.4), and a device that has not onboarded by then can no longer
 * find its owner. Every run asks the registrations repository for what is due (a voucher registered
 * but not onboarded with less than `margin` of its granted lifetime left, or one whose last attempt
 * failed) and registers those again; the healthy rest of the fleet is not read. A failed attempt is recorded with the voucher (shown in its
 * view) and retried after a backoff that doubles up to a cap.
 */
import { guidToHex } from '../fdo/types/guid.ts';
import type { ServiceLog } from '../platform/log.ts';
import type { Store } from '../store/store.ts';
import type { To0RegistrationRecord } from '../store/to0-registration-repository.ts';
import type { OwnerRegister } from './to0-registrar.ts';
import { DEFAULT_TO0_REFRESH_MARGIN, describeFailure, recordTo0Failure, recordTo0Success } from './to0-status.ts';

export interface To0RefreshOptions {
  store: Store;
  register: OwnerRegister;
  clock: () => Date;
  /** Register again when less than this share of the granted lifetime remains (0–1, default 0.25). */
  margin?: number;
  /** Wait after the first failure; doubles with each further one (default 60 s). */
  backoffMs?: number;
  /** The longest wait between attempts (default 1 h). */
  maxBackoffMs?: number;
  /** Registrations in flight at once (default 8): each is a TO0 exchange with a rendezvous. */
  concurrency?: number;
  log?: ServiceLog;
}

export interface To0RefreshRun {
  /** Registrations looked at: those due, and those whose last attempt failed. */
  checked: number;
  /** GUIDs (hex) registered again. */
  renewed: string[];
  /** GUIDs (hex) whose attempt failed. */
  failed: string[];
  /** GUIDs (hex) due but waiting out a backoff. */
  backingOff: string[];
}

export interface To0Refresh {
  /** One pass over the registered vouchers; concurrent calls share the pass already running. */
  runOnce(): Promise<To0RefreshRun>;
  /** Runs a pass every `intervalMs` until `stop`. */
  start(intervalMs: number): void;
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
}

export const DEFAULT_TO0_REFRESH_INTERVAL_S = 300;
export const DEFAULT_TO0_BACKOFF_MS = 60_000;
export const DEFAULT_TO0_MAX_BACKOFF_MS = 3_600_000;
export const DEFAULT_TO0_REFRESH_CONCURRENCY = 8;
const ACTOR = 'system:to0-refresh';
const PAGE = 200;

export function createTo0Refresh(o: To0RefreshOptions): To0Refresh {
  const margin = o.margin ?? DEFAULT_TO0_REFRESH_MARGIN;
  if (!(margin >= 0 && margin <= 1)) throw new TypeError('to0 refresh: margin must be within 0 and 1');
  const backoff = o.backoffMs ?? DEFAULT_TO0_BACKOFF_MS;
  const maxBackoff = o.maxBackoffMs ?? DEFAULT_TO0_MAX_BACKOFF_MS;
  const concurrency = o.concurrency ?? DEFAULT_TO0_REFRESH_CONCURRENCY;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new TypeError('to0 refresh: concurrency must be a positive integer');
  let running: Promise<To0RefreshRun> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function refreshOne(due: To0RegistrationRecord): Promise<'renewed' | 'failed' | 'backingOff' | undefined> {
    const guid = guidToHex(due.guid);
    const now = o.clock();
    // Registered once: due from its refresh time; never registered: due once an attempt failed.
    const dueAt = due.refreshAt ?? (due.failures > 0 ? new Date(0) : undefined);
    if (dueAt === undefined || dueAt.getTime() > now.getTime()) return undefined;
    if (due.retryAt !== undefined && due.retryAt.getTime() > now.getTime()) return 'backingOff';
    const voucher = await o.store.vouchers.get('owner', due.guid);
    if (voucher === undefined) return undefined;
    try {
      const result = await o.register(voucher.voucher);
      const until = await recordTo0Success(o.store, due.guid, { at: now, ...result, actor: ACTOR, margin });
      o.log?.info({ guid, rendezvous: result.rendezvous, until: until.toISOString() }, 'TO0 registration refreshed');
      return 'renewed';
    } catch (e) {
      const failures = due.failures + 1;
      const retryAt = new Date(now.getTime() + Math.min(maxBackoff, backoff * 2 ** Math.min(failures - 1, 30)));
      const error = describeFailure(e);
      await recordTo0Failure(o.store, due.guid, { at: now, error, retryAt, actor: ACTOR });
      o.log?.warn({ guid, err: e, failures, retryAt: retryAt.toISOString() }, 'TO0 registration failed; retrying after a backoff');
      return 'failed';
    }
  }

  async function pass(): Promise<To0RefreshRun> {
    const run: To0RefreshRun = { checked: 0, renewed: [], failed: [], backingOff: [] };
    // The repository lists only what is due or failing: the healthy rest of the fleet is not read.
    const now = o.clock();
    let after: string | undefined;
    do {
      const page = await o.store.to0Registrations.listDue(now, { limit: PAGE, ...(after === undefined ? {} : { after }) });
      // Up to `concurrency` registrations at once; the run lists them in page order all the same.
      const outcomes = new Array<Awaited<ReturnType<typeof refreshOne>>>(page.items.length);
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < page.items.length; i = next++) outcomes[i] = await refreshOne(page.items[i] as To0RegistrationRecord);
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, page.items.length) }, worker));
      page.items.forEach((record, i) => {
        run.checked++;
        const outcome = outcomes[i];
        if (outcome !== undefined) run[outcome].push(guidToHex(record.guid));
      });
      after = page.next;
    } while (after !== undefined);
    return run;
  }

  const runOnce = (): Promise<To0RefreshRun> => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    runOnce,
    start(intervalMs) {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        runOnce().catch((e: unknown) => o.log?.warn({ err: e }, 'TO0 refresh pass failed'));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}
