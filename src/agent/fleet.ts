/**
 * The fleet simulator: many simulated IoTopia devices, each running DI against one manufacturer
 * and then onboarding (TO1, TO2) the way `iotopia device init` and `device onboard` do, several at
 * a time. A device whose server went away (connection refused or reset, timeout, an HTTP 5xx
 * without an FDO error message) runs its current protocol again after a backoff: a restarted
 * server has lost the session, so FDO can only start that protocol over (§3.8). An FDO error
 * message from the server is the server's verdict and is never retried.
 */
import { type KeyObject, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateKeyPair } from '../crypto/key-generate.ts';
import { FdoTransportError } from '../fdo/client/errors.ts';
import { runDi, runOnboard, type TransportOptions } from '../fdo/client/flows.ts';
import { CipherSuite, KexSuite, PublicKeyType } from '../fdo/constants/crypto.ts';
import { encodeDeviceCredential } from '../fdo/credential/credential-encode.ts';
import type { DeviceCredential } from '../fdo/credential/device-credential.ts';
import { deviceIotopiaOnboardModule } from '../fdo/serviceinfo/modules/iotopia-onboard-device.ts';
import type { ManagementProvision } from '../fdo/serviceinfo/ports.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { type DeviceIdentity, saveIdentity } from './device-identity.ts';
import { fleetDataDir } from './fleet-devices.ts';
import { fileManagementStore, mkdirPrivate, writeFileAtomic } from './local-ports.ts';

export const FLEET_KEYS = {
  ec256: { pair: 'secp256r1', pkType: PublicKeyType.SECP256R1, kex: KexSuite.ECDH256, cipher: CipherSuite.A128GCM },
  ec384: { pair: 'secp384r1', pkType: PublicKeyType.SECP384R1, kex: KexSuite.ECDH384, cipher: CipherSuite.A256GCM },
} as const;
export type FleetKey = keyof typeof FLEET_KEYS;

export interface FleetOptions {
  count: number;
  /** The manufacturer server (DI); TO1 and TO2 go where the credential and the rendezvous say. */
  manufacturer: string;
  /** Devices in flight at once (default 8). */
  concurrency?: number;
  key?: FleetKey;
  /**
   * Keep each device's credential in `<dir>/device-<n>.cbor` (mode 0600) and the device API
   * provision its owner gave it in `<dir>/device-<n>.provision.json`, instead of memory only.
   */
  dir?: string;
  /** Runs of one protocol after the first when its server went away (default 10). */
  retries?: number;
  /** First backoff; doubles per retry up to 2 s, with jitter (default 100 ms). */
  backoffMs?: number;
  transport?: TransportOptions;
  /** A DI token every device presents on DI.AppStart (a manufacturer that is not loopback-only needs one). */
  diToken?: string;
  onProgress?: (progress: FleetProgress) => void;
  /** Stops starting devices and retrying; devices in flight finish their current protocol run. */
  signal?: AbortSignal;
  /** The model every device presents in DI (default FLEET_MODEL). */
  model?: string;
  /** The first device's index (default 0): fleets of several models number their devices apart. */
  firstIndex?: number;
}

export interface FleetProgress {
  done: number;
  succeeded: number;
  failed: number;
  total: number;
  retries: number;
}

export interface DeviceOutcome {
  index: number;
  ok: boolean;
  /** The GUID DI gave the device (hex), once DI finished. */
  guid?: string;
  /** The GUID the device holds after TO2 (hex; equal to `guid` under Credential Reuse). */
  replacementGuid?: string;
  /** Why it failed: the error code, with the peer's FDO code for a server's error message. */
  reason?: string;
  /** The protocol that failed. */
  phase?: 'key' | 'DI' | 'onboarding';
  /** The device API endpoint, credential and trust anchors the owner provisioned in TO2, when it did. */
  provision?: ManagementProvision;
  /** The device's private key, in memory only (it signs the device's SUIT reports). */
  deviceKey?: KeyObject;
  /** The model and serial it presented in DI (also in `<dir>/device-<n>/identity.json`). */
  identity?: DeviceIdentity;
  ms: number;
  retries: number;
}

