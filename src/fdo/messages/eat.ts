/**
 * The Entity Attestation Token as FDO 1.1 uses it (§3.3, "Entity Attestation Token"; RFC 9711):
 * a COSE_Sign1 whose payload is a claims map holding EAT-NONCE, EAT-UEID (EAT-RAND and the GUID)
 * and, for some messages, EAT-FDO. TO1.ProveToRV and TO2.ProveDevice are such tokens.
 */
import { encode } from '../../codec/cbor.ts';
import { GUID_BYTES, type Guid } from '../types/guid.ts';
import { type Nonce, parseNonce } from '../types/nonce.ts';
import { asBstr, asMap, decodeFdoCbor, messageBodyError } from '../types/read.ts';
import { EAT_RAND, EatClaim } from './labels.ts';
import { MAX_EAT_CLAIMS } from './limits.ts';

/** Claims other than the three FDO names, keyed by integer or text as in the token. */
export type EatOtherClaims = Map<number | string, unknown>;

export interface EatPayload {
  nonce: Nonce;
  guid: Guid;
  /** The EAT-FDO claim as decoded, when present; each message interprets its own. */
  fdo?: unknown;
  other: EatOtherClaims;
}

const RESERVED = new Set<unknown>([EatClaim.EAT_FDO, EatClaim.EAT_NONCE, EatClaim.EAT_UEID]);

/** Reads the claims map of an EAT payload (`payload` is the COSE payload bstr's content). */
export function parseEatPayload(payload: Uint8Array, where: string): EatPayload {
  const map = asMap(decodeFdoCbor(payload, where, { maxBytes: payload.length }), where);
  if (map.size > MAX_EAT_CLAIMS) throw messageBodyError(where, `${map.size} claims exceed ${MAX_EAT_CLAIMS}`);
  const other: EatOtherClaims = new Map();
  for (const [k, v] of map) {
    if (!(typeof k === 'string' || (typeof k === 'number' && Number.isSafeInteger(k)))) {
      throw messageBodyError(where, 'a claim key is neither an integer nor text');
    }
    if (!RESERVED.has(k)) other.set(k, v);
  }
  if (!map.has(EatClaim.EAT_NONCE)) throw messageBodyError(`${where}.EAT-NONCE`, 'the claim is missing');
  if (!map.has(EatClaim.EAT_UEID)) throw messageBodyError(`${where}.EAT-UEID`, 'the claim is missing');
  const nonce = parseNonce(map.get(EatClaim.EAT_NONCE), `${where}.EAT-NONCE`);
  const ueid = asBstr(map.get(EatClaim.EAT_UEID), `${where}.EAT-UEID`, { min: 1 + GUID_BYTES, max: 1 + GUID_BYTES });
  if (ueid[0] !== EAT_RAND) throw messageBodyError(`${where}.EAT-UEID`, `type byte ${ueid[0]} is not EAT-RAND (${EAT_RAND})`);
  const out: EatPayload = { nonce, guid: ueid.subarray(1), other };
  if (map.has(EatClaim.EAT_FDO)) out.fdo = map.get(EatClaim.EAT_FDO);
  return out;
}

/** The payload bytes of an EAT: the FDO claims first, then any others in the caller's order. */
export function encodeEatPayload(eat: EatPayload, name: string): Uint8Array {
  const map = new Map<number | string, unknown>();
  if (eat.fdo !== undefined) map.set(EatClaim.EAT_FDO, eat.fdo);
  map.set(EatClaim.EAT_NONCE, eat.nonce);
  const ueid = new Uint8Array(1 + GUID_BYTES);
  ueid[0] = EAT_RAND;
  if (!(eat.guid instanceof Uint8Array) || eat.guid.length !== GUID_BYTES) throw new TypeError(`${name}: guid must be ${GUID_BYTES} bytes`);
  ueid.set(eat.guid, 1);
  map.set(EatClaim.EAT_UEID, ueid);
  for (const [k, v] of eat.other ?? []) {
    if (RESERVED.has(k)) throw new TypeError(`${name}: claim ${k} is set through its own field, not in other`);
    map.set(k, v);
  }
  return encode(map);
}
