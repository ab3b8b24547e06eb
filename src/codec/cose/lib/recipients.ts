/**
 * COSE_recipient layers (RFC 9052 §5.1) of COSE_Encrypt and COSE_Mac: how the content key reaches
 * each recipient. Implemented: direct (RFC 9053 §6.1.1), direct+HKDF-SHA-256/512 (§6.1.2), AES key
 * wrap (§6.2.1), ECDH-ES/SS + HKDF-256/512 (§6.3.1) and ECDH-ES/SS + AES key wrap (§6.4.1).
 */
import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';
import { bytesEqual } from '../../bytes.ts';
import { encode } from '../../cbor.ts';
import { Algorithm, algorithmName } from '../algorithms.ts';
import { CoseError } from '../errors.ts';
import { HeaderAlgParam, HeaderParam } from '../header-parameters.ts';
import { type CoseKey, coseKeyToKeyObject, keyObjectToCoseKey } from '../key.ts';
import { EC2Param, KeyOp, KeyParam } from '../key-parameters.ts';
import { algOf, buildLayer, type HeaderMap, type Layer, param } from './headers.ts';
import { type KeyLike, mismatch, toKeyObject } from './keys.ts';
import { type DecodeRules, malformed, readLayer } from './message.ts';

/** Party information and extra inputs of the COSE_KDF_Context (RFC 9053 §5.2) that are not sent. */
export interface KdfContextInput {
  partyU?: PartyInfo;
  partyV?: PartyInfo;
  /** SuppPubInfo `other` */
  suppPubOther?: Uint8Array;
  suppPrivInfo?: Uint8Array;
}

export interface PartyInfo {
  identity?: Uint8Array;
  nonce?: Uint8Array | number;
  other?: Uint8Array;
}

export interface RecipientInput {
  /**
   * direct, key wrap, direct+HKDF: the shared secret key. ECDH: the recipient's public key.
   */
  key: KeyLike;
  /** alg (1) goes in one of the buckets; RFC 9053 §6.1.1 wants direct's in the unprotected one. */
  protectedHeaders?: HeaderMap;
  unprotectedHeaders?: HeaderMap;
  /** ECDH-ES: the ephemeral private key (generated when absent). */
  ephemeralKey?: KeyObject;
  /** Write the ephemeral key's y as a sign bit (RFC 9053 §7.1.1). */
  compressEphemeral?: boolean;
  /** ECDH-SS: the sender's static private key; identify it with header -2 or -3. */
  senderKey?: KeyObject;
  kdfContext?: KdfContextInput;
}

export interface RecipientKeyOptions {
  /** The recipient's key: secret for direct and key wrap, private EC/OKP for ECDH. */
  key: KeyLike;
  /** ECDH-SS: the sender's public key, when the message names it by static key id (-3). */
  senderKey?: KeyLike;
  kdfContext?: KdfContextInput;
}

export interface DecodedRecipient extends Layer {
  alg: number;
  ciphertext: Uint8Array | null;
  recipients: DecodedRecipient[] | undefined;
}

type Kind = 'direct' | 'direct-hkdf' | 'kw' | 'ecdh-hkdf' | 'ecdh-kw';

interface RecipientAlgorithm {
  kind: Kind;
  hash?: string;
  /** Key wrap algorithm and its key length. */
  kw?: { id: number; length: number };
  staticSender?: boolean;
}

const KW = (id: number, length: number) => ({ id, length });
const RECIPIENT_ALGS = new Map<number, RecipientAlgorithm>([
  [Algorithm.direct, { kind: 'direct' }],
  [Algorithm.direct_HKDF_SHA_256, { kind: 'direct-hkdf', hash: 'sha256' }],
  [Algorithm.direct_HKDF_SHA_512, { kind: 'direct-hkdf', hash: 'sha512' }],
  [Algorithm.A128KW, { kind: 'kw', kw: KW(Algorithm.A128KW, 16) }],
  [Algorithm.A192KW, { kind: 'kw', kw: KW(Algorithm.A192KW, 24) }],
  [Algorithm.A256KW, { kind: 'kw', kw: KW(Algorithm.A256KW, 32) }],
  [Algorithm.ECDH_ES_HKDF_256, { kind: 'ecdh-hkdf', hash: 'sha256' }],
  [Algorithm.ECDH_ES_HKDF_512, { kind: 'ecdh-hkdf', hash: 'sha512' }],
  [Algorithm.ECDH_SS_HKDF_256, { kind: 'ecdh-hkdf', hash: 'sha256', staticSender: true }],
  [Algorithm.ECDH_SS_HKDF_512, { kind: 'ecdh-hkdf', hash: 'sha512', staticSender: true }],
  [Algorithm.ECDH_ES_A128KW, { kind: 'ecdh-kw', hash: 'sha256', kw: KW(Algorithm.A128KW, 16) }],
  [Algorithm.ECDH_ES_A192KW, { kind: 'ecdh-kw', hash: 'sha256', kw: KW(Algorithm.A192KW, 24) }],
  [Algorithm.ECDH_ES_A256KW, { kind: 'ecdh-kw', hash: 'sha256', kw: KW(Algorithm.A256KW, 32) }],
  [Algorithm.ECDH_SS_A128KW, { kind: 'ecdh-kw', hash: 'sha256', kw: KW(Algorithm.A128KW, 16), staticSender: true }],
  [Algorithm.ECDH_SS_A192KW, { kind: 'ecdh-kw', hash: 'sha256', kw: KW(Algorithm.A192KW, 24), staticSender: true }],
  [Algorithm.ECDH_SS_A256KW, { kind: 'ecdh-kw', hash: 'sha256', kw: KW(Algorithm.A256KW, 32), staticSender: true }],
]);

