/**
 * The update client of one device of the running fleet (fleet-run.ts): the agent's update client
 * (update-client.ts) with the faults of fleet-faults.ts injected, and the device's final results
 * tracked. A device that lost the server during an update does not report a failure it did not
 * have; a `succeeded` result the server did not acknowledge is kept in `<data>/fleet-pending.json`
 * to be sent again instead of installing again.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManagementProvision } from '../fdo/serviceinfo/ports.ts';
import { DeviceApiError } from './device-api-client.ts';
import { cuttingFetch, type DownloadCuts, type FleetFaults, hasFault, injectedInstallFailure } from './fleet-faults.ts';
import { writeFileAtomic } from './local-ports.ts';
import { type UpdateClient, updateClient } from './update-client.ts';

const PENDING_FILE = 'fleet-pending.json';
/** The largest pending-results file read, bytes. */
const MAX_PENDING_BYTES = 256 * 1024;
/** A kept report: base64url, within the device API's bound. */
const REPORT_TEXT = /^[A-Za-z0-9_-]{1,60000}$/;

export type FinalFeedback = Parameters<UpdateClient['feedback']>[1];
export type PendingResults = Record<string, FinalFeedback>;

/** The server or the network, not the update, failed. */
export const serverGone = (e: unknown): boolean => e instanceof DeviceApiError && (e.status === 0 || e.status >= 500);

/** The results a device kept for the server; what is not a kept `succeeded` result is dropped. */
export async function readPending(dataDir: string): Promise<PendingResults> {
  let text: string;
  try {
    text = await readFile(join(dataDir, PENDING_FILE), 'utf8');
  } catch {
    return {};
  }
  if (text.length > MAX_PENDING_BYTES) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: PendingResults = {};
  for (const [id, body] of Object.entries(value)) {
    const b = body as { status?: unknown; sequenceNumber?: unknown; report?: unknown } | null;
    if (b?.status !== 'succeeded' || !(b.sequenceNumber === undefined || Number.isSafeInteger(b.sequenceNumber))) continue;
    // The signed SUIT report goes with it: the server takes no `succeeded` without one.
    const report = typeof b.report === 'string' && REPORT_TEXT.test(b.report) ? b.report : undefined;
    out[id] = {
      status: 'succeeded',
      ...(b.sequenceNumber === undefined ? {} : { sequenceNumber: b.sequenceNumber as number }),
      ...(report === undefined ? {} : { report }),
    };
  }
  return out;
}

async function writePending(dataDir: string, pending: PendingResults): Promise<void> {
  if (Object.keys(pending).length === 0) await rm(join(dataDir, PENDING_FILE), { force: true });
  else await writeFileAtomic(join(dataDir, PENDING_FILE), JSON.stringify(pending));
}

export interface DeviceClientOptions {
  index: number;
  provision: ManagementProvision;
  dataDir: string;
  faults: () => FleetFaults;
  fetch: typeof fetch;
  downloads: DownloadCuts;
  /** Results the device holds for the server (shared with the caller, kept on disk). */
  pending: PendingResults;
  /** Called once the server acknowledged a final result. */
  acknowledged(actionId: string, body: FinalFeedback): void;
}

export interface FleetDeviceClient {
  client: UpdateClient;
  /** Starts a new update: forgets that the server went away during the last one. */
  reset(): void;
}

export function fleetDeviceClient(o: DeviceClientOptions): FleetDeviceClient {
  const fetcher = cuttingFetch(o.fetch, () => hasFault(o.faults(), 'dropDownload', o.index), o.downloads);
  const inner = updateClient(o.provision, join(o.dataDir, 'downloads'), fetcher);
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
    const final = body.status === 'succeeded' || body.status === 'failed';
    // A failure caused by the server's absence is not the update's: say nothing, try again later.
    if (body.status === 'failed' && lostServer)
      throw new DeviceApiError('ERR_DEVICE_API_UNREACHABLE', 'the server went away during the update', 0);
    try {
      await watch(() => inner.feedback(id, body));
    } catch (e) {
      if (body.status === 'succeeded' && serverGone(e)) {
        o.pending[id] = body;
        await writePending(o.dataDir, o.pending);
      }
      throw e;
    }
    if (!final) return;
    o.acknowledged(id, body);
    if (o.pending[id] !== undefined) {
      delete o.pending[id];
      await writePending(o.dataDir, o.pending);
    }
  }
  const client: UpdateClient = {
    envelope: (url) => watch(() => inner.envelope(url)),
    artifact: async (uri) => {
      if (hasFault(o.faults(), 'failInstall', o.index)) throw injectedInstallFailure();
      return watch(() => inner.artifact(uri));
    },
    confirm: (id) => watch(() => inner.confirm(id)),
    feedback,
  };
  return {
    client,
    reset: () => {
      lostServer = false;
    },
  };
}
