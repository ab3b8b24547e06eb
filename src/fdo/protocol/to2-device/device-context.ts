/** What several TO2 device messages share: the credential and its key, and fields of the stored state. */
import { privateKeyFromPkcs8 } from '../../../crypto/key-pem-import.ts';
import type { PrivateKeyLike } from '../../../crypto/private-key-handle.ts';
import { decodeDeviceCredential } from '../../credential/credential-decode.ts';
import type { DeviceCredential } from '../../credential/device-credential.ts';
import { to2Error } from '../lib/to2-errors.ts';
import { bytesField } from '../lib/to2-state-fields.ts';
import type { To2DeviceOptions, To2DeviceState } from './types.ts';

export async function deviceKey(options: To2DeviceOptions, dc: DeviceCredential): Promise<PrivateKeyLike> {
  if ('pkcs8' in dc.deviceKey) return privateKeyFromPkcs8(dc.deviceKey.pkcs8);
  const key = await options.deviceKeys?.privateKeyFor(dc.deviceKey.keystoreRef);
  if (key === undefined) throw to2Error('ERR_FDO_TO2_KEY_UNAVAILABLE', 'the device attestation key is not in the keystore');
  return key;
}

export const credentialOf = (s: To2DeviceState): DeviceCredential => decodeDeviceCredential(bytesField(s.credential, 'credential'));

/** A state field that an earlier message must have filled. */
export function need<T>(v: T | null, what: string): T {
  if (v === null) throw to2Error('ERR_FDO_TO2_STATE', `stored TO2 state is unusable: no ${what}`);
  return v;
}
