/**
 * TO2.SetupDevice -> TO2.DeviceServiceInfoReady (§5.5.7, §5.5.8): the owner's replacement
 * credential, signed by Owner2Key. The device MACs the replacement header under its secret, or,
 * when the owner repeats what the device holds (Credential Reuse), sends no HMAC.
 */
import { bytesEqual } from '../../../codec/bytes.ts';
import { decode, encode } from '../../../codec/cbor.ts';
import { MsgType } from '../../constants/message-types.ts';
import type { DeviceCredential } from '../../credential/device-credential.ts';
import { decodeTO2SetupDevice, encodeTO2DeviceServiceInfoReady } from '../../messages/to2.ts';
import { type FdoHmac, hmacBytes } from '../../types/hash.ts';
import { allowedSignatureAlgorithms, parsePublicKey, publicKeyToKeyObject, samePublicKey } from '../../types/public-key.ts';
import { rawArrayElements } from '../../types/read.ts';
import { encodeRendezvousInfo } from '../../types/rendezvous-info.ts';
import { verifySigned } from '../lib/to2-crypto.ts';
import { openBody, sealBody } from '../lib/to2-envelope.ts';
import { to2Error } from '../lib/to2-errors.ts';
import { replacementHeaderBytes } from '../lib/to2-replacement.ts';
import { b64, bytesField } from '../lib/to2-state-fields.ts';
import type { ProtocolMessage } from '../ports.ts';
import { credentialOf, need } from './device-context.ts';
import type { To2DeviceNext, To2DeviceOptions, To2DeviceState } from './types.ts';

export async function setupDevice(options: To2DeviceOptions, s: To2DeviceState, message: ProtocolMessage): Promise<To2DeviceNext> {
  const dc = credentialOf(s);
  const opened = openBody(need(s.session, 'session'), message, MsgType.TO2_SetupDevice);
  const m = decodeTO2SetupDevice(opened.plaintext);
  const owner2 = publicKeyToKeyObject(m.owner2Key, 'TO2.SetupDevice.Owner2Key').key;
  verifySigned(opened.plaintext, owner2, allowedSignatureAlgorithms(m.owner2Key.type), 'TO2.SetupDevice');
  if (!bytesEqual(m.nonceTO2SetupDv, bytesField(need(s.nonceSetupDv, 'NonceTO2SetupDv'), 'nonceSetupDv'))) {
    throw to2Error('ERR_FDO_TO2_NONCE', 'TO2.SetupDevice does not carry the NonceTO2SetupDv of TO2.ProveDevice');
  }
  const [rvRaw, , , keyRaw] = rawArrayElements(m.sign1.payload, 'TO2SetupDevicePayload') as Uint8Array[];
  const ownerPk = parsePublicKey(decode(bytesField(need(s.ownerKey, 'owner key'), 'ownerKey')), 'ownerKey');
  // Credential Reuse is signalled by repeating what the device already holds.
  const reuse =
    bytesEqual(m.guid, dc.guid) &&
    bytesEqual(encode(encodeRendezvousInfo(m.rendezvousInfo)), encode(encodeRendezvousInfo(dc.rvInfo))) &&
    samePublicKey(m.owner2Key, ownerPk);
  if (reuse && options.allowCredentialReuse === false) {
    throw to2Error('ERR_FDO_TO2_REUSE_REFUSED', 'the owner asked for credential reuse, which this device does not allow');
  }
  const replacementHmac = reuse
    ? null
    : replacementHmacOf(s, dc, { guid: m.guid, rvRaw: rvRaw as Uint8Array, keyRaw: keyRaw as Uint8Array });
  const body = encodeTO2DeviceServiceInfoReady({ replacementHmac, maxOwnerServiceInfoSz: options.maxOwnerServiceInfoSz ?? null });
  const sealed = sealBody(opened.session, MsgType.TO2_DeviceServiceInfoReady, body, options.random);
  return {
    state: {
      ...s,
      expect: MsgType.TO2_OwnerServiceInfoReady,
      session: sealed.session,
      replacement: { guid: b64(m.guid), rvInfo: b64(rvRaw as Uint8Array), owner2Key: b64(keyRaw as Uint8Array), reuse },
    },
    request: sealed.message,
  };
}

/** The HMAC of the replacement header, built from the items exactly as the owner signed them. */
function replacementHmacOf(
  s: To2DeviceState,
  dc: DeviceCredential,
  items: { guid: Uint8Array; rvRaw: Uint8Array; keyRaw: Uint8Array },
): FdoHmac {
  const header = replacementHeaderBytes(bytesField(need(s.header, 'header'), 'header'), {
    guid: items.guid,
    rvInfoRaw: items.rvRaw,
    owner2KeyRaw: items.keyRaw,
  });
  return hmacBytes(need(s.hmacType, 'HMAC type') as FdoHmac['type'], dc.hmacSecret, header);
}
