/**
 * Size caps for every FDO message body IoTopia decodes (docs/fdo-messages.md explains each one).
 * A body over its cap is refused before any CBOR is read, so a peer cannot make IoTopia spend
 * memory on a message far larger than its content can legitimately be.
 */
import { MsgType, type MsgTypeNumber } from '../constants/message-types.ts';

/** Per-call overrides; anything not given uses the message's default. */
export interface MessageLimits {
  /** Largest body accepted, in bytes. */
  maxBytes?: number;
}

const KiB = 1024;

/** Largest OVHeader carried in DI.SetCredentials and TO2.ProveOVHdr: a few certificates and RV entries. */
export const MAX_OV_HEADER_BYTES = 64 * KiB;
/** Largest voucher in TO0.OwnerSign; the same default the voucher module reads. */
export const MAX_VOUCHER_BYTES = 512 * KiB;
/** Largest OVEntry in TO2.OVNextEntry: hashes, extra data and the next owner's key or chain. */
export const MAX_OV_ENTRY_BYTES = 64 * KiB;
/** Largest DeviceMfgInfo in DI.AppStart: key type, serial, model and a CSR. */
export const MAX_DEVICE_MFG_INFO_BYTES = 8 * KiB;
/** Largest key exchange parameter (xA, xB): a 3072-bit DH value or RSA ciphertext with room to spare. */
export const MAX_KEY_EXCHANGE_BYTES = 1 * KiB;
/** Largest EMErrorStr accepted from a peer. */
export const MAX_ERROR_TEXT_BYTES = 4 * KiB;
/** Largest kexSuiteName: the longest suite name is 11 characters. */
export const MAX_KEX_SUITE_NAME_BYTES = 64;
/** Largest EAT-MAROEPrefix header (TO1.ProveToRV, TO2.ProveDevice): a root-of-trust prefix, small. */
export const MAX_MAROE_PREFIX_BYTES = 1024;
/** Most claims in one EAT payload, and most unprotected headers of one signed message. */
export const MAX_EAT_CLAIMS = 32;
/** Largest ServiceInfo body: maxDeviceServiceInfoSz and maxOwnerServiceInfoSz are uint16. */
export const MAX_SERVICE_INFO_BODY_BYTES = 65_535;

/** Default `maxBytes` of each message body. */
export const MESSAGE_MAX_BYTES: Readonly<Record<MsgTypeNumber, number>> = Object.freeze({
  [MsgType.DI_AppStart]: MAX_DEVICE_MFG_INFO_BYTES + 16,
  [MsgType.DI_SetCredentials]: MAX_OV_HEADER_BYTES + 16,
  [MsgType.DI_SetHMAC]: 128,
  [MsgType.DI_Done]: 16,
  [MsgType.TO0_Hello]: 16,
  [MsgType.TO0_HelloAck]: 64,
  [MsgType.TO0_OwnerSign]: MAX_VOUCHER_BYTES + 32 * KiB,
  [MsgType.TO0_AcceptOwner]: 16,
  [MsgType.TO1_HelloRV]: 2 * KiB,
  [MsgType.TO1_HelloRVAck]: 2 * KiB,
  [MsgType.TO1_ProveToRV]: 8 * KiB,
  [MsgType.TO1_RVRedirect]: 16 * KiB,
  [MsgType.TO2_HelloDevice]: 2 * KiB,
  [MsgType.TO2_ProveOVHdr]: 2 * MAX_OV_HEADER_BYTES,
  [MsgType.TO2_GetOVNextEntry]: 16,
  [MsgType.TO2_OVNextEntry]: MAX_OV_ENTRY_BYTES + 16,
  [MsgType.TO2_ProveDevice]: 8 * KiB,
  [MsgType.TO2_SetupDevice]: 64 * KiB,
  [MsgType.TO2_DeviceServiceInfoReady]: 128,
  [MsgType.TO2_OwnerServiceInfoReady]: 16,
  [MsgType.TO2_DeviceServiceInfo]: MAX_SERVICE_INFO_BODY_BYTES,
  [MsgType.TO2_OwnerServiceInfo]: MAX_SERVICE_INFO_BODY_BYTES,
  [MsgType.TO2_Done]: 32,
  [MsgType.TO2_Done2]: 32,
  [MsgType.Error]: MAX_ERROR_TEXT_BYTES + 64,
});
