/** TO2.DeviceServiceInfo (Type 68): `[IsMoreServiceInfo: bool, ServiceInfo]`. */
import { encode } from '../../codec/cbor.ts';
import { parseBody } from './lib/parse.ts';
import { resolveLimits, type ServiceInfoLimits } from './limits.ts';
import type { DeviceServiceInfoMessage } from './service-info-kv.ts';

export function encodeDeviceServiceInfo(message: DeviceServiceInfoMessage): Uint8Array {
  return encode([message.isMoreServiceInfo, message.serviceInfo.map((kv) => [kv.key, kv.value])]);
}

/** Decodes a device's message strictly, within `limits`; fails with ERR_FDO_SVI_MALFORMED or ERR_FDO_SVI_LIMIT. */
export function decodeDeviceServiceInfo(bytes: Uint8Array, limits: Partial<ServiceInfoLimits> = {}): DeviceServiceInfoMessage {
  const { flags, kvs } = parseBody(bytes, 1, 'TO2.DeviceServiceInfo', resolveLimits(limits));
  return { isMoreServiceInfo: flags[0] === true, serviceInfo: kvs };
}
