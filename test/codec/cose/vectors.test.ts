/**
 * The COSE working group's examples (github.com/cose-wg/Examples), read in place from the shared
 * vectors folder. Deterministic algorithms must reproduce `output.cbor` byte for byte; randomized
 * ones (ECDSA, RSA-PSS, ECDH ephemeral keys) must verify or decrypt it and match the intermediates.
 * Cases marked `fail` must be rejected with a CoseError. Nothing is skipped silently: UNSUPPORTED
 * lists every case that is expected not to pass, with the reason, and is checked both ways.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decode, Tag } from '../../../src/codec/cbor.ts';
import { Algorithm } from '../../../src/codec/cose/algorithms.ts';
import { decryptEncrypt, encryptEncrypt } from '../../../src/codec/cose/encrypt.ts';
import { decryptEncrypt0, encryptEncrypt0 } from '../../../src/codec/cose/encrypt0.ts';
import { type CoseKey, coseKeyToKeyObject, jwkToCoseKey } from '../../../src/codec/cose/key.ts';
import type { HeaderMap } from '../../../src/codec/cose/lib/headers.ts';
import { Context, sigStructure, sigStructure1 } from '../../../src/codec/cose/lib/structures.ts';
import { createMac, type RecipientInput, verifyMac } from '../../../src/codec/cose/mac.ts';
import { createMac0, verifyMac0 } from '../../../src/codec/cose/mac0.ts';
import { decodeSign, signSign, verifySign } from '../../../src/codec/cose/sign.ts';
import { decodeSign1, signSign1, verifySign1 } from '../../../src/codec/cose/sign1.ts';
import { IotopiaError } from '../../../src/errors.ts';
import { vectorPath, vectorsMissing } from '../../helpers/vectors.ts';

/** Cases expected not to pass, by `folder/file` without `.json`, with the reason. */
const UNSUPPORTED: Record<string, string> = {
  'ecdsa-examples/ecdsa-04': 'ES512 with a P-256 key: IoTopia binds each ECDSA algorithm to its curve (RFC 9053 §2.1) and rejects it',
  'ecdsa-examples/ecdsa-sig-04': 'ES512 with a P-256 key: IoTopia binds each ECDSA algorithm to its curve (RFC 9053 §2.1) and rejects it',
  'x509-examples/signed-01': 'output.cbor writes kid (4) as a text string; RFC 9052 §3.1 makes it a bstr and IoTopia rejects it',
  'x509-examples/signed-02': 'output.cbor writes kid (4) as a text string; RFC 9052 §3.1 makes it a bstr and IoTopia rejects it',
  'RFC8152/Appendix_C_1_3': 'RFC 8152 counter signature (header 7) is not verified by IoTopia',
  'RFC8152/Appendix_C_3_3': 'RFC 8152 counter signature (header 7) is not verified by IoTopia',
};

class Unsupported extends Error {}

// Set by a runner when it rebuilt output.cbor byte for byte from the inputs.
let reproduced = false;