function recipientAlgorithm(alg: number, where: string): RecipientAlgorithm {
  const a = RECIPIENT_ALGS.get(alg);
  if (a === undefined)
    throw new CoseError('ERR_COSE_UNSUPPORTED_ALG', `${where}: recipient algorithm ${algorithmName(alg)} is not supported`);
  return a;
}

/** Whether the recipient algorithm hands over the content key itself (no key is generated). */
export function isDirect(alg: number): boolean {
  const kind = RECIPIENT_ALGS.get(alg)?.kind;
  return kind === 'direct' || kind === 'direct-hkdf' || kind === 'ecdh-hkdf';
}

const KW_IV = new Uint8Array(8).fill(0xa6);
const EMPTY = new Uint8Array(0);

function wrap(kek: Uint8Array | KeyObject, cek: Uint8Array, length: number): Uint8Array {
  const c = createCipheriv(`id-aes${length * 8}-wrap`, kek, KW_IV);
  return new Uint8Array(Buffer.concat([c.update(cek), c.final()]));
}

function unwrap(kek: Uint8Array | KeyObject, wrapped: Uint8Array, length: number, where: string): Uint8Array {
  try {
    const d = createDecipheriv(`id-aes${length * 8}-wrap`, kek, KW_IV);
    return new Uint8Array(Buffer.concat([d.update(wrapped), d.final()]));
  } catch (cause) {
    throw new CoseError('ERR_COSE_DECRYPT_FAILED', `${where}: key unwrap failed`, { cause });
  }
}

function party(layer: Layer, given: PartyInfo | undefined, identity: number, nonce: number, other: number): unknown[] {
  const pick = (label: number, fallback: unknown) => param(layer, label) ?? fallback ?? null;
  return [pick(identity, given?.identity), pick(nonce, given?.nonce), pick(other, given?.other)];
}

/** COSE_KDF_Context (RFC 9053 §5.2) for a key of `bits` bits meant for algorithm `target`. */
export function kdfContext(layer: Layer, target: number, bits: number, input: KdfContextInput | undefined): Uint8Array {
  const supp: unknown[] = [bits, layer.protectedBytes];
  if (input?.suppPubOther !== undefined) supp.push(input.suppPubOther);
  const ctx: unknown[] = [
    target,
    party(layer, input?.partyU, HeaderAlgParam.partyUIdentity, HeaderAlgParam.partyUNonce, HeaderAlgParam.partyUOther),
    party(layer, input?.partyV, HeaderAlgParam.partyVIdentity, HeaderAlgParam.partyVNonce, HeaderAlgParam.partyVOther),
    supp,
  ];
  if (input?.suppPrivInfo !== undefined) ctx.push(input.suppPrivInfo);
  return encode(ctx);
}

function hkdf(
  hash: string,
  secret: Uint8Array | KeyObject,
  layer: Layer,
  target: number,
  length: number,
  input: KdfContextInput | undefined,
) {
  const salt = param(layer, HeaderAlgParam.salt);
  if (salt !== undefined && !(salt instanceof Uint8Array)) throw new CoseError('ERR_COSE_HEADER', 'salt (-20) must be a byte string');
  const info = kdfContext(layer, target, length * 8, input);
  return new Uint8Array(hkdfSync(hash, secret, salt ?? EMPTY, info, length));
}

