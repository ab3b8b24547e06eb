/**
 * DI.SetHMAC -> DI.Done (§5.2.3, §5.2.4): the device's HMAC over the header finishes the voucher,
 * which is stored (extended first to the configured owner, if any) before DI.Done is sent.
 */
import { bytesEqual } from '../../../codec/bytes.ts';
import { ErrorCode } from '../../constants/error-codes.ts';
import { MsgType } from '../../constants/message-types.ts';
import { FdoError } from '../../errors.ts';
import { decodeDISetHMAC, encodeDIDone } from '../../messages/di.ts';
import { samePublicKey } from '../../types/public-key.ts';
import { createVoucher } from '../../voucher/voucher-create.ts';
import { encodeVoucher } from '../../voucher/voucher-encode.ts';
import { extendVoucher } from '../../voucher/voucher-extend.ts';
import { parseOvHeader } from '../lib/ov-header.ts';
import { badState, fromB64 } from '../lib/state-bytes.ts';
import type { ServerStep } from '../ports.ts';
import type { DiManufacturerConfig, DiManufacturerState } from './types.ts';

export async function setHmac(
  config: DiManufacturerConfig,
  state: DiManufacturerState,
  body: Uint8Array,
): Promise<ServerStep<DiManufacturerState>> {
  const { hmac } = decodeDISetHMAC(body);
  const headerBytes = fromB64(state.header, 'header');
  const { header } = parseOvHeader(headerBytes);
  const chain = Array.isArray(state.chain) ? state.chain.map((c, i) => fromB64(c, `chain[${i}]`)) : [];
  if (chain.length === 0) throw badState('no device certificate chain');
  let voucher = createVoucher({
    guid: header.guid,
    rvInfo: header.rvInfo,
    deviceInfo: header.deviceInfo,
    manufacturerKey: header.pubKey,
    devCertChain: chain,
    ...(header.devCertChainHash === null ? {} : { certChainHashType: header.devCertChainHash.type }),
    hmac,
  });
  // The HMAC covers the bytes the device saw; a voucher whose header encodes differently would
  // never verify on the device, so it must not be stored.
  if (!bytesEqual(voucher.raw.header, headerBytes)) {
    throw new FdoError(
      'ERR_FDO_DI_HEADER_CHANGED',
      ErrorCode.INTERNAL_SERVER_ERROR,
      'the voucher header does not re-encode to the bytes sent in DI.SetCredentials',
    );
  }
  if (config.extendTo !== undefined) {
    const mfg = config.manufacturerKeys.find((k) => samePublicKey(k.privateKey, header.pubKey));
    if (mfg === undefined)
      throw new FdoError(
        'ERR_FDO_DI_MANUFACTURER_KEY_GONE',
        ErrorCode.INTERNAL_SERVER_ERROR,
        'the manufacturer key of this session is no longer configured',
      );
    voucher = extendVoucher(voucher, { ownerPrivateKey: mfg.privateKey, nextOwner: config.extendTo });
  }
  await config.store.saveVoucher(header.guid, encodeVoucher(voucher));
  return { state: null, reply: { msgType: MsgType.DI_Done, body: encodeDIDone() } };
}