// Algorithm names as the examples spell them.
const ALG_NAMES: Record<string, number> = {
  ES256: Algorithm.ES256,
  ES384: Algorithm.ES384,
  ES512: Algorithm.ES512,
  EdDSA: Algorithm.EdDSA,
  'RSA-PSS-256': Algorithm.PS256,
  'RSA-PSS-384': Algorithm.PS384,
  'RSA-PSS-512': Algorithm.PS512,
  'HS256/64': Algorithm.HMAC_256_64,
  HS256: Algorithm.HMAC_256_256,
  HS384: Algorithm.HMAC_384_384,
  HS512: Algorithm.HMAC_512_512,
  'AES-MAC-128/64': Algorithm.AES_MAC_128_64,
  'AES-MAC-256/64': Algorithm.AES_MAC_256_64,
  'AES-MAC-128/128': Algorithm.AES_MAC_128_128,
  'AES-MAC-256/128': Algorithm.AES_MAC_256_128,
  A128GCM: Algorithm.A128GCM,
  A192GCM: Algorithm.A192GCM,
  A256GCM: Algorithm.A256GCM,
  'AES-CCM-16-128/64': Algorithm.AES_CCM_16_64_128,
  'AES-CCM-16-256/64': Algorithm.AES_CCM_16_64_256,
  'AES-CCM-64-128/64': Algorithm.AES_CCM_64_64_128,
  'AES-CCM-64-256/64': Algorithm.AES_CCM_64_64_256,
  'AES-CCM-16-128/128': Algorithm.AES_CCM_16_128_128,
  'AES-CCM-16-256/128': Algorithm.AES_CCM_16_128_256,
  'AES-CCM-64-128/128': Algorithm.AES_CCM_64_128_128,
  'AES-CCM-64-256/128': Algorithm.AES_CCM_64_128_256,
  direct: Algorithm.direct,
  A128KW: Algorithm.A128KW,
  A192KW: Algorithm.A192KW,
  A256KW: Algorithm.A256KW,
  'HKDF-HMAC-SHA-256': Algorithm.direct_HKDF_SHA_256,
  'HKDF-HMAC-SHA-512': Algorithm.direct_HKDF_SHA_512,
  'ECDH-ES': Algorithm.ECDH_ES_HKDF_256,
  'ECDH-ES-512': Algorithm.ECDH_ES_HKDF_512,
  'ECDH-SS': Algorithm.ECDH_SS_HKDF_256,
  'ECDH-SS-512': Algorithm.ECDH_SS_HKDF_512,
  'ECDH-ES+A128KW': Algorithm.ECDH_ES_A128KW,
  'ECDH-ES+A192KW': Algorithm.ECDH_ES_A192KW,
  'ECDH-ES+A256KW': Algorithm.ECDH_ES_A256KW,
  'ECDH-SS+A128KW': Algorithm.ECDH_SS_A128KW,
  'ECDH-SS+A192KW': Algorithm.ECDH_SS_A192KW,
  'ECDH-SS+A256KW': Algorithm.ECDH_SS_A256KW,
};

// Algorithms whose output is a function of the inputs alone.
const DETERMINISTIC = new Set<number>([
  Algorithm.EdDSA,
  Algorithm.RS256,
  Algorithm.RS384,
  Algorithm.RS512,
  ...[4, 5, 6, 7, 14, 15, 25, 26, 1, 2, 3, 10, 11, 12, 13, 30, 31, 32, 33],
  Algorithm.direct,
  Algorithm.direct_HKDF_SHA_256,
  Algorithm.direct_HKDF_SHA_512,
  Algorithm.A128KW,
  Algorithm.A192KW,
  Algorithm.A256KW,
]);

// biome-ignore lint/suspicious/noExplicitAny: the examples' JSON is loosely typed by nature
type Json = any;

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

function alg(name: unknown): number | string {
  if (typeof name === 'number') return name;
  const id = ALG_NAMES[name as string];
  return id ?? (name as string);
}

/** A COSE_Key from the examples' JWK-like keys (base64url members or `*_hex` ones). */
function key(k: Json): CoseKey {
  const jwk: Record<string, string> = { kty: k.kty === 'EC2' ? 'EC' : k.kty };
  const b64 = (h: string) => Buffer.from(h, 'hex').toString('base64url');
  const names: Record<string, string> = { dP: 'dp', dQ: 'dq', qi: 'qi' };
  for (const [name, value] of Object.entries(k)) {
    if (name === 'kty' || name === 'use') continue;
    if (name.endsWith('_hex')) {
      const base = name.slice(0, -4);
      jwk[names[base] ?? base] = b64(value as string);
    } else {
      jwk[name] = value as string;
    }
  }
  return jwkToCoseKey(jwk);
}

function bstrOrList(v: string | string[]): Uint8Array | Uint8Array[] {
  return Array.isArray(v) ? v.map(hex) : hex(v);
}

