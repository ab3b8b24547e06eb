/**
 * FDO 1.1 message type numbers (FIDO-Device-Onboard-PS-v1.1-20220419 §3.2 "Message Passing
 * Protocol", and each protocol's section: DI §5.3, TO0 §5.3, TO1 §5.4, TO2 §5.5, error §3.8).
 * Names follow the spec's `Protocol.Message` with the dot written as an underscore.
 */
export const MsgType = {
  DI_AppStart: 10,
  DI_SetCredentials: 11,
  DI_SetHMAC: 12,
  DI_Done: 13,
  TO0_Hello: 20,
  TO0_HelloAck: 21,
  TO0_OwnerSign: 22,
  TO0_AcceptOwner: 23,
  TO1_HelloRV: 30,
  TO1_HelloRVAck: 31,
  TO1_ProveToRV: 32,
  TO1_RVRedirect: 33,
  TO2_HelloDevice: 60,
  TO2_ProveOVHdr: 61,
  TO2_GetOVNextEntry: 62,
  TO2_OVNextEntry: 63,
  TO2_ProveDevice: 64,
  TO2_SetupDevice: 65,
  TO2_DeviceServiceInfoReady: 66,
  TO2_OwnerServiceInfoReady: 67,
  TO2_DeviceServiceInfo: 68,
  TO2_OwnerServiceInfo: 69,
  TO2_Done: 70,
  TO2_Done2: 71,
  Error: 255,
} as const;

export type MsgTypeName = keyof typeof MsgType;
export type MsgTypeNumber = (typeof MsgType)[MsgTypeName];

/** The protocol version carried in messages and vouchers: FDO 1.1 is 101 (§3.3.2 ProtVer). */
export const PROTOCOL_VERSION = 101;
