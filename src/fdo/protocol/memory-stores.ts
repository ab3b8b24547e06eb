/**
 * In-memory implementations of the protocol store ports, for tests and single-process tools.
 * They copy bytes in and out, so that a caller changing its arrays cannot change what is stored,
 * and offer `snapshot()` so tests can assert that a failed message changed nothing.
 */

import type { KeyObject } from 'node:crypto';
import { bytesEqual } from '../../codec/bytes.ts';
import { isPrivateKeyLike, type PrivateKeyLike } from '../../crypto/private-key-handle.ts';
import { guidToHex } from '../types/guid.ts';
import { publicKeyFingerprint } from '../types/public-key.ts';
import type {
  ManufacturerVoucherStore,
  OwnerKeyRing,
  OwnerVoucherRecord,
  OwnerVoucherStore,
  RendezvousRegistration,
  RendezvousStore,
  To2Result,
} from './ports.ts';

const copy = (b: Uint8Array) => new Uint8Array(b);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class MemoryManufacturerVoucherStore implements ManufacturerVoucherStore {
  readonly #vouchers = new Map<string, Uint8Array>();

  async saveVoucher(guid: Uint8Array, voucher: Uint8Array): Promise<void> {
    this.#vouchers.set(guidToHex(guid), copy(voucher));
  }

  async getVoucher(guid: Uint8Array): Promise<Uint8Array | undefined> {
    const v = this.#vouchers.get(guidToHex(guid));
    return v === undefined ? undefined : copy(v);
  }

  get size(): number {
    return this.#vouchers.size;
  }

  /** GUID (hex) → voucher (hex), for comparisons in tests. */
  snapshot(): Record<string, string> {
    return Object.fromEntries([...this.#vouchers].map(([g, v]) => [g, hex(v)]));
  }
}

export class MemoryRendezvousStore implements RendezvousStore {
  readonly #registrations = new Map<string, RendezvousRegistration>();

  async put(registration: RendezvousRegistration): Promise<void> {
    this.#registrations.set(guidToHex(registration.guid), clone(registration));
  }

  async get(guid: Uint8Array): Promise<RendezvousRegistration | undefined> {
    const r = this.#registrations.get(guidToHex(guid));
    return r === undefined ? undefined : clone(r);
  }

  async putIf(registration: RendezvousRegistration, replaces: RendezvousRegistration | undefined, now: Date): Promise<boolean> {
    const held = this.#registrations.get(guidToHex(registration.guid));
    const unchanged =
      replaces === undefined
        ? held === undefined || held.expiresAt.getTime() <= now.getTime()
        : held !== undefined && bytesEqual(held.to1d, replaces.to1d);
    if (unchanged) this.#registrations.set(guidToHex(registration.guid), clone(registration));
    return unchanged;
  }

  get size(): number {
    return this.#registrations.size;
  }

  snapshot(): Record<string, { to1d: string; voucher: string; expiresAt: string }> {
    return Object.fromEntries(
      [...this.#registrations].map(([g, r]) => [g, { to1d: hex(r.to1d), voucher: hex(r.voucher), expiresAt: r.expiresAt.toISOString() }]),
    );
  }
}

function clone(r: RendezvousRegistration): RendezvousRegistration {
  return { guid: copy(r.guid), to1d: copy(r.to1d), voucher: copy(r.voucher), expiresAt: new Date(r.expiresAt.getTime()) };
}

export class MemoryOwnerVoucherStore implements OwnerVoucherStore {
  readonly #vouchers = new Map<string, Uint8Array>();
  /** What `onboarded` reported (the replacement and the credential delivered), by the GUID onboarded. */
  readonly onboardedDevices = new Map<string, To2Result>();

  async add(guid: Uint8Array, voucher: Uint8Array): Promise<void> {
    this.#vouchers.set(guidToHex(guid), copy(voucher));
  }

  async get(guid: Uint8Array): Promise<OwnerVoucherRecord | undefined> {
    const v = this.#vouchers.get(guidToHex(guid));
    return v === undefined ? undefined : { guid: copy(guid), voucher: copy(v) };
  }

  async onboarded(guid: Uint8Array, result: To2Result): Promise<void> {
    this.onboardedDevices.set(guidToHex(guid), {
      ...(result.deliveredCredential === undefined ? {} : { deliveredCredential: result.deliveredCredential }),
      replacementGuid: copy(result.replacementGuid),
      ...(result.replacementVoucher === undefined ? {} : { replacementVoucher: copy(result.replacementVoucher) }),
    });
  }
}

export class MemoryOwnerKeyRing implements OwnerKeyRing {
  readonly #keys = new Map<string, PrivateKeyLike>();

  constructor(privateKeys: readonly PrivateKeyLike[] = []) {
    for (const k of privateKeys) this.add(k);
  }

  add(privateKey: PrivateKeyLike): void {
    if (!isPrivateKeyLike(privateKey)) throw new TypeError('MemoryOwnerKeyRing holds private KeyObjects or KeyHandles');
    this.#keys.set(publicKeyFingerprint(privateKey), privateKey);
  }

  async privateKeyFor(publicKey: KeyObject): Promise<PrivateKeyLike | undefined> {
    return this.#keys.get(publicKeyFingerprint(publicKey));
  }
}