/** A header map from the examples' named parameters, in their order. */
function headers(h: Json | undefined): HeaderMap {
  const out: HeaderMap = new Map();
  for (const [name, v] of Object.entries((h ?? {}) as Record<string, Json>)) {
    switch (name) {
      case 'alg':
        out.set(1, alg(v));
        break;
      case 'kid':
        out.set(4, utf8(v));
        break;
      case 'kid_hex':
        out.set(4, hex(v));
        break;
      case 'ctyp':
        out.set(3, v);
        break;
      case 'IV_hex':
        out.set(5, hex(v));
        break;
      case 'partialIV_hex':
        out.set(6, hex(v));
        break;
      case 'salt':
        out.set(-20, utf8(v));
        break;
      case 'spk_kid':
        out.set(-3, utf8(v));
        break;
      case 'apu_nonce_hex':
        out.set(-22, hex(v));
        break;
      case 'x5bag':
        out.set(32, bstrOrList(v));
        break;
      case 'x5chain':
        out.set(33, bstrOrList(v));
        break;
      case 'x5t':
        out.set(34, [v[0] === 'SHA-256' ? -16 : v[0], hex(v[1])]);
        break;
      case 'epk':
        // The sender's ephemeral key: generated again when creating, read from the output when opening.
        break;
      default:
        out.set(name, v);
    }
  }
  return out;
}

/**
 * The examples' generator wrote header maps in an order the JSON inputs do not record; CBOR map
 * order carries no meaning, so to reproduce the bytes the input maps take the output's label order.
 */
function like(map: HeaderMap, reference: unknown): HeaderMap {
  const ref = reference instanceof Uint8Array ? (reference.length === 0 ? new Map() : decode(reference)) : reference;
  if (!(ref instanceof Map)) return map;
  const out: HeaderMap = new Map();
  for (const label of ref.keys()) if (map.has(label)) out.set(label, map.get(label));
  for (const [label, value] of map) if (!out.has(label)) out.set(label, value);
  return out;
}

/** The decoded output message, untagged, for `like`. */
function outputArray(output: Uint8Array): Json[] {
  const item = decode(output);
  return (item instanceof Tag ? item.value : item) as Json[];
}

function plaintext(input: Json): Uint8Array {
  return input.plaintext_hex !== undefined ? hex(input.plaintext_hex) : utf8(input.plaintext);
}

function external(layer: Json): Uint8Array | undefined {
  return layer.external === undefined ? undefined : hex(layer.external);
}

/** Names a header parameter this suite does not model, so the case cannot pass unnoticed. */
function refuseUnknown(layer: Json): void {
  if (layer.countersign !== undefined) throw new Unsupported('counter signature');
}

function randomStream(input: Json): (n: number) => Uint8Array {
  const stream = [...((input.rng_stream ?? []) as string[])].map(hex);
  return (n) => {
    const next = stream.shift();
    if (next === undefined || next.length !== n) throw new Error(`rng_stream has no ${n}-byte value next`);
    return next;
  };
}

const recipientAlgs = (recipients: Json[] | undefined): number[] =>
  (recipients ?? []).flatMap((r: Json) => [
    headers(r.protected).get(1) ?? headers(r.unprotected).get(1),
    ...recipientAlgs(r.recipients),
  ]) as number[];

function reproducible(layer: Json, j: Json): boolean {
  const algs: unknown[] = recipientAlgs(layer.recipients);
  if (layer.signers === undefined) algs.push(headers(layer.protected).get(1) ?? headers(layer.unprotected).get(1));
  for (const s of layer.signers ?? []) algs.push(headers(s.protected).get(1) ?? headers(s.unprotected).get(1));
  const failures = Object.keys(j.input.failures ?? {});
  // A removed tag is the one deliberate change that making the message untagged reproduces.
  return algs.every((a) => DETERMINISTIC.has(a as number)) && failures.every((f) => f === 'RemoveCBORTag') && j.fail !== true;
}

/** Whether the example's output carries the COSE tag. */
const tagged = (j: Json): boolean => j.input.failures?.RemoveCBORTag === undefined;