function ecdh(privateKey: KeyObject, publicKey: KeyObject, where: string): Uint8Array {
  if (privateKey.asymmetricKeyType !== publicKey.asymmetricKeyType) throw mismatch(`${where}: ECDH keys are of different types`);
  if (privateKey.asymmetricKeyDetails?.namedCurve !== publicKey.asymmetricKeyDetails?.namedCurve) {
    throw mismatch(`${where}: ECDH keys are on different curves`);
  }
  try {
    return new Uint8Array(diffieHellman({ privateKey, publicKey }));
  } catch (cause) {
    throw mismatch(`${where}: ECDH failed (${(cause as Error).message})`);
  }
}

function agreementKey(key: KeyObject, where: string, wantPrivate: boolean): void {
  const t = key.asymmetricKeyType;
  if (t !== 'ec' && t !== 'x25519' && t !== 'x448') throw mismatch(`${where}: ECDH needs an EC2 or X25519/X448 key`);
  if (wantPrivate && key.type !== 'private') throw mismatch(`${where}: ECDH needs the recipient's private key`);
}

function headerKey(value: unknown, where: string, what: string): KeyObject {
  if (!(value instanceof Map)) throw new CoseError('ERR_COSE_HEADER', `${where}: ${what} must be a COSE_Key map`);
  try {
    return coseKeyToKeyObject(value as CoseKey, { private: false });
  } catch (cause) {
    throw new CoseError('ERR_COSE_HEADER', `${where}: ${what} is not a valid public key (${(cause as Error).message})`, { cause });
  }
}

/**
 * Recovers the key for algorithm `target` (`length` bytes) from one recipient layer, descending into
 * nested recipients of a key wrap layer (RFC 9052 §5.1, three-layer messages).
 */
export function recoverKey(r: DecodedRecipient, target: number, length: number, opts: RecipientKeyOptions, where: string): Uint8Array {
  const a = recipientAlgorithm(r.alg, where);
  const ciphertext = r.ciphertext ?? EMPTY;
  if (a.kind === 'direct' || a.kind === 'direct-hkdf' || a.kind === 'ecdh-hkdf') {
    // RFC 9053 §6.1, §6.3: these carry no wrapped key.
    if (ciphertext.length !== 0) throw malformed(`${where}: ${algorithmName(r.alg)} recipient must have an empty ciphertext`);
  }
  if (a.kind === 'direct' && r.protectedBytes.length !== 0) {
    throw new CoseError('ERR_COSE_HEADER', `${where}: a direct recipient must have an empty protected header (RFC 9053 §6.1.1)`);
  }
  if (a.kind === 'kw' && r.recipients !== undefined) {
    const kek = recoverFromList(r.recipients, a.kw!.id, a.kw!.length, opts, where);
    return unwrap(kek, ciphertext, a.kw!.length, where);
  }
  if (r.recipients !== undefined) throw malformed(`${where}: ${algorithmName(r.alg)} recipient cannot have nested recipients`);
  if (a.kind === 'direct' || a.kind === 'direct-hkdf' || a.kind === 'kw') {
    const key = toKeyObject(opts.key, r.alg, [KeyOp.deriveKey, KeyOp.unwrapKey, KeyOp.decrypt, KeyOp.macVerify], where, false);
    if (key.type !== 'secret') throw mismatch(`${where}: ${algorithmName(r.alg)} needs a symmetric key`);
    if (a.kind === 'direct') {
      const k = new Uint8Array(key.export());
      if (k.length !== length) throw mismatch(`${where}: direct key is ${k.length} bytes, ${algorithmName(target)} needs ${length}`);
      return k;
    }
    if (a.kind === 'direct-hkdf') return hkdf(a.hash!, key, r, target, length, opts.kdfContext);
    if (key.symmetricKeySize !== a.kw!.length) throw mismatch(`${where}: ${algorithmName(r.alg)} needs a ${a.kw!.length}-byte key`);
    return unwrap(key, ciphertext, a.kw!.length, where);
  }
  const own = toKeyObject(opts.key, r.alg, [KeyOp.deriveKey, KeyOp.deriveBits], where, true);
  agreementKey(own, where, true);
  const peer = a.staticSender
    ? senderPublicKey(r, opts, where)
    : headerKey(param(r, HeaderAlgParam.ephemeralKey), where, 'ephemeral key (-1)');
  const secret = ecdh(own, peer, where);
  if (a.kind === 'ecdh-hkdf') return hkdf(a.hash!, secret, r, target, length, opts.kdfContext);
  const kek = hkdf(a.hash!, secret, r, a.kw!.id, a.kw!.length, opts.kdfContext);
  return unwrap(kek, ciphertext, a.kw!.length, where);
}

