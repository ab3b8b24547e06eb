/**
 * The running fleet: simulated devices that keep polling the device API, each with the credential
 * its owner provisioned and its own data directory, and apply offered updates with the agent's own
 * applyUpdate (apply-update.ts). Many devices share one process: polls and updates in flight are
 * bounded, and each device waits the interval the server answers with (within the bounds given,
 * with ±20 % jitter). Faults (fleet-faults.ts) can be changed while the fleet runs.
 *
 * Each device's update client (fleet-device-client.ts) injects the faults, holds back failures
 * that were the server's absence (the device tries again at the next offer) and keeps successes
 * the server did not acknowledge, to send again instead of installing again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PrivateKeyLike } from '../crypto/private-key-handle.ts';
import type { ManagementProvision } from '../fdo/serviceinfo/ports.ts';
import type { OfferedUpdate, UpdateResult } from './apply-update.ts';
import { type ConfigReporter, configReporter } from './config-report.ts';
import { DeviceApiError, type PollAnswer, pollOnce } from './device-api-client.ts';
import type { DeviceIdentity } from './device-identity.ts';
import { failureReason } from './fleet.ts';
import { fleetDeviceClient } from './fleet-device-client.ts';
import { checkFaults, type DownloadCuts, type FleetFaults, hasFault, NO_FAULTS, reasonCode } from './fleet-faults.ts';
import { applyOrResend, type KeptResultsClient, readPending, serverGone } from './kept-results.ts';
import { offeredUpdate } from './offered-update.ts';
import { installedSequence } from './suit-state.ts';

export interface FleetDevice {
  index: number;
  provision: ManagementProvision;
  /** Components, downloads and the installed sequence number live here. */
  dataDir: string;
  /** The device key that signs its SUIT reports (a `succeeded` without a signed report is refused). */
  reportKey?: PrivateKeyLike;
  /** What it reports it is on the device API (with its components, config-report.ts). */
  identity?: DeviceIdentity;
}

