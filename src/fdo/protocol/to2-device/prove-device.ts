/**
 * TO2.ProveDevice (§5.5.6): once the voucher chain ends at the key that signed TO2.ProveOVHdr (and
 * to1d, when TO1 gave one, verifies under it), the device answers the key exchange and proves its
 * attestation key over the owner's nonce.
 */
import { decode } from '../../../codec/cbor.ts';
import { MsgType } from '../../constants/message-types.ts';
import { encodeTO2ProveDevice } from '../../messages/to2.ts';
import { createSessionState, deriveSessionKeys, deviceRespondKex } from '../../session/index.ts';
import { generateNonce } from '../../types/nonce.ts';
import { allowedSignatureAlgorithms, parsePublicKey, publicKeyToKeyObject, samePublicKey } from '../../types/public-key.ts';
import { voucherCheckFailed } from '../../voucher/voucher.ts';
import { progressOwner } from '../lib/to2-chain.ts';
import { deviceSigning, verifySigned } from '../lib/to2-crypto.ts';
import { b64, bytesField } from '../lib/to2-state-fields.ts';
import { credentialOf, deviceKey, need } from './device-context.ts';
import type { To2DeviceNext, To2DeviceOptions, To2DeviceState } from './types.ts';

export async function proveDevice(options: To2DeviceOptions, s: To2DeviceState): Promise<To2DeviceNext> {
  const { random } = options;
  const dc = credentialOf(s);
  const ownerPk = parsePublicKey(decode(bytesField(need(s.ownerKey, 'owner key'), 'ownerKey')), 'ownerKey');
  if (!samePublicKey(progressOwner(need(s.chain, 'chain')), ownerPk)) {
    throw voucherCheckFailed('ERR_FDO_VOUCHER_OWNER_MISMATCH', 'the voucher chain does not end at the key that signed TO2.ProveOVHdr');
  }
  const ownerKey = publicKeyToKeyObject(ownerPk).key;
  if (s.to1d !== null) verifySigned(bytesField(s.to1d, 'to1d'), ownerKey, allowedSignatureAlgorithms(ownerPk.type), 'to1d');
  const { xB, sharedSecret } = deviceRespondKex(s.kexSuite, bytesField(need(s.xA, 'xA'), 'xA'), { random, ownerPublicKey: ownerKey });
  const session = createSessionState(deriveSessionKeys(sharedSecret, s.cipherSuite), { random });
  const nonceSetupDv = generateNonce(random);
  const key = await deviceKey(options, dc);
  const body = encodeTO2ProveDevice({
    nonceTO2ProveDv: bytesField(need(s.nonceProveDv, 'NonceTO2ProveDv'), 'nonceProveDv'),
    guid: dc.guid,
    xBKeyExchange: xB,
    nonceTO2SetupDv: nonceSetupDv,
    signer: { key, alg: deviceSigning(key, options.rsaPss === true).alg },
  });
  return {
    state: { ...s, expect: MsgType.TO2_SetupDevice, xA: null, chain: null, session, nonceSetupDv: b64(nonceSetupDv) },
    request: { msgType: MsgType.TO2_ProveDevice, body },
  };
}