export interface FleetSummary {
  count: number;
  succeeded: number;
  failed: number;
  /** Failures by reason. */
  failures: Record<string, number>;
  /** Protocol runs started again because the server went away. */
  retries: number;
  durationMs: number;
  /** Devices onboarded per second of wall time. */
  rate: number;
  /** Per successful device, DI through TO2, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  devices: DeviceOutcome[];
}

/** Where `dir` keeps the provision of the device at `index`. */
export const provisionFile = (dir: string, index: number): string => join(dir, `device-${index}.provision.json`);

/** The model every simulated device presents in DI. */
export const FLEET_MODEL = 'IoTopia fleet simulator';

const random = (n: number) => new Uint8Array(randomBytes(n));

/** A failure of the server's process or connection, not of the protocol itself. */
export function serverWentAway(e: unknown): boolean {
  if (!(e instanceof FdoTransportError)) return false;
  if (e.code === 'ERR_AGENT_HTTP_STATUS') return /HTTP 5\d\d/.test(e.message);
  return e.code === 'ERR_AGENT_HTTP_UNREACHABLE' || e.code === 'ERR_AGENT_HTTP_TIMEOUT' || e.code === 'ERR_AGENT_NO_SERVER';
}

export function failureReason(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  const peer = (e as { peerCode?: unknown })?.peerCode;
  if (typeof code !== 'string') return 'ERR_FLEET_UNEXPECTED';
  return typeof peer === 'number' ? `${code}(${peer})` : code;
}

export async function runFleet(options: FleetOptions): Promise<FleetSummary> {
  const { count, manufacturer } = options;
  if (!Number.isInteger(count) || count < 0) throw new TypeError('runFleet: count must be a non-negative integer');
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 8, Math.max(count, 1)));
  const kind = FLEET_KEYS[options.key ?? 'ec256'];
  if (kind === undefined) throw new TypeError(`runFleet: key must be one of ${Object.keys(FLEET_KEYS).join(', ')}`);
  const maxRetries = options.retries ?? 10;
  const backoffMs = options.backoffMs ?? 100;
  const model = options.model ?? FLEET_MODEL;
  const firstIndex = options.firstIndex ?? 0;
  const transport = options.transport ?? {};
  const diTransport = options.diToken === undefined ? transport : { ...transport, diToken: options.diToken };
  if (options.dir !== undefined) await mkdirPrivate(options.dir);

  const outcomes: DeviceOutcome[] = [];
  const progress: FleetProgress = { done: 0, succeeded: 0, failed: 0, total: count, retries: 0 };
  const started = performance.now();

  async function withRetries<T>(outcome: DeviceOutcome, run: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (e) {
        if (!serverWentAway(e) || attempt >= maxRetries || options.signal?.aborted) throw e;
        outcome.retries++;
        progress.retries++;
        const wait = Math.min(2000, backoffMs * 2 ** attempt);
        await sleep(wait / 2 + Math.random() * (wait / 2));
      }
    }
  }

  async function device(index: number): Promise<DeviceOutcome> {
    const t0 = performance.now();
    const outcome: DeviceOutcome = { index, ok: false, ms: 0, retries: 0 };
    const file = options.dir === undefined ? undefined : join(options.dir, `device-${index}.cbor`);
    const keep = async (c: DeviceCredential) => {
      if (file !== undefined) await writeFileAtomic(file, encodeDeviceCredential(c));
    };
    try {
      outcome.phase = 'key';
      const { privateKey } = await generateKeyPair(kind.pair);
      outcome.deviceKey = privateKey;
      outcome.phase = 'DI';
      const serialNumber = `FLEET-${index}-${randomBytes(4).toString('hex').toUpperCase()}`;
      const credential = await withRetries(outcome, () =>
        runDi(manufacturer, { random, deviceKey: privateKey, serialNumber, model, keyType: kind.pkType }, diTransport),
      );
      outcome.guid = guidToHex(credential.guid);
      outcome.identity = { model, serial: serialNumber };
      await keep(credential);
      if (options.dir !== undefined) await saveIdentity(fleetDataDir(options.dir, index), outcome.identity);
      outcome.phase = 'onboarding';
      const result = await withRetries(outcome, () =>
        runOnboard(
          credential,
          {},
          {
            ...transport,
            deviceKey: privateKey,
            to2: {
              kexSuite: kind.kex,
              cipherSuite: kind.cipher,
              random,
              serviceInfo: {
                devmod: { os: 'iotopia-fleet', arch: 'sim', version: '1', device: `sim-${index}`, sep: ';', bin: 'sim' },
                modules: [
                  deviceIotopiaOnboardModule({
                    store: {
                      save: async (p) => {
                        outcome.provision = p;
                        if (options.dir !== undefined) await fileManagementStore(provisionFile(options.dir, index)).save(p);
                      },
                    },
                  }),
                ],
              },
            },
          },
        ),
      );
      outcome.replacementGuid = guidToHex(result.to2.credential.guid);
      await keep(result.to2.credential);
      outcome.ok = true;
      delete outcome.phase;
    } catch (e) {
      outcome.reason = failureReason(e);
    }
    outcome.ms = round(performance.now() - t0);
    return outcome;
  }

  let next = 0;
  async function worker(): Promise<void> {
    while (next < count && !options.signal?.aborted) {
      const outcome = await device(firstIndex + next++);
      outcomes.push(outcome);
      progress.done++;
      if (outcome.ok) progress.succeeded++;
      else progress.failed++;
      options.onProgress?.({ ...progress });
    }
  }
  await Promise.all(Array.from({ length: count === 0 ? 0 : concurrency }, worker));

  const durationMs = performance.now() - started;
  outcomes.sort((a, b) => a.index - b.index);
  const failures: Record<string, number> = {};
  for (const o of outcomes)
    if (!o.ok) failures[o.reason ?? 'ERR_FLEET_UNEXPECTED'] = (failures[o.reason ?? 'ERR_FLEET_UNEXPECTED'] ?? 0) + 1;
  const times = outcomes
    .filter((o) => o.ok)
    .map((o) => o.ms)
    .sort((a, b) => a - b);
  return {
    count,
    succeeded: progress.succeeded,
    failed: progress.failed,
    failures,
    retries: progress.retries,
    durationMs: round(durationMs),
    rate: round(durationMs === 0 ? 0 : progress.succeeded / (durationMs / 1000)),
    p50Ms: round(percentile(times, 0.5)),
    p99Ms: round(percentile(times, 0.99)),
    devices: outcomes,
  };
}

/** Nearest-rank percentile of sorted values; 0 when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

const round = (n: number) => Number(n.toFixed(1));
