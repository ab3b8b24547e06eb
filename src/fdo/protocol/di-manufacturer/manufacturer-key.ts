/** The manufacturer key of a new voucher: the first configured key that fits what the device asks for. */
import { PublicKeyEncoding, type PublicKeyEncodingNumber, type PublicKeyTypeNumber } from '../../constants/crypto.ts';
import { ErrorCode } from '../../constants/error-codes.ts';
import { FdoError } from '../../errors.ts';
import { type FdoPublicKey, publicKeyFromKeyObject } from '../../types/public-key.ts';
import type { DiManufacturerConfig } from './types.ts';

export function pickManufacturerKey(
  config: DiManufacturerConfig,
  type: PublicKeyTypeNumber,
  encoding: PublicKeyEncodingNumber,
): FdoPublicKey {
  for (const k of config.manufacturerKeys) {
    try {
      const wantsChain = encoding === PublicKeyEncoding.X5CHAIN;
      // A device asking for X5CHAIN gets X509 when the key has no certificates: either lets it
      // hash OVPubKey, and only the TO2 owner ever verifies with it.
      const enc = wantsChain && (k.chain === undefined || k.chain.length === 0) ? PublicKeyEncoding.X509 : encoding;
      return publicKeyFromKeyObject(k.privateKey, {
        type,
        encoding: enc,
        ...(enc === PublicKeyEncoding.X5CHAIN ? { chain: k.chain } : {}),
      });
    } catch (e) {
      if (e instanceof FdoError || e instanceof TypeError) continue;
      throw e;
    }
  }
  throw new FdoError(
    'ERR_FDO_DI_NO_MANUFACTURER_KEY',
    ErrorCode.INVALID_MESSAGE_ERROR,
    `DeviceMfgInfo asks for a manufacturer key of pkType ${type} (pkEnc ${encoding}); none is configured`,
  );
}
