/**
 * TO2.ProveOVHdr (§5.5.3): the owner's signed voucher header. The device checks the signature, its
 * nonce, the hash of its TO2.HelloDevice, that the header is its own (GUID, manufacturer key hash,
 * header HMAC) and that the key exchange fits the owner's key, then asks for the voucher entries.
 */
import { bytesEqual } from '../../../codec/bytes.ts';
import { encode } from '../../../codec/cbor.ts';
import { decodeTO2ProveOVHdr } from '../../messages/to2.ts';
import { hashBytes, hashEquals } from '../../types/hash.ts';
import { allowedSignatureAlgorithms, encodePublicKey, publicKeyToKeyObject } from '../../types/public-key.ts';
import { rawArrayElements } from '../../types/read.ts';
import { voucherCheckFailed } from '../../voucher/voucher.ts';
import { checkHeaderHmac, readHeader, startChain } from '../lib/to2-chain.ts';
import { checkKexForOwner, verifySigned } from '../lib/to2-crypto.ts';
import { to2Error } from '../lib/to2-errors.ts';
import { b64, bytesField } from '../lib/to2-state-fields.ts';
import type { ProtocolMessage } from '../ports.ts';
import { credentialOf, need } from './device-context.ts';
import { askEntry } from './ov-next-entry.ts';
import { proveDevice } from './prove-device.ts';
import type { To2DeviceNext, To2DeviceOptions, To2DeviceState } from './types.ts';

export async function proveOVHdr(options: To2DeviceOptions, s: To2DeviceState, message: ProtocolMessage): Promise<To2DeviceNext> {
  const dc = credentialOf(s);
  const m = decodeTO2ProveOVHdr(message.body);
  const ownerKey = publicKeyToKeyObject(m.ownerPubKey, 'TO2.ProveOVHdr.CUPHOwnerPubKey').key;
  // The key in the unprotected header is not trusted yet: the voucher chain must end at it.
  verifySigned(message.body, ownerKey, allowedSignatureAlgorithms(m.ownerPubKey.type), 'TO2.ProveOVHdr');
  if (!bytesEqual(m.nonceTO2ProveOV, bytesField(s.nonceProveOV, 'nonceProveOV'))) {
    throw to2Error('ERR_FDO_TO2_NONCE', 'TO2.ProveOVHdr does not carry the NonceTO2ProveOV of TO2.HelloDevice');
  }
  const hello = bytesField(need(s.hello, 'HelloDevice'), 'hello');
  if (!hashEquals(hashBytes(m.helloDeviceHash.type, hello), m.helloDeviceHash)) {
    throw to2Error('ERR_FDO_TO2_HELLO_HASH', 'helloDeviceHash of TO2.ProveOVHdr is not the hash of the TO2.HelloDevice sent');
  }
  const hmacRaw = rawArrayElements(m.sign1.payload, 'TO2ProveOVHdrPayload')[2] as Uint8Array;
  const { header, pubKeyRaw } = readHeader(m.ovHeader, hmacRaw);
  if (!bytesEqual(header.guid, dc.guid))
    throw voucherCheckFailed('ERR_FDO_VOUCHER_GUID_MISMATCH', 'OVGuid is not the GUID of the device credential');
  if (!hashEquals(hashBytes(dc.pubKeyHash.type, pubKeyRaw), dc.pubKeyHash)) {
    throw voucherCheckFailed('ERR_FDO_VOUCHER_MFG_KEY_HASH', 'OVPubKey does not match the manufacturer key hash of the device credential');
  }
  checkHeaderHmac(m.ovHeader, m.ovHeaderHmac, dc.hmacSecret);
  checkKexForOwner(s.kexSuite, ownerKey);
  const next: To2DeviceState = {
    ...s,
    hello: null,
    header: b64(m.ovHeader),
    hmacType: m.ovHeaderHmac.type,
    hmacRaw: b64(hmacRaw),
    ownerKey: b64(encode(encodePublicKey(m.ownerPubKey))),
    xA: b64(m.xAKeyExchange),
    nonceProveDv: b64(m.nonceTO2ProveDv),
    numEntries: m.numOVEntries,
    nextEntry: 0,
    chain: startChain(m.ovHeader, hmacRaw, pubKeyRaw),
  };
  return next.numEntries > 0 ? askEntry(next) : proveDevice(options, next);
}
