/**
 * The FDO protocol runs a device (and an owner registering with a rendezvous) makes over HTTP:
 * DI against the manufacturer, TO0 against the rendezvous, and onboarding (TO1 to find the owner,
 * then TO2 with it). Each tries the addresses it has in order and moves on only when one cannot be
 * reached; an FDO error message from a server ends the run with that server's code.
 */
import { createPrivateKey } from 'node:crypto';
import type { PrivateKeyLike } from '../../crypto/private-key-handle.ts';
import type { DeviceCredential } from '../credential/device-credential.ts';
import { createDiDevice, type DiDeviceConfig } from '../protocol/di-device.ts';
import type { OwnerKeyRing } from '../protocol/ports.ts';
import { createTo0Owner, type To0Registration, type To0Result } from '../protocol/to0-owner.ts';
import { createTo1Device, type To1Result } from '../protocol/to1-device.ts';
import { createTo2DeviceClient, type To2DeviceOptions, type To2DeviceResult } from '../protocol/to2-device.ts';
import { ownerUrls, rendezvousUrls } from './addresses.ts';
import { FdoTransportError } from './errors.ts';
import { type HttpFdoClientOptions, httpFdoClient } from './http-transport.ts';
import { runClient } from './run-client.ts';

export type TransportOptions = HttpFdoClientOptions;

/** DI against the manufacturer at `url`: resolves with the device's new credential. */
export function runDi(url: string, device: DiDeviceConfig, transport: TransportOptions = {}): Promise<DeviceCredential> {
  const di = createDiDevice(device);
  return runClient({ start: () => di.start(), receive: di.receive }, httpFdoClient(url, transport));
}

/** TO0 against the rendezvous at `url`: registers a voucher the owner's key ring can sign for. */
export function runTo0(
  url: string,
  owner: { keyRing: OwnerKeyRing },
  registration: To0Registration,
  transport: TransportOptions = {},
): Promise<To0Result> {
  const to0 = createTo0Owner(owner);
  return runClient({ start: () => to0.start(registration), receive: to0.receive }, httpFdoClient(url, transport));
}

export interface OnboardTargets {
  /** Rendezvous servers to ask (TO1); from the credential's RendezvousInfo when neither is given. */
  rendezvousUrls?: string[];
  /** Owner servers to go to directly, without TO1 (rendezvous bypass). */
  ownerUrls?: string[];
}

export interface OnboardOptions extends TransportOptions {
  to2: To2DeviceOptions;
  /** The attestation key; read from the credential's PKCS #8 when not given. */
  deviceKey?: PrivateKeyLike;
}

export interface OnboardResult {
  to1?: To1Result;
  /** The owner server TO2 ran against. */
  ownerUrl: string;
  to2: To2DeviceResult;
}

/** Tries `urls` in turn; only an unreachable or silent server sends the run on to the next. */
async function firstReachable<T>(
  urls: readonly string[],
  what: string,
  run: (url: string) => Promise<T>,
): Promise<{ url: string; value: T }> {
  let last: unknown;
  for (const url of urls) {
    try {
      return { url, value: await run(url) };
    } catch (e) {
      const skip = e instanceof FdoTransportError && (e.code === 'ERR_AGENT_HTTP_UNREACHABLE' || e.code === 'ERR_AGENT_HTTP_TIMEOUT');
      if (!skip) throw e;
      last = e;
    }
  }
  throw new FdoTransportError('ERR_AGENT_NO_SERVER', `no ${what} could be reached (${urls.length} tried)`, undefined, { cause: last });
}

/** TO1 (unless owner URLs are given) and then TO2: the device finds its owner and onboards. */
export async function runOnboard(credential: DeviceCredential, targets: OnboardTargets, options: OnboardOptions): Promise<OnboardResult> {
  const { to2: to2Options, deviceKey: givenKey, ...transport } = options;
  let to1: To1Result | undefined;
  let owners = targets.ownerUrls;
  if (owners === undefined || owners.length === 0) {
    const deviceKey = givenKey ?? (await keyFromCredential(credential, to2Options));
    const rv = targets.rendezvousUrls ?? rendezvousUrls(credential.rvInfo);
    const device = createTo1Device({ credential, deviceKey });
    const found = await firstReachable(rv, 'rendezvous server', (url) =>
      runClient({ start: () => device.start(), receive: device.receive }, httpFdoClient(url, transport)),
    );
    to1 = found.value;
    owners = ownerUrls(to1.rvTo2Addr);
  }
  const to1d = to1?.to1d;
  const done = await firstReachable(owners, 'owner server', (url) => {
    const client = createTo2DeviceClient(to2Options);
    return runClient({ start: () => client.start(credential, to1d), receive: client.receive }, httpFdoClient(url, transport));
  });
  return { ...(to1 === undefined ? {} : { to1 }), ownerUrl: done.url, to2: done.value };
}

/** The attestation key for TO1: the credential's own, or the keystore key it names (found as TO2 finds it). */
async function keyFromCredential(credential: DeviceCredential, to2: To2DeviceOptions): Promise<PrivateKeyLike> {
  if ('pkcs8' in credential.deviceKey)
    return createPrivateKey({ key: Buffer.from(credential.deviceKey.pkcs8), format: 'der', type: 'pkcs8' });
  const key = await to2.deviceKeys?.privateKeyFor(credential.deviceKey.keystoreRef);
  if (key === undefined) throw new TypeError('runOnboard: the credential names a keystore key that options.to2.deviceKeys does not hold');
  return key;
}
