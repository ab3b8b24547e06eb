/**
 * Voucher entry signatures already known to verify, so that a voucher this process made, extended
 * or verified is not verified again signature by signature (DI makes it, the owner extends it, the
 * rendezvous checks it at TO0, the owner again at TO2.HelloDevice).
 *
 * What is kept is a fact about bytes only: "the COSE_Sign1 `entry` verifies under the key with this
 * SubjectPublicKeyInfo, with an algorithm allowed for this pkType". It holds forever and for every
 * process, so the cache needs no invalidation and is correct with any number of replicas on one
 * database: a replica that did not see the signature made or checked simply verifies it. A voucher
 * changed in the store has other bytes and misses. Every other check of verifyVoucher (entry
 * hashes, header info hash, chain hash, the keys' encodings) still runs each time.
 *
 * An entry is recorded after verifySign1 accepted it, or after extendVoucher signed it with a
 * software key that it checked is the current owner's (node:crypto's signature with that key
 * verifies under its public half); a token's signature is recorded only once verified.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { spkiOf } from '../../crypto/private-key-handle.ts';

/** Entries kept; a full cache drops its oldest. */
const MAX_KNOWN_SIGNATURES = 8192;
const known = new Set<string>();

function idOf(entry: Uint8Array, ownerKey: KeyObject, pkType: number): string {
  return createHash('sha256').update(entry).update(spkiOf(ownerKey)).update(String(pkType)).digest('base64');
}

/** True when `entry` is known to verify under `ownerKey` for pkType `pkType`. */
export function isKnownEntrySignature(entry: Uint8Array, ownerKey: KeyObject, pkType: number): boolean {
  return known.has(idOf(entry, ownerKey, pkType));
}

/** Records that `entry` verifies under `ownerKey` for pkType `pkType`. */
export function rememberEntrySignature(entry: Uint8Array, ownerKey: KeyObject, pkType: number): void {
  if (known.size >= MAX_KNOWN_SIGNATURES) known.delete(known.values().next().value as string);
  known.add(idOf(entry, ownerKey, pkType));
}
