/**
 * The update client of one device of the running fleet (fleet-run.ts): the agent's update client
 * (update-client.ts) with the faults of fleet-faults.ts injected, and its final results kept until
 * the server has them, as the agent keeps them (kept-results.ts).
 */
import { join } from 'node:path';
import type { ManagementProvision } from '../fdo/serviceinfo/ports.ts';
import { cuttingFetch, type DownloadCuts, type FleetFaults, hasFault, injectedInstallFailure } from './fleet-faults.ts';
import { type FinalFeedback, type KeptResultsClient, keptResultsClient, type PendingResults } from './kept-results.ts';
import { type UpdateClient, updateClient } from './update-client.ts';

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

export function fleetDeviceClient(o: DeviceClientOptions): KeptResultsClient {
  const fetcher = cuttingFetch(o.fetch, () => hasFault(o.faults(), 'dropDownload', o.index), o.downloads);
  const inner = updateClient(o.provision, join(o.dataDir, 'downloads'), fetcher);
  const faulty: UpdateClient = {
    ...inner,
    artifact: async (uri) => {
      if (hasFault(o.faults(), 'failInstall', o.index)) throw injectedInstallFailure();
      return inner.artifact(uri);
    },
  };
  return keptResultsClient(faulty, o.dataDir, o.pending, o.acknowledged);
}