/** The recipient key options of the example's first recipient (the examples address one). */
function kdfInput(r: Json) {
  const u = r.unsent ?? {};
  const ctx: { partyU?: { identity: Uint8Array }; partyV?: { identity: Uint8Array }; suppPubOther?: Uint8Array } = {};
  if (u.apu_id !== undefined) ctx.partyU = { identity: utf8(u.apu_id) };
  if (u.apv_id !== undefined) ctx.partyV = { identity: utf8(u.apv_id) };
  if (u.pub_other !== undefined) ctx.suppPubOther = utf8(u.pub_other);
  return ctx;
}

function recipientInputs(list: Json[], written: Json[]): RecipientInput[] {
  return list.map((r: Json, i: number) => {
    if (r.recipients !== undefined) throw new Error('nested recipients are only opened, not created, by this suite');
    const out: RecipientInput = {
      key: key(r.key),
      protectedHeaders: like(headers(r.protected), written[i]?.[0]),
      unprotectedHeaders: like(headers(r.unprotected), written[i]?.[1]),
      kdfContext: kdfInput(r),
    };
    if (r.sender_key !== undefined) out.senderKey = coseKeyToKeyObject(key(r.sender_key));
    if (r.unsent?.compressed !== undefined) out.compressEphemeral = true;
    return out;
  });
}

/** The recipients whose keys can open the message: leaves of the recipient tree. */
function openers(list: Json[]): Json[] {
  return list.flatMap((r: Json) => (r.recipients !== undefined ? openers(r.recipients) : [r]));
}

function openOptions(r: Json) {
  const opts: { key: CoseKey; senderKey?: CoseKey; kdfContext: ReturnType<typeof kdfInput> } = { key: key(r.key), kdfContext: kdfInput(r) };
  if (r.sender_key !== undefined) {
    const sender = key(r.sender_key);
    sender.delete(-4);
    opts.senderKey = sender;
  }
  return opts;
}

function baseIV(layer: Json): Uint8Array | undefined {
  const partial = layer.unprotected?.partialIV_hex ?? layer.protected?.partialIV_hex;
  const iv = layer.unsent?.IV_hex;
  if (partial === undefined || iv === undefined) return undefined;
  const out = hex(iv);
  const p = hex(partial);
  for (let i = 0; i < p.length; i++) out[out.length - p.length + i]! ^= p[i] ?? 0;
  return out;
}

function runSign0(j: Json, output: Uint8Array): void {
  const s = j.input.sign0;
  refuseUnknown(s);
  const k = key(s.key);
  const externalAad = external(s);
  const verified = verifySign1(output, { key: coseKeyToKeyObject(k, { private: false }), ...(externalAad ? { externalAad } : {}) });
  if (j.fail === true) return;
  assert.deepEqual(verified.payload, plaintext(j.input));
  const m = decodeSign1(output);
  assert.equal(toHex(sigStructure1(m.protectedBytes, externalAad, m.payload!)), j.intermediates.ToBeSign_hex.toUpperCase(), 'ToBeSign');
  if (reproducible(s, j)) {
    const o = outputArray(output);
    const made = signSign1({
      tagged: tagged(j),
      payload: plaintext(j.input),
      key: k,
      protectedHeaders: like(headers(s.protected), o[0]),
      unprotectedHeaders: like(headers(s.unprotected), o[1]),
      ...(externalAad ? { externalAad } : {}),
    });
    assert.equal(toHex(made), j.output.cbor.toUpperCase(), 'output.cbor reproduced');
    reproduced = true;
  }
}