function senderPublicKey(r: DecodedRecipient, opts: RecipientKeyOptions, where: string): KeyObject {
  const inline = param(r, HeaderAlgParam.staticKey);
  if (inline !== undefined) return headerKey(inline, where, 'static key (-2)');
  if (opts.senderKey === undefined) throw mismatch(`${where}: ECDH-SS needs the sender's public key (static key id (-3) names it)`);
  const kid = param(r, HeaderAlgParam.staticKeyId);
  if (opts.senderKey instanceof Map && kid instanceof Uint8Array) {
    const given = opts.senderKey.get(KeyParam.kid);
    if (given instanceof Uint8Array && !bytesEqual(given, kid)) throw mismatch(`${where}: sender key id does not match static key id (-3)`);
  }
  return toKeyObject(opts.senderKey, r.alg, [KeyOp.deriveKey, KeyOp.deriveBits], where, false);
}

/**
 * Picks the recipient for the caller's key and recovers the key for `target`. A kid is only a hint
 * (RFC 9052 §3.1): recipients whose kid equals the COSE_Key's are tried first, then the others; the
 * first that yields a key wins.
 */
export function recoverFromList(
  list: DecodedRecipient[],
  target: number,
  length: number,
  opts: RecipientKeyOptions,
  where: string,
): Uint8Array {
  const wanted = opts.key instanceof Map ? opts.key.get(KeyParam.kid) : undefined;
  const matches = (r: DecodedRecipient) => {
    const kid = param(r, HeaderParam.kid);
    return wanted instanceof Uint8Array && kid instanceof Uint8Array && bytesEqual(kid, wanted);
  };
  const order = [...list.keys()].sort((a, b) => Number(matches(list[b]!)) - Number(matches(list[a]!)));
  let first: unknown;
  for (const i of order) {
    try {
      return recoverKey(list[i]!, target, length, opts, `${where} recipient ${i}`);
    } catch (e) {
      first ??= e;
    }
  }
  throw first;
}

/** Decodes a recipients array (element `index` of its parent), recursively. */
export function readRecipients(value: unknown, where: string, rules: DecodeRules, depth = 0): DecodedRecipient[] {
  if (!Array.isArray(value) || value.length === 0) throw malformed(`${where}: recipients must be a non-empty array`);
  return value.map((r: unknown, i) => {
    const w = `${where} recipient ${i}`;
    if (!Array.isArray(r) || (r.length !== 3 && r.length !== 4))
      throw malformed(`${w}: COSE_recipient must be an array of 3 or 4 elements`);
    const layer = readLayer(r, w, rules);
    const ct = r[2];
    if (ct !== null && !(ct instanceof Uint8Array)) throw malformed(`${w}: ciphertext (element 2) must be a byte string or nil`);
    const nested = r.length === 4 ? readRecipients(r[3], w, rules, depth + 1) : undefined;
    if (depth > 2) throw malformed(`${w}: recipients nest too deep`);
    return { ...layer, alg: algOf(layer, w), ciphertext: ct, recipients: nested };
  });
}

/** The recipient arrays to write, and the content key: given for direct modes, generated otherwise. */
export function buildRecipients(
  inputs: readonly RecipientInput[],
  target: number,
  length: number,
  cek: Uint8Array | undefined,
  random: (n: number) => Uint8Array,
  where: string,
): { cek: Uint8Array; recipients: unknown[][] } {
  if (!Array.isArray(inputs) || inputs.length === 0) throw new TypeError(`${where}: at least one recipient is required`);
  const layers = inputs.map((r, i) => buildLayer(r.protectedHeaders, r.unprotectedHeaders, `${where} recipient ${i}`));
  const algs = layers.map((l, i) => algOf(l, `${where} recipient ${i}`));
  const direct = algs.filter((alg) => isDirect(alg));
  if (direct.length > 0 && inputs.length > 1)
    throw new TypeError(`${where}: a direct recipient must be the only recipient (RFC 9052 §5.1)`);
  let key = cek;
  if (direct.length === 1) {
    if (key !== undefined) throw new TypeError(`${where}: a direct recipient determines the content key; do not pass one`);
    const d = deriveForSender(inputs[0]!, layers[0]!, algs[0]!, target, length, `${where} recipient 0`);
    return { cek: d.key, recipients: [[layers[0]!.protectedBytes, ...d.rest]] };
  }
  key ??= random(length);
  if (key.length !== length) throw new TypeError(`${where}: content key must be ${length} bytes`);
  const recipients = inputs.map((r, i) => {
    const w = `${where} recipient ${i}`;
    const out = wrapForSender(r, layers[i]!, algs[i]!, key, w);
    return [layers[i]!.protectedBytes, out.unprotected, out.ciphertext];
  });
  return { cek: key, recipients };
}

