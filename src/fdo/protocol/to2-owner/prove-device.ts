/**
 * TO2.ProveDevice -> TO2.SetupDevice (§5.5.6, §5.5.7): the device proves its key over the owner's
 * nonce and finishes the key exchange; the owner answers, encrypted from here on, with the
 * credential the device is to take (a new one, or the same under Credential Reuse).
 */
import { bytesEqual } from '../../../codec/bytes.ts';
import type { PrivateKeyLike } from '../../../crypto/private-key-handle.ts';
import { MsgType } from '../../constants/message-types.ts';
import { decodeTO2ProveDevice, decodeTO2SetupDevice, encodeTO2SetupDevice } from '../../messages/to2.ts';
import { createSessionState, deriveSessionKeys, ownerFinishKex, type SessionState } from '../../session/index.ts';
import { generateGuid } from '../../types/guid.ts';
import { type FdoPublicKey, signatureAlgorithmFor } from '../../types/public-key.ts';
import { rawArrayElements } from '../../types/read.ts';
import type { DeviceSgTypeNumber, SigInfo } from '../../types/sig-info.ts';
import { deviceVerifyAlgorithms, verifySigned } from '../lib/to2-crypto.ts';
import { sealBody } from '../lib/to2-envelope.ts';
import { to2Error } from '../lib/to2-errors.ts';
import { b64, bytesField } from '../lib/to2-state-fields.ts';
import type { ProtocolMessage } from '../ports.ts';
import { deviceKeyOf, type LoadedVoucher, loadVoucher, ownerPrivateKey } from './owner-context.ts';
import type { To2OwnerOptions, To2OwnerState, To2OwnerStep } from './types.ts';

export async function proveDevice(options: To2OwnerOptions, s: To2OwnerState, message: ProtocolMessage): Promise<To2OwnerStep> {
  const proof = decodeTO2ProveDevice(message.body);
  const loaded = await loadVoucher(options, s);
  const deviceKey = deviceKeyOf(loaded.voucher);
  const sigInfo: SigInfo = { sgType: s.sigInfo.sgType as DeviceSgTypeNumber, info: bytesField(s.sigInfo.info, 'sigInfo.info') };
  verifySigned(message.body, deviceKey, deviceVerifyAlgorithms(deviceKey, sigInfo), 'TO2.ProveDevice');
  if (!bytesEqual(proof.nonceTO2ProveDv, bytesField(s.nonceProveDv, 'nonceProveDv'))) {
    throw to2Error('ERR_FDO_TO2_NONCE', 'EAT-NONCE of TO2.ProveDevice is not the NonceTO2ProveDv of TO2.ProveOVHdr');
  }
  const guid = bytesField(s.guid, 'guid', 16);
  if (!bytesEqual(proof.guid, guid)) throw to2Error('ERR_FDO_TO2_GUID', 'EAT-UEID of TO2.ProveDevice names another GUID');
  await options.vouchers.deviceProved?.(guid);
  if (s.kex === null) throw to2Error('ERR_FDO_TO2_STATE', 'stored TO2 state is unusable: no key exchange');
  const ownerPriv = await ownerPrivateKey(options.keys, loaded.ownerKey, 'ERR_FDO_TO2_NOT_OWNER');
  const shared = ownerFinishKex(s.kex, proof.xBKeyExchange, { ownerPrivateKey: ownerPriv });
  const session = createSessionState(deriveSessionKeys(shared, s.cipherSuite), { random: options.random });
  return setupDevice(options, s, { guid, loaded, ownerPriv, session, nonceSetupDv: proof.nonceTO2SetupDv });
}

interface Proved {
  guid: Uint8Array;
  loaded: LoadedVoucher;
  ownerPriv: PrivateKeyLike;
  session: SessionState;
  nonceSetupDv: Uint8Array;
}

async function setupDevice(options: To2OwnerOptions, s: To2OwnerState, p: Proved): Promise<To2OwnerStep> {
  const { guid, loaded, ownerPriv } = p;
  const { voucher, ownerPk } = loaded;
  const policy = options.policy ?? {};
  const reuse = (await policy.reuseCredential?.(guid, voucher)) === true;
  const replacementGuid = reuse ? guid : generateGuid(options.random);
  const rvInfo = reuse || policy.replacementRvInfo === undefined ? voucher.header.rvInfo : await policy.replacementRvInfo(guid, voucher);
  const owner2: FdoPublicKey =
    reuse || policy.replacementOwnerKey === undefined ? ownerPk : await policy.replacementOwnerKey(guid, voucher);
  const owner2Priv = reuse ? ownerPriv : await ownerPrivateKey(options.keys, owner2, 'ERR_FDO_TO2_KEY_UNAVAILABLE');
  const setup = encodeTO2SetupDevice({
    rendezvousInfo: rvInfo,
    guid: replacementGuid,
    nonceTO2SetupDv: p.nonceSetupDv,
    owner2Key: owner2,
    signer: { key: owner2Priv, alg: signatureAlgorithmFor(owner2.type, owner2Priv) },
  });
  // The replacement header is built later from these items exactly as the device received them.
  const [rvRaw, , , keyRaw] = rawArrayElements(decodeTO2SetupDevice(setup).sign1.payload, 'TO2SetupDevicePayload') as Uint8Array[];
  const sealed = sealBody(p.session, MsgType.TO2_SetupDevice, setup, options.random);
  return {
    state: {
      ...s,
      expect: MsgType.TO2_DeviceServiceInfoReady,
      kex: null,
      session: sealed.session,
      nonceSetupDv: b64(p.nonceSetupDv),
      replacement: { guid: b64(replacementGuid), rvInfo: b64(rvRaw as Uint8Array), owner2Key: b64(keyRaw as Uint8Array), reuse },
    },
    reply: sealed.message,
  };
}
