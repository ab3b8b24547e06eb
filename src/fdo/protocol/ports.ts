/**
 * What the FDO role state machines need from the world, injected so protocol code stays pure:
 * randomness, time, and narrow stores. Storage backends (SQLite, PostgreSQL, memory) implement the
 * stores; the HTTP transport carries `ProtocolMessage`s and keeps the serialised session state in
 * a SessionStore.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import type { PrivateKeyLike } from '../../crypto/private-key-handle.ts';
import type { DeviceApiCredential } from '../serviceinfo/ports.ts';
import type { OwnershipVoucher } from '../voucher/voucher.ts';

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
 * A server role handler of any state type: every handler over its own state S is one. What carries
 * handlers without reading their state (the HTTP transport, the in-process transport) holds them
 * as this.
 */
export type AnyServerHandler = (state: never, message: ProtocolMessage, peer?: ServerPeer) => Promise<ServerStep<unknown>>;

/**
 * What the carrier knows of who sent a protocol's first message, for a role that authorises it
 * (DI): which listener it came in on, the peer's address, and the request's Authorization header.
 * Given with the first message only; later messages are bound to the session by its token.
 */
export interface ServerPeer {
  /** `factory` for the manufacturing listener; anything else is the main one. */
  listener: 'main' | 'factory';
  remoteAddress: string;
  authorization?: string;
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
  /**
   * Stores the registration only if the one held for its GUID is still `replaces` (the live
   * registration the TO0 was checked against, known by its to1d), or, with `replaces` undefined,
   * none is live at `now`; resolves false, changing nothing, when another TO0 came in between.
   * Without it TO0 uses `put`, and two TO0s for one GUID at the same moment end with the last write.
   */
  putIf?(registration: RendezvousRegistration, replaces: RendezvousRegistration | undefined, now: Date): Promise<boolean>;
}

/** What the owner keeps per device: the voucher, and after TO2 the device's replacement values. */
export interface OwnerVoucherRecord {
  guid: Uint8Array;
  voucher: Uint8Array;
}

/** What a successful TO2 leaves with the owner. */
export interface To2Result {
  replacementGuid: Uint8Array;
  /** The voucher for the replacement credential; absent under Credential Reuse. */
  replacementVoucher?: Uint8Array;
  /** The MUD and SBOM URLs the device reported in the iotopia.onboard module (when it ran and completed). */
  deviceInfo?: { mudUrl?: string; sbomUrl?: string };
  /** The address TO2.HelloDevice came from, when the carrier knows it. */
  peerAddress?: string;
  /**
   * The device API credential of the iotopia.onboard provision this session delivered: present only
   * when that plan completed (the device took the provision and answered `done`).
   */
  deliveredCredential?: DeviceApiCredential;
  /**
   * SHA-256 (base64) of the voucher the session ran with, as TO2.HelloDevice read it: the store
   * records the outcome only if it still holds exactly those bytes when it commits.
   */
  voucherHash?: string;
}

export interface OwnerVoucherStore {
  get(guid: Uint8Array): Promise<OwnerVoucherRecord | undefined>;
  /** Called once TO2 ends successfully (TO2.Done2 sent). */
  onboarded(guid: Uint8Array, result: To2Result): Promise<void>;
}

/** Owner signing keys by the public key a voucher names (its current owner). */
export interface OwnerKeyRing {
  privateKeyFor(publicKey: KeyObject): Promise<PrivateKeyLike | undefined>;
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

/**
 * Whether a TO0 that verified may take the place of the live (unexpired) registration held for
 * its GUID (§5.3.3 leaves whom to accept to the operator).
 * Resolves a reason to refuse it (INVALID_OWNERSHIP_VOUCHER), or undefined to let it replace the
 * registration. Not called when the GUID has no registration or only an expired one.
 */
export type RegistrationReplacement = (
  incoming: {
    /** The voucher of this TO0.OwnerSign, parsed and verified. */
    voucher: OwnershipVoucher;
    /** The current owner's key (the one that signed to1d). */
    ownerKey: KeyObject;
  },
  live: RendezvousRegistration,
) => Promise<string | undefined>;

/** The server role that serves a protocol. */
export type FdoRole = 'manufacturer' | 'rendezvous' | 'owner';

/** The FDO sub-protocol a session runs. */
export type FdoProtocol = 'di' | 'to0' | 'to1' | 'to2';

/** A protocol session between two messages, as a SessionStore holds it. */
export interface FdoSession {
  role: FdoRole;
  protocol: FdoProtocol;
  /**
   * The role handler's state: plain JSON-safe data; null while a message of the session is being
   * handled (the transport's claim, so that a racing copy of the message is refused).
   */
  state: unknown;
  /** Starts at 1; every successful `update` adds 1. */
  version: number;
  expiresAt: Date;
}

export interface NewFdoSession {
  role: FdoRole;
  protocol: FdoProtocol;
  state: unknown;
  expiresAt: Date;
}

/**
 * Where a server keeps protocol sessions between messages. Replicas share nothing but this store,
 * so every message loads the session by its bearer token and writes it back under an optimistic
 * version check: two requests racing on one session cannot both advance it.
 */
export interface SessionStore {
  /** Stores a new session under `token` with version 1. Tokens are random; a clash may reject. */
  create(token: string, session: NewFdoSession): Promise<void>;
  /** The session, expired or not (the transport decides), or undefined when there is none. */
  get(token: string): Promise<FdoSession | undefined>;
  /**
   * Replaces state and expiry only if the stored version is still `expectedVersion`, and bumps it.
   * Resolves false when the version moved on or the session is gone.
   */
  update(token: string, expectedVersion: number, state: unknown, expiresAt: Date): Promise<boolean>;
  /**
   * Removes the session; with `expectedVersion`, only if the stored version is still that one.
   * Resolves true when a session was removed.
   */
  delete(token: string, expectedVersion?: number): Promise<boolean>;
  /**
   * Removes every session that expired at or before `now` (devices that went away mid-protocol);
   * the server calls it from time to time. Resolves with how many were removed.
   */
  deleteExpired(now: Date): Promise<number>;
}
