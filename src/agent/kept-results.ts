/**
 * The agent's final results, kept until the server has them: a device that lost the server during
 * an update does not report a failure it did not have (it tries again at the next offer), and a
 * `succeeded` result, with its signed SUIT report, that the server did not acknowledge is kept in
 * `<data>/pending-results.json` and sent again when the action is offered again, instead of
 * installing again (which the device's own anti-rollback check would refuse).
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManagementProvision } from '../fdo/serviceinfo/ports.ts';
import { type ApplyOptions, applyUpdate, type OfferedUpdate, type UpdateResult } from './apply-update.ts';
import { DeviceApiError } from './device-api-client.ts';
import { writeFileAtomic } from './local-ports.ts';
import type { UpdateClient } from './update-client.ts';

export const PENDING_FILE = 'pending-results.json';
/** The largest pending-results file read, bytes. */
const MAX_PENDING_BYTES = 256 * 1024;
/** A kept report: base64url, within the device API's bound. */
const REPORT_TEXT = /^[A-Za-z0-9_-]{1,60000}$/;

export type FinalFeedback = Parameters<UpdateClient['feedback']>[1];
export type PendingResults = Record<string, FinalFeedback>;

/** The server or the network, not the update, failed. */
export const serverGone = (e: unknown): boolean => e instanceof DeviceApiError && (e.status === 0 || e.status >= 500);

function pendingSuccess(body: unknown): FinalFeedback | undefined {
  const b = body as { status?: unknown; sequenceNumber?: unknown; report?: unknown } | null;
  if (b?.status !== 'succeeded' || !(b.sequenceNumber === undefined || Number.isSafeInteger(b.sequenceNumber))) return undefined;
  // The signed SUIT report goes with it: the server takes no `succeeded` without one.
  const report = typeof b.report === 'string' && REPORT_TEXT.test(b.report) ? b.report : undefined;
  return {
    status: 'succeeded',
    ...(b.sequenceNumber === undefined ? {} : { sequenceNumber: b.sequenceNumber as number }),
    ...(report === undefined ? {} : { report }),
  };
}

/** The results a device kept for the server; what is not a kept `succeeded` result is dropped. */
export async function readPending(dataDir: string): Promise<PendingResults> {
  let value: unknown;
  try {
    const text = await readFile(join(dataDir, PENDING_FILE), 'utf8');
    if (text.length > MAX_PENDING_BYTES) return {};
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: PendingResults = {};
  for (const [id, body] of Object.entries(value)) {
    const kept = pendingSuccess(body);
    if (kept !== undefined) out[id] = kept;
  }
  return out;
}

async function writePending(dataDir: string, pending: PendingResults): Promise<void> {
  if (Object.keys(pending).length === 0) await rm(join(dataDir, PENDING_FILE), { force: true });
  else await writeFileAtomic(join(dataDir, PENDING_FILE), JSON.stringify(pending));
}

export interface KeptResultsClient {
  client: UpdateClient;
  /** Results the device holds for the server (kept on disk too). */
  pending: PendingResults;
  /** Starts a new update: forgets that the server went away during the last one. */
  reset(): void;
}

/** Wraps the agent's update client; `acknowledged` hears of each final result the server took. */
export function keptResultsClient(
  inner: UpdateClient,
  dataDir: string,
  pending: PendingResults,
  acknowledged: (actionId: string, body: FinalFeedback) => void = () => {},
): KeptResultsClient {
  let lostServer = false;
  const watch = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      if (serverGone(e)) lostServer = true;
      throw e;
    }
  };
  async function feedback(id: string, body: FinalFeedback): Promise<void> {
    // A failure caused by the server's absence is not the update's: say nothing, try again later.
    if (body.status === 'failed' && lostServer)
      throw new DeviceApiError('ERR_DEVICE_API_UNREACHABLE', 'the server went away during the update', 0);
    try {
      await watch(() => inner.feedback(id, body));
    } catch (e) {
      if (body.status === 'succeeded' && serverGone(e)) {
        pending[id] = body;
        await writePending(dataDir, pending);
      }
      throw e;
    }
    if (body.status !== 'succeeded' && body.status !== 'failed') return;
    acknowledged(id, body);
    if (pending[id] !== undefined) {
      delete pending[id];
      await writePending(dataDir, pending);
    }
  }
  return {
    client: {
      envelope: (url) => watch(() => inner.envelope(url)),
      artifact: (uri) => watch(() => inner.artifact(uri)),
      confirm: (id) => watch(() => inner.confirm(id)),
      feedback,
    },
    pending,
    reset: () => {
      lostServer = false;
    },
  };
}

/**
 * Takes an offered action: a kept success for it is sent again (resolving `resent`); otherwise the
 * update is applied (apply-update.ts) through the kept-results client.
 */
export async function applyOrResend(
  provision: ManagementProvision,
  kept: KeptResultsClient,
  action: OfferedUpdate,
  dataDir: string,
  options: ApplyOptions,
): Promise<UpdateResult | 'resent'> {
  kept.reset();
  const again = kept.pending[action.id];
  if (again !== undefined) {
    await kept.client.feedback(action.id, again);
    return 'resent';
  }
  return applyUpdate(provision, kept.client, action, dataDir, options);
}
