/**
 * The owner's side of TO2: its options, the session state kept between device messages, and what
 * each step reports to the layers above.
 */
import type { X509Certificate } from 'node:crypto';
import type { Devmod, OwnerServiceInfoState, PlanOutcome } from '../../serviceinfo/owner-state.ts';
import type { OwnerPorts } from '../../serviceinfo/ports.ts';
import type { OwnerKexState, SessionState } from '../../session/index.ts';
import type { Clock, OwnerKeyRing, OwnerVoucherStore, ProtocolMessage, RandomSource, ServerPeer, ServerStep } from '../ports.ts';
import type { To2OwnerPolicy } from '../to2-ports.ts';

/**
 * The owner's voucher store, optionally told when a device has proved (TO2.ProveDevice verified)
 * that it holds the credential of a GUID. A device switches to its replacement credential only once
 * TO2.Done2 arrives (§5.5, TO2.Done2), so proof under a replacement GUID is the owner's first sign that the switch
 * happened and that the voucher it replaced may retire (docs/decisions/0009).
 */
export interface To2OwnerVoucherStore extends OwnerVoucherStore {
  deviceProved?(guid: Uint8Array): Promise<void>;
}

export interface To2OwnerOptions {
  vouchers: To2OwnerVoucherStore;
  keys: OwnerKeyRing;
  random: RandomSource;
  clock: Clock;
  policy?: To2OwnerPolicy;
  /** Ports of the owner's ServiceInfo modules (files to download, where uploads go). */
  serviceInfoPorts?: OwnerPorts;
  /** maxDeviceServiceInfoSz announced in TO2.OwnerServiceInfoReady; null (the default) means 1300. */
  maxDeviceServiceInfoSz?: number | null;
  /** maxOwnerMessageSize of TO2.ProveOVHdr; 0 (the default) means the transport's default. */
  maxOwnerMessageSize?: number;
  /**
   * When given, the device certificate chain of the voucher must validate as an X.509 path to one
   * of these anchors (at the clock's time) before the owner answers.
   */
  deviceTrustAnchors?: readonly X509Certificate[];
}

export interface To2OwnerReplacement {
  guid: string;
  /** RendezvousInfo and Owner2Key items of TO2.SetupDevice as signed, base64. */
  rvInfo: string;
  owner2Key: string;
  reuse: boolean;
}

/** Owner session state between two device messages (JSON-safe; holds secrets). */
export interface To2OwnerState {
  v: 1;
  role: 'to2-owner';
  /** The message type the device must send next. */
  expect: number;
  guid: string;
  /** SHA-256 of the stored voucher: the voucher must not change under a running session. */
  voucherHash: string;
  cipherSuite: number;
  sigInfo: { sgType: number; info: string };
  numEntries: number;
  nextEntry: number;
  nonceProveDv: string;
  kex: OwnerKexState | null;
  nonceSetupDv: string | null;
  session: SessionState | null;
  replacement: To2OwnerReplacement | null;
  replacementHmac: { type: number; value: string } | null;
  /** The device's maxOwnerServiceInfoSz, resolved. */
  maxOwnerServiceInfoSz: number | null;
  serviceInfo: OwnerServiceInfoState | null;
  /** Where TO2.HelloDevice came from (the carrier's peer address), when known. */
  peerAddress?: string;
}

/** What the owner learned in a ServiceInfo round, for the layers above. */
export interface To2ServiceInfoReport {
  devmod?: Devmod;
  plans: PlanOutcome[];
}

export interface To2Onboarded {
  guid: Uint8Array;
  replacementGuid: Uint8Array;
  reused: boolean;
  replacementVoucher?: Uint8Array;
}

export interface To2OwnerStep extends ServerStep<To2OwnerState> {
  /** Why the session ended with an error message (for the log; never sent). */
  error?: unknown;
  /** After a TO2.DeviceServiceInfo: devmod once complete, and every plan's outcome so far. */
  serviceInfo?: To2ServiceInfoReport;
  /** Set on the TO2.Done2 reply, after the voucher store recorded the outcome. */
  onboarded?: To2Onboarded;
}

/** The owner's TO2 handler: the session state so far (undefined for a new session) and the next message. */
export type To2OwnerHandler = (
  state: To2OwnerState | null | undefined,
  message: ProtocolMessage,
  peer?: ServerPeer,
) => Promise<To2OwnerStep>;

/** The handler of one device message in a running session. */
export type To2OwnerMessageHandler = (options: To2OwnerOptions, state: To2OwnerState, message: ProtocolMessage) => Promise<To2OwnerStep>;
