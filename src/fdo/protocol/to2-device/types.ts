/** The device's side of TO2: its options, the state it keeps between owner messages, and its result. */
import type { DeviceCredential } from '../../credential/device-credential.ts';
import type { DeviceServiceInfoState } from '../../serviceinfo/device-state.ts';
import type { DeviceServiceInfoConfig } from '../../serviceinfo/next-device-service-info.ts';
import type { SessionState } from '../../session/index.ts';
import type { ChainProgress } from '../lib/to2-chain.ts';
import type { ClientStep, ProtocolMessage, RandomSource } from '../ports.ts';
import type { DeviceKeyStore } from '../to2-ports.ts';

export interface To2DeviceOptions {
  /** The key exchange suite proposed in TO2.HelloDevice; it must fit the owner's key type. */
  kexSuite: string;
  /** The cipher suite proposed in TO2.HelloDevice (a COSE algorithm id). */
  cipherSuite: number;
  random: RandomSource;
  serviceInfo: DeviceServiceInfoConfig;
  /** maxOwnerServiceInfoSz announced in TO2.DeviceServiceInfoReady; null (the default) means 1300. */
  maxOwnerServiceInfoSz?: number | null;
  /** maxDeviceMessageSize of TO2.HelloDevice; 0 (the default) means the transport's default. */
  maxDeviceMessageSize?: number;
  /** Accept the owner's offer to keep this credential (Credential Reuse). Default true. */
  allowCredentialReuse?: boolean;
  /** An RSA device key signs with RSASSA-PSS instead of PKCS #1 v1.5. */
  rsaPss?: boolean;
  /** Where a credential's `keystoreRef` attestation key is found. */
  deviceKeys?: DeviceKeyStore;
}

export interface To2DeviceResult {
  /** The credential to keep: the replacement, or the same one when the owner reused it. */
  credential: DeviceCredential;
  reused: boolean;
  /** The GUID the device onboarded with. */
  guid: Uint8Array;
}

/** Device state between two owner messages (JSON-safe; holds the credential and session keys). */
export interface To2DeviceState {
  v: 1;
  role: 'to2-device';
  expect: number;
  /** The credential (IoTopia's CBOR format), base64. */
  credential: string;
  to1d: string | null;
  kexSuite: string;
  cipherSuite: number;
  /** TO2.HelloDevice as sent, until TO2.ProveOVHdr has been checked against it. */
  hello: string | null;
  nonceProveOV: string;
  header: string | null;
  hmacType: number | null;
  /** OVHeaderHMac as carried in TO2.ProveOVHdr, base64. */
  hmacRaw: string | null;
  /** CUPHOwnerPubKey (CBOR), base64. */
  ownerKey: string | null;
  xA: string | null;
  nonceProveDv: string | null;
  numEntries: number;
  nextEntry: number;
  chain: ChainProgress | null;
  nonceSetupDv: string | null;
  session: SessionState | null;
  replacement: { guid: string; rvInfo: string; owner2Key: string; reuse: boolean } | null;
  maxDeviceServiceInfoSz: number | null;
  serviceInfo: DeviceServiceInfoState | null;
}

export type To2DeviceStep = ClientStep<To2DeviceState, To2DeviceResult>;

export interface To2DeviceClient {
  /** TO2.HelloDevice. `to1d` is the owner-signed blob from TO1.RVRedirect (absent with rendezvous bypass). */
  start(credential: DeviceCredential, to1d?: Uint8Array): Promise<To2DeviceStep>;
  receive(state: To2DeviceState, message: ProtocolMessage): Promise<To2DeviceStep>;
}

/** The device's next request and the state to keep until the owner answers it. */
export type To2DeviceNext = { state: To2DeviceState; request: ProtocolMessage };

/** The handler of one owner message. */
export type To2DeviceMessageHandler = (
  options: To2DeviceOptions,
  state: To2DeviceState,
  message: ProtocolMessage,
) => Promise<To2DeviceStep>;