interface SenderAgreement {
  secret: Uint8Array;
  unprotected: HeaderMap;
}

function agree(r: RecipientInput, layer: Layer, alg: number, a: RecipientAlgorithm, where: string): SenderAgreement {
  const peer = toKeyObject(r.key, alg, [KeyOp.deriveKey, KeyOp.deriveBits], where, false);
  agreementKey(peer, where, false);
  const peerPublic = peer.type === 'private' ? createPublicKey(peer) : peer;
  const unprotected: HeaderMap = new Map();
  let own: KeyObject;
  if (a.staticSender) {
    if (r.senderKey === undefined) throw new TypeError(`${where}: ECDH-SS needs senderKey`);
    own = r.senderKey;
    if (!param(layer, HeaderAlgParam.staticKey) && !param(layer, HeaderAlgParam.staticKeyId)) {
      throw new TypeError(`${where}: ECDH-SS needs static key (-2) or static key id (-3) in the headers`);
    }
  } else {
    own = r.ephemeralKey ?? generateLike(peerPublic);
    if (own.type !== 'private') throw new TypeError(`${where}: ephemeralKey must be a private key`);
    const epk = keyObjectToCoseKey(own);
    if (r.compressEphemeral === true && epk.get(KeyParam.kty) === 2) {
      const y = epk.get(EC2Param.y) as Uint8Array;
      epk.set(EC2Param.y, (y[y.length - 1]! & 1) === 1);
    }
    unprotected.set(HeaderAlgParam.ephemeralKey, epk);
  }
  for (const [k, v] of layer.unprotectedHeaders) unprotected.set(k, v);
  return { secret: ecdh(own, peerPublic, where), unprotected };
}

function generateLike(peer: KeyObject): KeyObject {
  const t = peer.asymmetricKeyType;
  if (t === 'ec') return generateKeyPairSync('ec', { namedCurve: peer.asymmetricKeyDetails!.namedCurve! }).privateKey;
  return generateKeyPairSync(t as 'x25519', {}).privateKey;
}

function deriveForSender(r: RecipientInput, layer: Layer, alg: number, target: number, length: number, where: string) {
  const a = recipientAlgorithm(alg, where);
  if (a.kind === 'direct') {
    if (layer.protectedBytes.length !== 0) throw new TypeError(`${where}: a direct recipient must have an empty protected header`);
    const key = toKeyObject(r.key, alg, [KeyOp.encrypt, KeyOp.macCreate], where, false);
    if (key.type !== 'secret') throw mismatch(`${where}: direct needs a symmetric key`);
    const k = new Uint8Array(key.export());
    if (k.length !== length) throw mismatch(`${where}: direct key is ${k.length} bytes, ${algorithmName(target)} needs ${length}`);
    return { key: k, rest: [layer.unprotectedHeaders, EMPTY] };
  }
  if (a.kind === 'direct-hkdf') {
    const key = toKeyObject(r.key, alg, [KeyOp.deriveKey], where, false);
    if (key.type !== 'secret') throw mismatch(`${where}: ${algorithmName(alg)} needs a symmetric key`);
    return { key: hkdf(a.hash!, key, layer, target, length, r.kdfContext), rest: [layer.unprotectedHeaders, EMPTY] };
  }
  const { secret, unprotected } = agree(r, layer, alg, a, where);
  const full = { ...layer, unprotectedHeaders: unprotected };
  return { key: hkdf(a.hash!, secret, full, target, length, r.kdfContext), rest: [unprotected, EMPTY] };
}

function wrapForSender(r: RecipientInput, layer: Layer, alg: number, cek: Uint8Array, where: string) {
  const a = recipientAlgorithm(alg, where);
  if (a.kind === 'kw') {
    const key = toKeyObject(r.key, alg, [KeyOp.wrapKey], where, false);
    if (key.type !== 'secret' || key.symmetricKeySize !== a.kw!.length)
      throw mismatch(`${where}: ${algorithmName(alg)} needs a ${a.kw!.length}-byte key`);
    return { unprotected: layer.unprotectedHeaders, ciphertext: wrap(key, cek, a.kw!.length) };
  }
  if (a.kind !== 'ecdh-kw') throw new TypeError(`${where}: ${algorithmName(alg)} cannot be combined with other recipients`);
  const { secret, unprotected } = agree(r, layer, alg, a, where);
  const full = { ...layer, unprotectedHeaders: unprotected };
  const kek = hkdf(a.hash!, secret, full, a.kw!.id, a.kw!.length, r.kdfContext);
  return { unprotected, ciphertext: wrap(kek, cek, a.kw!.length) };
}
