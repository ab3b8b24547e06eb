/**
 * What the FDO role state machines need from the world, injected so protocol code stays pure:
 * randomness, time, and narrow stores. Storage backends (SQLite, PostgreSQL, memory) implement the
 * stores; the HTTP transport carries `ProtocolMessage`s and keeps the serialised session state.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';

/** Cryptographically strong random bytes. */
export type RandomSource = (n: number) => Uint8Array;

/** The current time. */
export type Clock = () => Date;

/** One FDO message on the wire: its type number (§3.2) and CBOR body. */
export interface ProtocolMessage {
  msgType: number;
  body: Uint8Array;
}

/**
 * A server role's answer to one message. `state` is the session state to keep for the next
 * message (plain JSON-safe data, so any replica can continue), or null when the protocol ended,
 * successfully or with an error message (type 255) in `reply`.
 */
export interface ServerStep<S> {
  state: S | null;
  reply: ProtocolMessage;
  /**
   * When `reply` is an error message: what failed, in full (usually an FdoError with IoTopia's
   * code), for the log. The peer sees only the spec code in `reply`.
   */
  error?: unknown;
}

/**
 * A client role's next move: either a request to send (and the state to keep until the reply),
 * or the protocol's result.
 */
export type ClientStep<S, R> =
  | { state: S; request: ProtocolMessage; result?: undefined }
  | { state?: undefined; request?: undefined; result: R };

/** Manufacturer side of DI: where finished vouchers go (the voucher and its GUID, atomically). */
export interface ManufacturerVoucherStore {
  saveVoucher(guid: Uint8Array, voucher: Uint8Array): Promise<void>;
}

/** A TO0 registration held by the rendezvous server (§5.3): the owner-signed to1d blob until expiry. */
export interface RendezvousRegistration {
  guid: Uint8Array;
  to1d: Uint8Array;
  /**
   * The voucher registered in TO0.OwnerSign, as carried: TO1 checks the device's proof against the
   * leaf of its device certificate chain, and a later TO0 compares entries against it.
   */
  voucher: Uint8Array;
  expiresAt: Date;
}

export interface RendezvousStore {
  /** Stores the registration, replacing any earlier one for the same GUID. */
  put(registration: RendezvousRegistration): Promise<void>;
  get(guid: Uint8Array): Promise<RendezvousRegistration | undefined>;
}

/** What the owner keeps per device: the voucher, and after TO2 the device's replacement values. */
export interface OwnerVoucherRecord {
  guid: Uint8Array;
  voucher: Uint8Array;
}

export interface OwnerVoucherStore {
  get(guid: Uint8Array): Promise<OwnerVoucherRecord | undefined>;
  /** Called once TO2 ends successfully (TO2.Done2 sent). */
  onboarded(guid: Uint8Array, result: { replacementGuid: Uint8Array; replacementVoucher?: Uint8Array }): Promise<void>;
}

/** Owner signing keys by the public key a voucher names (its current owner). */
export interface OwnerKeyRing {
  privateKeyFor(publicKey: KeyObject): Promise<KeyObject | undefined>;
}

/**
 * The rendezvous server's acceptance policy for TO0 (§5.3.3 leaves it to the operator): called
 * after the voucher and the owner's signature have verified. `deviceCertificates` is the device
 * chain, leaf first. Resolve false to refuse the registration (INVALID_OWNERSHIP_VOUCHER).
 */
export type VoucherAcceptance = (voucher: {
  guid: Uint8Array;
  /** OVPubKey: the manufacturer's key as a node:crypto key. */
  manufacturerKey: KeyObject;
  /** The current owner's key (the one that signed to1d). */
  ownerKey: KeyObject;
  entries: number;
  deviceCertificates: readonly X509Certificate[];
}) => Promise<boolean>;
