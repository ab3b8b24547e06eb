/**
 * Failure injection for the running fleet (fleet-run.ts): which simulated devices fail their
 * installs, have their downloads cut mid-body, or stay offline. A device is chosen by a hash of the
 * seed, the fault and its index compared with the percentage, so one seed picks the same devices on
 * every run, and raising or lowering a percentage while the fleet runs adds or removes devices
 * without reshuffling the rest.
 */
import { createHash } from 'node:crypto';
import { IotopiaError } from '../errors.ts';

export interface FleetFaults {
  /** Percent of devices whose installs fail (reported to the server as failed, with ERR_FLEET_INJECTED). */
  failInstall: number;
  /** Percent of devices whose payload downloads are cut mid-body once per download (they resume with Range). */
  dropDownload: number;
  /** Percent of devices that do not poll. */
  offline: number;
  seed: string;
}

export type FaultKind = Exclude<keyof FleetFaults, 'seed'>;

export const NO_FAULTS: Readonly<FleetFaults> = Object.freeze({ failInstall: 0, dropDownload: 0, offline: 0, seed: 'iotopia' });

/** Checks the percentages (0 to 100). */
export function checkFaults(f: FleetFaults): FleetFaults {
  for (const k of ['failInstall', 'dropDownload', 'offline'] as const)
    if (!(f[k] >= 0 && f[k] <= 100)) throw new TypeError(`fleet faults: ${k} is a percentage from 0 to 100`);
  return f;
}

/** Whether the fault applies to the device at `index`: its seeded position in [0, 100) is below the percentage. */
export function hasFault(f: FleetFaults, kind: FaultKind, index: number): boolean {
  if (f[kind] <= 0) return false;
  const h = createHash('sha256').update(`${f.seed}/${kind}/${index}`).digest().readUInt32BE(0);
  return (h / 2 ** 32) * 100 < f[kind];
}

export const INJECTED = 'ERR_FLEET_INJECTED';

/**
 * The error an injected install failure raises inside the update (at the payload fetch, so the
 * server sees the action downloading, then failed). The SUIT processor reports it as its own fetch
 * failure, so the message names the code too.
 */
export const injectedInstallFailure = (): IotopiaError =>
  new IotopiaError(INJECTED, `${INJECTED}: install failure injected by the fleet simulator`);

/** The code a failure reason is counted under: the injected one wherever it appears, else the first. */
export const reasonCode = (reason: string): string => (reason.includes(INJECTED) ? INJECTED : reason.split(':')[0] || 'unknown');

const isArtifact = (url: string) => /\/artifacts\/[0-9a-f]{64}$/.test(new URL(url).pathname);

/** A body that passes `limit` bytes and then fails the way a reset connection does. */
function cutBody(body: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let passed = 0;
  return new ReadableStream({
    async pull(controller) {
      // The cut comes on the read after the limit, so the bytes before it are delivered first.
      if (passed >= limit) {
        await reader.cancel();
        controller.error(new Error('connection reset mid-body (injected)'));
        return;
      }
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      const part = value.subarray(0, limit - passed);
      passed += part.length;
      controller.enqueue(part);
    },
    cancel: (why) => reader.cancel(why),
  });
}

export interface DownloadCuts {
  /** Bodies cut. */
  cut: number;
  /** Requests that asked for the rest of a payload with Range. */
  resumed: number;
}

/**
 * Wraps fetch for one device: while `active()` says so, every payload download that starts from the
 * beginning (no Range) is cut after half its bytes; resumed requests go through. Counts both.
 */
export function cuttingFetch(base: typeof fetch, active: () => boolean, counts: DownloadCuts): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const response = await base(input, init);
    if (!isArtifact(url)) return response;
    const range = new Headers(init?.headers).get('range');
    if (range !== null) {
      counts.resumed++;
      return response;
    }
    const length = Number(response.headers.get('content-length') ?? '0');
    if (!active() || response.status !== 200 || response.body === null || length < 2) return response;
    counts.cut++;
    return new Response(cutBody(response.body, Math.floor(length / 2)), { status: response.status, headers: response.headers });
  };
}