export interface FleetRunOptions {
  devices: FleetDevice[];
  /** Polls and updates in flight at once (default 16). */
  concurrency?: number;
  faults?: Partial<FleetFaults>;
  /** Bounds on the wait between polls, ms (defaults 1 s and 1 day); the server's interval is kept within them. */
  minPollMs?: number;
  maxPollMs?: number;
  /** Confirm updates whose campaign asks for confirmation. */
  accept?: boolean;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/** What one device saw, by its own account. */
export interface FleetDeviceRecord {
  index: number;
  polls: number;
  pollErrors: number;
  /** Offers by action id. */
  offers: Record<string, number>;
  /** Actions whose success the server acknowledged. */
  succeeded: string[];
  /**
   * Actions whose success the server did not acknowledge (the answer was lost); sent again when
   * offered again. One left at the end means the server had recorded it before the answer was lost.
   */
  unacknowledged: string[];
  /** Actions whose failure the server acknowledged, with the reason. */
  failed: Record<string, string>;
  /** Offers of an action after the server had acknowledged its success (never expected). */
  offeredAfterSuccess: number;
  /** Updates broken off because the server went away (tried again at the next offer). */
  interrupted: number;
  /** Final results sent again after the server had not acknowledged them. */
  resent: number;
  /** Update steps the server refused (a 4xx), by code. */
  refused: Record<string, number>;
  /** Config reports sent (`PUT /device/v1/config`), and those that failed (tried again after the next poll). */
  configSent: number;
  configErrors: number;
  installedSequence?: number;
}

export interface FleetRunSummary {
  devices: number;
  offline: number;
  polls: number;
  pollErrors: number;
  /** Devices by installed sequence number ("none" before any update). */
  installed: Record<string, number>;
  succeeded: number;
  /** Failed updates by reason (the code the reason starts with; ERR_FLEET_INJECTED for injected ones). */
  failures: Record<string, number>;
  interrupted: number;
  resent: number;
  offeredAfterSuccess: number;
  downloads: DownloadCuts;
  durationMs: number;
}

export interface FleetRun {
  /** The faults now in force; the change applies from each device's next poll. */
  faults(): FleetFaults;
  setFaults(change: Partial<FleetFaults>): void;
  summary(): FleetRunSummary;
  records(): FleetDeviceRecord[];
  /** Stops polling; resolves once updates in flight finished. */
  stop(): Promise<FleetRunSummary>;
  /** Settles when the fleet stopped (by `stop` or the signal). */
  done: Promise<FleetRunSummary>;
}

function semaphore(n: number): <T>(run: () => Promise<T>) => Promise<T> {
  let free = n;
  const waiting: (() => void)[] = [];
  return async (run) => {
    if (free > 0) free--;
    else await new Promise<void>((r) => waiting.push(r));
    try {
      return await run();
    } finally {
      const next = waiting.shift();
      if (next === undefined) free++;
      else next();
    }
  };
}

export function runFleetDevices(o: FleetRunOptions): FleetRun {
  let faults = checkFaults({ ...NO_FAULTS, ...o.faults });
  const limit = semaphore(Math.max(1, o.concurrency ?? 16));
  const base = o.fetch ?? globalThis.fetch;
  const minMs = o.minPollMs ?? 1000;
  const maxMs = Math.max(minMs, o.maxPollMs ?? 86_400_000);
  const downloads: DownloadCuts = { cut: 0, resumed: 0 };
  const stopping = new AbortController();
  const stopped = o.signal === undefined ? stopping.signal : AbortSignal.any([o.signal, stopping.signal]);
  const started = performance.now();
  const records = o.devices.map(
    (d): FleetDeviceRecord => ({
      index: d.index,
      polls: 0,
      pollErrors: 0,
      offers: {},
      succeeded: [],
      unacknowledged: [],
      failed: {},
      offeredAfterSuccess: 0,
      interrupted: 0,
      resent: 0,
      refused: {},
      configSent: 0,
      configErrors: 0,
    }),
  );

  async function onOffer(
    d: FleetDevice,
    rec: FleetDeviceRecord,
    action: OfferedUpdate,
    kept: KeptResultsClient,
  ): Promise<UpdateResult | undefined> {
    rec.offers[action.id] = (rec.offers[action.id] ?? 0) + 1;
    if (rec.succeeded.includes(action.id)) rec.offeredAfterSuccess++;
    try {
      const r = await applyOrResend(d.provision, kept, action, d.dataDir, {
        accept: o.accept === true,
        ...(d.reportKey === undefined ? {} : { reportKey: d.reportKey }),
      });
      if (r !== 'resent') return r;
      rec.resent++;
      return undefined;
    } catch (e) {
      if (!(e instanceof DeviceApiError)) throw e;
      if (serverGone(e)) rec.interrupted++;
      else rec.refused[e.code] = (rec.refused[e.code] ?? 0) + 1;
      return undefined;
    } finally {
      rec.unacknowledged = Object.keys(kept.pending);
      const seq = await installedSequence(d.dataDir);
      if (seq !== undefined) rec.installedSequence = seq;
    }
  }

  async function device(d: FleetDevice, rec: FleetDeviceRecord): Promise<void> {
    const pending = await readPending(d.dataDir);
    const seq = await installedSequence(d.dataDir);
    if (seq !== undefined) rec.installedSequence = seq;
    rec.unacknowledged = Object.keys(pending);
    const dc = fleetDeviceClient({
      index: d.index,
      provision: d.provision,
      dataDir: d.dataDir,
      faults: () => faults,
      fetch: base,
      downloads,
      pending,
      acknowledged: (id, body) => {
        if (body.status === 'succeeded') rec.succeeded.push(id);
        else rec.failed[id] = body.reason ?? '';
      },
    });
    const config: ConfigReporter = configReporter({
      provision: () => d.provision,
      dataDir: d.dataDir,
      identity: d.identity ?? {},
      fetch: base,
      onSent: () => rec.configSent++,
      onError: () => rec.configErrors++,
    });
    let waitMs = Math.min(maxMs, Math.max(minMs, 60_000));
    // Devices start spread over one interval, as a fleet switched on at once would not poll in step.
    await sleep(Math.random() * minMs, undefined, { signal: stopped }).catch(() => {});
    while (!stopped.aborted) {
      if (!hasFault(faults, 'offline', d.index)) {
        await limit(async () => {
          let answer: PollAnswer;
          try {
            answer = await pollOnce(d.provision, base);
          } catch (e) {
            rec.pollErrors++;
            if (!(e instanceof DeviceApiError)) throw e;
            return;
          }
          rec.polls++;
          waitMs = Math.min(maxMs, Math.max(minMs, answer.pollSeconds * 1000));
          await config.afterPoll();
          const action = offeredUpdate(answer);
          if (action !== undefined) await config.afterUpdate((await onOffer(d, rec, action, dc))?.status);
        });
      }
      await sleep(waitMs * (0.8 + Math.random() * 0.4), undefined, { signal: stopped }).catch(() => {});
    }
  }

  function summary(): FleetRunSummary {
    const installed: Record<string, number> = {};
    const failures: Record<string, number> = {};
    const sum = (f: (r: FleetDeviceRecord) => number) => records.reduce((n, r) => n + f(r), 0);
    for (const r of records) {
      const key = r.installedSequence === undefined ? 'none' : String(r.installedSequence);
      installed[key] = (installed[key] ?? 0) + 1;
      for (const reason of Object.values(r.failed)) {
        const code = reasonCode(reason);
        failures[code] = (failures[code] ?? 0) + 1;
      }
    }
    return {
      devices: records.length,
      offline: o.devices.filter((d) => hasFault(faults, 'offline', d.index)).length,
      polls: sum((r) => r.polls),
      pollErrors: sum((r) => r.pollErrors),
      installed,
      succeeded: sum((r) => r.succeeded.length),
      failures,
      interrupted: sum((r) => r.interrupted),
      resent: sum((r) => r.resent),
      offeredAfterSuccess: sum((r) => r.offeredAfterSuccess),
      downloads: { ...downloads },
      durationMs: Math.round(performance.now() - started),
    };
  }

  const done = Promise.all(
    o.devices.map((d, i) =>
      device(d, records[i] as FleetDeviceRecord).catch((e: unknown) => {
        const r = records[i] as FleetDeviceRecord;
        r.failed.agent = failureReason(e);
      }),
    ),
  ).then(summary);
  return {
    faults: () => ({ ...faults }),
    setFaults(change) {
      faults = checkFaults({ ...faults, ...change });
    },
    summary,
    records: () => records.map((r) => structuredClone(r)),
    stop() {
      stopping.abort();
      return done;
    },
    done,
  };
}