function runSign(j: Json, output: Uint8Array): void {
  const s = j.input.sign;
  refuseUnknown(s);
  // One example (sign-pass-02) records the message's external AAD with its signer.
  const externalAad = external(s) ?? external(s.signers[0]);
  const keys = s.signers.map((x: Json) => {
    refuseUnknown(x);
    return coseKeyToKeyObject(key(x.key), { private: false });
  });
  verifySign(output, {
    key: (signer) => keys[signer.index],
    require: 'all',
    ...(externalAad ? { externalAad } : {}),
    ...(s.protected?.crit ? { critical: s.protected.crit } : {}),
  });
  if (j.fail === true) return;
  const m = decodeSign(output, s.protected?.crit ? { critical: s.protected.crit } : {});
  m.signers.forEach((signer, i) => {
    const tbs = sigStructure(Context.Signature, m.protectedBytes, signer.protectedBytes, externalAad, m.payload!);
    assert.equal(toHex(tbs), j.intermediates.signers[i].ToBeSign_hex.toUpperCase(), `ToBeSign of signer ${i}`);
  });
  if (reproducible(s, j)) {
    const o = outputArray(output);
    const made = signSign({
      tagged: tagged(j),
      payload: plaintext(j.input),
      protectedHeaders: like(headers(s.protected), o[0]),
      unprotectedHeaders: like(headers(s.unprotected), o[1]),
      signers: s.signers.map((x: Json, i: number) => ({
        key: key(x.key),
        protectedHeaders: like(headers(x.protected), o[3][i][0]),
        unprotectedHeaders: like(headers(x.unprotected), o[3][i][1]),
      })),
      ...(externalAad ? { externalAad } : {}),
    });
    assert.equal(toHex(made), j.output.cbor.toUpperCase(), 'output.cbor reproduced');
    reproduced = true;
  }
}

function runMac0(j: Json, output: Uint8Array): void {
  const s = j.input.mac0;
  refuseUnknown(s);
  const k = key(s.recipients[0].key);
  const externalAad = external(s);
  const verified = verifyMac0(output, { key: k, ...(externalAad ? { externalAad } : {}) });
  if (j.fail === true) return;
  assert.deepEqual(verified.payload, plaintext(j.input));
  if (reproducible(s, j)) {
    const o = outputArray(output);
    const made = createMac0({
      tagged: tagged(j),
      payload: plaintext(j.input),
      key: k,
      protectedHeaders: like(headers(s.protected), o[0]),
      unprotectedHeaders: like(headers(s.unprotected), o[1]),
      ...(externalAad ? { externalAad } : {}),
    });
    assert.equal(toHex(made), j.output.cbor.toUpperCase(), 'output.cbor reproduced');
    reproduced = true;
  }
}

function runMac(j: Json, output: Uint8Array): void {
  const s = j.input.mac;
  refuseUnknown(s);
  const externalAad = external(s);
  for (const r of openers(s.recipients)) {
    const verified = verifyMac(output, { ...openOptions(r), ...(externalAad ? { externalAad } : {}) });
    if (j.fail !== true) assert.deepEqual(verified.payload, plaintext(j.input));
  }
  if (j.fail === true || !reproducible(s, j)) return;
  const o = outputArray(output);
  const made = createMac({
    tagged: tagged(j),
    payload: plaintext(j.input),
    protectedHeaders: like(headers(s.protected), o[0]),
    unprotectedHeaders: like(headers(s.unprotected), o[1]),
    recipients: recipientInputs(s.recipients, o[4]),
    random: randomStream(j.input),
    ...(externalAad ? { externalAad } : {}),
  });
  assert.equal(toHex(made), j.output.cbor.toUpperCase(), 'output.cbor reproduced');
  reproduced = true;
}

function runEncrypted(j: Json, output: Uint8Array): void {
  const s = j.input.encrypted;
  refuseUnknown(s);
  const k = key(s.recipients[0].key);
  const externalAad = external(s);
  const iv = baseIV(s);
  const opened = decryptEncrypt0(output, { key: k, ...(externalAad ? { externalAad } : {}), ...(iv ? { baseIV: iv } : {}) });
  if (j.fail === true) return;
  assert.deepEqual(opened.plaintext, plaintext(j.input));
  if (reproducible(s, j)) {
    const o = outputArray(output);
    const made = encryptEncrypt0({
      tagged: tagged(j),
      plaintext: plaintext(j.input),
      key: k,
      protectedHeaders: like(headers(s.protected), o[0]),
      unprotectedHeaders: like(headers(s.unprotected), o[1]),
      random: randomStream(j.input),
      ...(externalAad ? { externalAad } : {}),
      ...(iv ? { baseIV: iv } : {}),
    });
    assert.equal(toHex(made), j.output.cbor.toUpperCase(), 'output.cbor reproduced');
    reproduced = true;
  }
}

