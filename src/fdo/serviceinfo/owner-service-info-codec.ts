/** TO2.OwnerServiceInfo (Type 69): `[IsMoreServiceInfo: bool, IsDone: bool, ServiceInfo]`. */
import { encode } from '../../codec/cbor.ts';
import { parseBody } from './lib/parse.ts';
import { resolveLimits, type ServiceInfoLimits } from './limits.ts';
import type { OwnerServiceInfoMessage } from './service-info-kv.ts';

export function encodeOwnerServiceInfo(message: OwnerServiceInfoMessage): Uint8Array {
  return encode([message.isMoreServiceInfo, message.isDone, message.serviceInfo.map((kv) => [kv.key, kv.value])]);
}

/** Decodes an owner's message strictly, within `limits`; fails with ERR_FDO_SVI_MALFORMED or ERR_FDO_SVI_LIMIT. */
export function decodeOwnerServiceInfo(bytes: Uint8Array, limits: Partial<ServiceInfoLimits> = {}): OwnerServiceInfoMessage {
  const { flags, kvs } = parseBody(bytes, 2, 'TO2.OwnerServiceInfo', resolveLimits(limits));
  return { isMoreServiceInfo: flags[0] === true, isDone: flags[1] === true, serviceInfo: kvs };
}
