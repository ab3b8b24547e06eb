/**
 * Exact CBOR sizes of a ServiceInfo message while it is being built, so that a body never exceeds
 * the size the peer can receive. The body is `[IsMoreServiceInfo, (IsDone,) [*[tstr, bstr]]]`.
 */
import { Buffer } from 'node:buffer';
import type { ServiceInfoKV } from '../service-info-kv.ts';

/** Bytes of a CBOR head for a length or count of `n` (major types 2, 3, 4). */
export function headSize(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9;
}

/** The largest `v` whose string (head + `v` bytes) fits in `avail` bytes; -1 when none does. */
export function payloadFor(avail: number): number {
  let v = avail - 1;
  while (v >= 0 && headSize(v) + v > avail) v--;
  return v;
}

export const keyBytes = (key: string): number => Buffer.byteLength(key, 'utf8');

const kvSize = (keyLen: number, valLen: number): number => 1 + headSize(keyLen) + keyLen + headSize(valLen) + valLen;

export class MessageBuilder {
  readonly kvs: ServiceInfoKV[] = [];
  readonly #max: number;
  readonly #fixed: number;
  #used = 0;

  /** `flags` is the number of booleans before the ServiceInfo array (1 for the device, 2 for the owner). */
  constructor(maxSize: number, flags: 1 | 2) {
    this.#max = maxSize;
    this.#fixed = 1 + flags;
  }

  get empty(): boolean {
    return this.kvs.length === 0;
  }

  /** The encoded size of the body as it stands. */
  get size(): number {
    return this.#fixed + headSize(this.kvs.length) + this.#used;
  }

  /** The longest value that one more KV with `key` could carry now (-1: none). */
  room(key: string): number {
    return this.#roomWith(key, this.kvs.length, this.#used);
  }

  /** The longest value a KV with `key` could carry in an otherwise empty message. */
  emptyRoom(key: string): number {
    return this.#roomWith(key, 0, 0);
  }

  add(key: string, value: Uint8Array): void {
    const kl = keyBytes(key);
    this.kvs.push({ key, value });
    this.#used += kvSize(kl, value.length);
    if (this.size > this.#max) throw new Error(`ServiceInfo message of ${this.size} bytes exceeds ${this.#max}`);
  }

  #roomWith(key: string, count: number, used: number): number {
    const kl = keyBytes(key);
    const avail = this.#max - (this.#fixed + headSize(count + 1) + used + 1 + headSize(kl) + kl);
    return payloadFor(avail);
  }
}
