/**
 * Key objects in the token: the templates IoTopia generates with, finding a key by label, and
 * reading a public key back as a KeyObject. Private keys are made with CKA_TOKEN (kept across
 * sessions), CKA_PRIVATE (only after login), CKA_SENSITIVE and not CKA_EXTRACTABLE (their value
 * never leaves the token, not even wrapped): PKCS#11 v2.40 §4.9 and §10.7.
 */
import { createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
import type { Template } from 'pkcs11js';
import { KeystoreError } from '../errors.ts';
import type { KeystoreKeyType } from '../keystore.ts';
import { tokenError } from './errors.ts';
import type { Pkcs11Session } from './session.ts';

interface Curve {
  type: KeystoreKeyType;
  /** DER of the named-curve OID, as CKA_EC_PARAMS holds it. */
  params: string;
  jwk: 'P-256' | 'P-384';
  size: number;
}

const CURVES: readonly Curve[] = [
  { type: 'secp256r1', params: '06082a8648ce3d030107', jwk: 'P-256', size: 32 },
  { type: 'secp384r1', params: '06052b81040022', jwk: 'P-384', size: 48 },
];

const RSA_BITS: Partial<Record<KeystoreKeyType, number>> = { rsa2048: 2048, rsa3072: 3072 };

export interface TokenKey {
  type: KeystoreKeyType;
  publicKey: KeyObject;
  /** The private key object's handle in the session. */
  privateObject: Buffer;
  publicObject: Buffer | undefined;
}

/** Generates a key pair in the token under `label`. */
export function generateTokenKey(s: Pkcs11Session, label: string, type: KeystoreKeyType): TokenKey {
  const a = s.api;
  const id = randomBytes(16);
  const common = [
    { type: a.CKA_TOKEN, value: true },
    { type: a.CKA_LABEL, value: label },
    { type: a.CKA_ID, value: id },
  ];
  const curve = CURVES.find((c) => c.type === type);
  const bits = RSA_BITS[type];
  let mechanism: number;
  let publicTemplate: Template;
  let privateTemplate: Template;
  const privateBase = [
    ...common,
    { type: a.CKA_PRIVATE, value: true },
    { type: a.CKA_SENSITIVE, value: true },
    { type: a.CKA_EXTRACTABLE, value: false },
    { type: a.CKA_SIGN, value: true },
  ];
  if (curve !== undefined) {
    mechanism = a.CKM_EC_KEY_PAIR_GEN;
    publicTemplate = [...common, { type: a.CKA_VERIFY, value: true }, { type: a.CKA_EC_PARAMS, value: Buffer.from(curve.params, 'hex') }];
    privateTemplate = [...privateBase, { type: a.CKA_DERIVE, value: false }];
  } else if (bits !== undefined) {
    mechanism = a.CKM_RSA_PKCS_KEY_PAIR_GEN;
    publicTemplate = [
      ...common,
      { type: a.CKA_VERIFY, value: true },
      { type: a.CKA_ENCRYPT, value: true },
      { type: a.CKA_MODULUS_BITS, value: bits },
      { type: a.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
    ];
    privateTemplate = [...privateBase, { type: a.CKA_DECRYPT, value: true }];
  } else {
    throw new KeystoreError('ERR_KEYSTORE_UNSUPPORTED', `the PKCS#11 keystore does not make ${String(type)} keys`);
  }
  let pair: { publicKey: Buffer; privateKey: Buffer };
  try {
    pair = s.p11.C_GenerateKeyPair(s.session, { mechanism }, publicTemplate, privateTemplate);
  } catch (e) {
    throw tokenError('C_GenerateKeyPair', e);
  }
  return { type, publicKey: readPublicKey(s, pair.publicKey, type), privateObject: pair.privateKey, publicObject: pair.publicKey };
}

/** The objects of class `cls` whose label is `label`. */
export function findObjects(s: Pkcs11Session, cls: number, label?: string): Buffer[] {
  const a = s.api;
  const template: Template = [{ type: a.CKA_CLASS, value: cls }];
  if (label !== undefined) template.push({ type: a.CKA_LABEL, value: label });
  try {
    s.p11.C_FindObjectsInit(s.session, template);
    try {
      return s.p11.C_FindObjects(s.session, 1024);
    } finally {
      s.p11.C_FindObjectsFinal(s.session);
    }
  } catch (e) {
    throw tokenError('C_FindObjects', e);
  }
}

export function labelOf(s: Pkcs11Session, object: Buffer): string {
  const [attr] = attributes(s, object, [s.api.CKA_LABEL]);
  return (attr as Buffer).toString('utf8');
}

/** The key pair labelled `label`, or undefined. Two private keys under one label are refused. */
export function findTokenKey(s: Pkcs11Session, label: string): TokenKey | undefined {
  const a = s.api;
  const privates = findObjects(s, a.CKO_PRIVATE_KEY, label);
  if (privates.length === 0) return undefined;
  if (privates.length > 1)
    throw new KeystoreError('ERR_KEYSTORE_PKCS11', `the token holds ${privates.length} private keys labelled "${label}"`);
  const privateObject = privates[0] as Buffer;
  const publicObject = findObjects(s, a.CKO_PUBLIC_KEY, label)[0];
  if (publicObject === undefined) throw new KeystoreError('ERR_KEYSTORE_PKCS11', `the token holds no public key labelled "${label}"`);
  const type = typeOfObject(s, publicObject);
  return { type, publicKey: readPublicKey(s, publicObject, type), privateObject, publicObject };
}

function typeOfObject(s: Pkcs11Session, object: Buffer): KeystoreKeyType {
  const a = s.api;
  const [keyType] = attributes(s, object, [a.CKA_KEY_TYPE]);
  const kt = (keyType as Buffer).readUIntLE(0, Math.min((keyType as Buffer).length, 6));
  if (kt === a.CKK_EC) {
    const [params] = attributes(s, object, [a.CKA_EC_PARAMS]);
    const curve = CURVES.find((c) => c.params === (params as Buffer).toString('hex'));
    if (curve !== undefined) return curve.type;
  } else if (kt === a.CKK_RSA) {
    const [modulus] = attributes(s, object, [a.CKA_MODULUS]);
    const bits = stripZeros(modulus as Buffer).length * 8;
    if (bits === 2048) return 'rsa2048';
    if (bits === 3072) return 'rsa3072';
  }
  throw new KeystoreError('ERR_KEYSTORE_UNSUPPORTED', 'a token key is neither EC P-256/P-384 nor RSA-2048/3072');
}

function readPublicKey(s: Pkcs11Session, object: Buffer, type: KeystoreKeyType): KeyObject {
  const a = s.api;
  const curve = CURVES.find((c) => c.type === type);
  if (curve !== undefined) {
    const [point] = attributes(s, object, [a.CKA_EC_POINT]);
    const raw = ecPoint(point as Buffer, curve.size);
    const b64 = (b: Buffer) => b.toString('base64url');
    return createPublicKey({
      key: { kty: 'EC', crv: curve.jwk, x: b64(raw.subarray(1, 1 + curve.size)), y: b64(raw.subarray(1 + curve.size)) },
      format: 'jwk',
    });
  }
  const [n, e] = attributes(s, object, [a.CKA_MODULUS, a.CKA_PUBLIC_EXPONENT]);
  return createPublicKey({
    key: { kty: 'RSA', n: stripZeros(n as Buffer).toString('base64url'), e: stripZeros(e as Buffer).toString('base64url') },
    format: 'jwk',
  });
}

/** CKA_EC_POINT: the uncompressed point, DER-wrapped in an OCTET STRING as v2.40 §2.3.3 says (some modules omit the wrap). */
function ecPoint(value: Buffer, size: number): Buffer {
  const n = 2 * size + 1;
  if (value.length === n && value[0] === 4) return value;
  if (value.length === n + 2 && value[0] === 4 && value[1] === n && value[2] === 4) return value.subarray(2);
  if (value.length === n + 3 && value[0] === 4 && value[1] === 0x81 && value[2] === n && value[3] === 4) return value.subarray(3);
  throw new KeystoreError('ERR_KEYSTORE_PKCS11', 'the token returned an EC point that is not an uncompressed point of the curve');
}

function stripZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function attributes(s: Pkcs11Session, object: Buffer, types: number[]): (Buffer | undefined)[] {
  try {
    return s.p11
      .C_GetAttributeValue(
        s.session,
        object,
        types.map((type) => ({ type })),
      )
      .map((attr) => attr.value as Buffer | undefined);
  } catch (e) {
    throw tokenError('C_GetAttributeValue', e);
  }
}

/** Destroys both halves of the key labelled `label`. */
export function destroyTokenKey(s: Pkcs11Session, label: string): boolean {
  const objects = [...findObjects(s, s.api.CKO_PRIVATE_KEY, label), ...findObjects(s, s.api.CKO_PUBLIC_KEY, label)];
  for (const o of objects) {
    try {
      s.p11.C_DestroyObject(s.session, o);
    } catch (e) {
      throw tokenError('C_DestroyObject', e);
    }
  }
  return objects.length > 0;
}
