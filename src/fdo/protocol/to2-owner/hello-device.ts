/**
 * TO2.HelloDevice -> TO2.ProveOVHdr (§5.5.2, §5.5.3): the owner finds the device's voucher, checks
 * it and the suites the device proposes, starts the key exchange and proves it owns the voucher.
 */
import { bytesEqual } from '../../../codec/bytes.ts';
import { HashType } from '../../constants/crypto.ts';
import { ErrorCode } from '../../constants/error-codes.ts';
import { MsgType } from '../../constants/message-types.ts';
import { FdoError } from '../../errors.ts';
import { decodeTO2HelloDevice, encodeTO2ProveOVHdr, type TO2HelloDevice } from '../../messages/to2.ts';
import { createOwnerKex, isCipherSuiteSupported, isKexSuiteSupported } from '../../session/index.ts';
import { hashBytes } from '../../types/hash.ts';
import { generateNonce } from '../../types/nonce.ts';
import { signatureAlgorithmFor } from '../../types/public-key.ts';
import { parseVoucher } from '../../voucher/voucher-parse.ts';
import { verifyVoucher } from '../../voucher/voucher-verify.ts';
import { checkKexForOwner, deviceVerifyAlgorithms } from '../lib/to2-crypto.ts';
import { to2Error } from '../lib/to2-errors.ts';
import { b64 } from '../lib/to2-state-fields.ts';
import type { ProtocolMessage, ServerPeer } from '../ports.ts';
import { deviceKeyOf, keepVoucher, ownerPrivateKey, sha256 } from './owner-context.ts';
import type { To2OwnerOptions, To2OwnerStep } from './types.ts';

export async function helloDevice(options: To2OwnerOptions, message: ProtocolMessage, peer?: ServerPeer): Promise<To2OwnerStep> {
  const { random, clock } = options;
  const hello = decodeTO2HelloDevice(message.body);
  const rec = await options.vouchers.get(hello.guid);
  if (rec === undefined) throw to2Error('ERR_FDO_TO2_UNKNOWN_GUID', 'no voucher for the GUID of TO2.HelloDevice');
  const voucher = parseVoucher(rec.voucher);
  // Every check runs on the stored bytes; an entry signature this process already made (extending
  // the voucher) or verified (at import, at TO0) is not verified again, being the same bytes under
  // the same key (voucher/entry-signatures.ts). The device verifies the whole voucher itself in
  // TO2.ProveOVHdr (§5.5.3): what the owner must still do here, find the voucher for this GUID, hold
  // the key of its last owner and read the device key, is done below on every call.
  verifyVoucher(
    voucher,
    options.deviceTrustAnchors === undefined ? {} : { deviceChain: { time: clock(), trustAnchors: options.deviceTrustAnchors } },
  );
  if (!bytesEqual(voucher.header.guid, hello.guid)) throw to2Error('ERR_FDO_TO2_UNKNOWN_GUID', 'the stored voucher is for another GUID');
  const voucherHash = sha256(rec.voucher);
  const { ownerPk, ownerKey } = keepVoucher(options, voucherHash, voucher);
  const ownerPriv = await ownerPrivateKey(options.keys, ownerPk, 'ERR_FDO_TO2_NOT_OWNER');
  deviceVerifyAlgorithms(deviceKeyOf(voucher), hello.eASigInfo);
  checkSuites(hello);
  checkKexForOwner(hello.kexSuiteName, ownerKey);
  const kex = createOwnerKex(hello.kexSuiteName, { random, ownerKey: ownerPriv });
  const nonceProveDv = generateNonce(random);
  // The spec leaves the hash of helloDeviceHash to the owner; the device checks whichever it gets.
  const hashType = voucher.header.devCertChainHash?.type ?? HashType.SHA256;
  const body = encodeTO2ProveOVHdr({
    ovHeader: voucher.raw.header,
    numOVEntries: voucher.entries.length,
    ovHeaderHmac: voucher.headerHmac,
    nonceTO2ProveOV: hello.nonceTO2ProveOV,
    eBSigInfo: hello.eASigInfo,
    xAKeyExchange: kex.xA,
    helloDeviceHash: hashBytes(hashType, hello.bytes),
    maxOwnerMessageSize: options.maxOwnerMessageSize ?? 0,
    nonceTO2ProveDv: nonceProveDv,
    ownerPubKey: ownerPk,
    signer: { key: ownerPriv, alg: signatureAlgorithmFor(ownerPk.type, ownerPriv) },
  });
  return {
    state: {
      v: 1,
      role: 'to2-owner',
      expect: voucher.entries.length > 0 ? MsgType.TO2_GetOVNextEntry : MsgType.TO2_ProveDevice,
      guid: b64(hello.guid),
      voucherHash,
      cipherSuite: hello.cipherSuiteName,
      sigInfo: { sgType: hello.eASigInfo.sgType, info: b64(hello.eASigInfo.info) },
      numEntries: voucher.entries.length,
      nextEntry: 0,
      nonceProveDv: b64(nonceProveDv),
      kex: kex.state,
      nonceSetupDv: null,
      session: null,
      replacement: null,
      replacementHmac: null,
      maxOwnerServiceInfoSz: null,
      serviceInfo: null,
      ...(peer === undefined ? {} : { peerAddress: peer.remoteAddress }),
    },
    reply: { msgType: MsgType.TO2_ProveOVHdr, body },
  };
}

function checkSuites(hello: TO2HelloDevice): void {
  if (!isCipherSuiteSupported(hello.cipherSuiteName)) {
    throw new FdoError(
      'ERR_FDO_CIPHER_UNSUPPORTED',
      ErrorCode.INVALID_MESSAGE_ERROR,
      `cipher suite ${hello.cipherSuiteName} is not supported`,
    );
  }
  if (!isKexSuiteSupported(hello.kexSuiteName)) {
    throw new FdoError(
      'ERR_FDO_KEX_UNSUPPORTED',
      ErrorCode.INVALID_MESSAGE_ERROR,
      `key exchange ${JSON.stringify(hello.kexSuiteName)} is not supported`,
    );
  }
}