function runEnveloped(j: Json, output: Uint8Array): void {
  const s = j.input.enveloped;
  refuseUnknown(s);
  const externalAad = external(s);
  const iv = baseIV(s);
  for (const r of openers(s.recipients)) {
    const opened = decryptEncrypt(output, { ...openOptions(r), ...(externalAad ? { externalAad } : {}), ...(iv ? { baseIV: iv } : {}) });
    if (j.fail !== true) assert.deepEqual(opened.plaintext, plaintext(j.input));
  }
  if (j.fail === true || !reproducible(s, j)) return;
  const o = outputArray(output);
  const made = encryptEncrypt({
    tagged: tagged(j),
    plaintext: plaintext(j.input),
    protectedHeaders: like(headers(s.protected), o[0]),
    unprotectedHeaders: like(headers(s.unprotected), o[1]),
    recipients: recipientInputs(s.recipients, o[3]),
    random: randomStream(j.input),
    ...(externalAad ? { externalAad } : {}),
    ...(iv ? { baseIV: iv } : {}),
  });
  assert.equal(toHex(made), j.output.cbor.toUpperCase(), 'output.cbor reproduced');
  reproduced = true;
}

/** Runs one example; a `fail` example passes when the library rejects it with a CoseError. */
function runCase(j: Json): string | undefined {
  const output = hex(j.output.cbor);
  const run = () => {
    if (j.input.sign0 !== undefined) return runSign0(j, output);
    if (j.input.sign !== undefined) return runSign(j, output);
    if (j.input.mac0 !== undefined) return runMac0(j, output);
    if (j.input.mac !== undefined) return runMac(j, output);
    if (j.input.encrypted !== undefined) return runEncrypted(j, output);
    if (j.input.enveloped !== undefined) return runEnveloped(j, output);
    throw new Unsupported(`no known message in input (${Object.keys(j.input).join(', ')})`);
  };
  if (j.fail !== true) {
    run();
    return undefined;
  }
  try {
    run();
  } catch (e) {
    if (e instanceof IotopiaError && e.code.startsWith('ERR_COSE_')) return e.code;
    throw e;
  }
  throw new Error('a failure example was accepted');
}

const root = vectorPath('cose');

if (root === undefined) {
  test('COSE WG examples', (t) => t.skip(vectorsMissing('cose')));
} else {
  const folders = readdirSync(root).filter((f) => statSync(join(root, f)).isDirectory());
  for (const folder of folders.sort()) {
    test(`COSE WG examples: ${folder}`, (t) => {
      const files = readdirSync(join(root, folder))
        .filter((f) => f.endsWith('.json'))
        .sort();
      let passed = 0;
      let rebuilt = 0;
      const unsupported: string[] = [];
      const failures: string[] = [];
      for (const file of files) {
        const name = `${folder}/${file.slice(0, -5)}`;
        const j = JSON.parse(readFileSync(join(root, folder, file), 'utf8'));
        const reason = UNSUPPORTED[name];
        let error: unknown;
        let rejected: string | undefined;
        reproduced = false;
        try {
          rejected = runCase(j);
        } catch (e) {
          error = e;
        }
        if (reason !== undefined) {
          if (error === undefined) failures.push(`${name}: listed as unsupported (${reason}) but now passes; update UNSUPPORTED`);
          else unsupported.push(`${name}: ${reason}`);
        } else if (error !== undefined) {
          failures.push(`${name}: ${(error as Error).message}`);
        } else {
          passed++;
          if (reproduced) rebuilt++;
          if (rejected !== undefined) t.diagnostic(`${name}: rejected as expected with ${rejected}`);
        }
      }
      t.diagnostic(`passed ${passed} (${rebuilt} rebuilt byte for byte) / unsupported ${unsupported.length} / total ${files.length}`);
      for (const u of unsupported) t.diagnostic(`unsupported ${u}`);
      assert.deepEqual(failures, [], failures.join('\n'));
    });
  }
}
