/** TO2.HelloDevice (§5.5.2): the device names its GUID, proposes the suites and sends its nonce. */
import { MsgType } from '../../constants/message-types.ts';
import { encodeDeviceCredential } from '../../credential/credential-encode.ts';
import type { DeviceCredential } from '../../credential/device-credential.ts';
import { encodeTO2HelloDevice } from '../../messages/to2.ts';
import { generateNonce } from '../../types/nonce.ts';
import { deviceSigning } from '../lib/to2-crypto.ts';
import { b64 } from '../lib/to2-state-fields.ts';
import { deviceKey } from './device-context.ts';
import type { To2DeviceNext, To2DeviceOptions, To2DeviceState } from './types.ts';

export async function helloDevice(options: To2DeviceOptions, credential: DeviceCredential, to1d?: Uint8Array): Promise<To2DeviceNext> {
  if (credential === null || typeof credential !== 'object' || !(credential.guid instanceof Uint8Array)) {
    throw new TypeError('credential must be a DeviceCredential');
  }
  if (!credential.active) throw new TypeError('the device credential is not active');
  if (to1d !== undefined && !(to1d instanceof Uint8Array)) throw new TypeError('to1d must be the bytes of TO1.RVRedirect');
  const key = await deviceKey(options, credential);
  const nonceProveOV = generateNonce(options.random);
  const hello = encodeTO2HelloDevice({
    maxDeviceMessageSize: options.maxDeviceMessageSize ?? 0,
    guid: credential.guid,
    nonceTO2ProveOV: nonceProveOV,
    kexSuiteName: options.kexSuite,
    cipherSuiteName: options.cipherSuite,
    eASigInfo: deviceSigning(key, options.rsaPss === true).sigInfo,
  });
  const state: To2DeviceState = {
    v: 1,
    role: 'to2-device',
    expect: MsgType.TO2_ProveOVHdr,
    credential: b64(encodeDeviceCredential(credential)),
    to1d: to1d === undefined ? null : b64(to1d),
    kexSuite: options.kexSuite,
    cipherSuite: options.cipherSuite,
    hello: b64(hello),
    nonceProveOV: b64(nonceProveOV),
    header: null,
    hmacType: null,
    hmacRaw: null,
    ownerKey: null,
    xA: null,
    nonceProveDv: null,
    numEntries: 0,
    nextEntry: 0,
    chain: null,
    nonceSetupDv: null,
    session: null,
    replacement: null,
    maxDeviceServiceInfoSz: null,
    serviceInfo: null,
  };
  return { state, request: { msgType: MsgType.TO2_HelloDevice, body: hello } };
}
