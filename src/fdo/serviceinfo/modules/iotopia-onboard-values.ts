/**
 * The values of iotopia.onboard (see docs/fdo-serviceinfo.md): DeviceInfo from the device, Provision
 * from the owner, both CBOR maps with text keys. Each reader checks every field and reports the first
 * fault as an OnboardValueError naming the field; each writer produces the map the reader accepts.
 */
import { Buffer } from 'node:buffer';
import { decodeCoseKey, encodeCoseKey, validateCoseKey } from '../../../codec/cose/key.ts';
import { EC2Param, KeyType, RSAParam } from '../../../codec/cose/key-parameters.ts';
import type { DeviceApiCredential, ManagementProvision } from '../ports.ts';

export class OnboardValueError extends Error {
  readonly field: string;
  constructor(field: string, reason: string) {
    super(`${field} ${reason}`);
    this.field = field;
  }
}

export interface DeviceInfo {
  mudUrl?: string;
  sbomUrl?: string;
}

const MAX_URL_BYTES = 2048;
const MAX_TRUST_ANCHORS = 16;
const MAX_CHAIN = 8;
const MAX_CERT_BYTES = 16_384;
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An absolute https URL (http only to a loopback host where `loopbackHttp`), without credentials or fragment. */
export function checkUrl(v: unknown, field: string, loopbackHttp = false): string {
  if (typeof v !== 'string') throw new OnboardValueError(field, 'must be a text string');
  if (Buffer.byteLength(v, 'utf8') > MAX_URL_BYTES) throw new OnboardValueError(field, `is longer than ${MAX_URL_BYTES} bytes`);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new OnboardValueError(field, 'is not an absolute URL');
  }
  const httpOk = loopbackHttp && url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !httpOk) throw new OnboardValueError(field, 'must use https');
  if (url.username !== '' || url.password !== '') throw new OnboardValueError(field, 'must not carry user information');
  if (url.hash !== '') throw new OnboardValueError(field, 'must not have a fragment');
  return v;
}

function textMap(v: unknown, field: string, allowed: readonly string[]): Map<string, unknown> {
  if (!(v instanceof Map)) throw new OnboardValueError(field, 'must be a map');
  for (const k of v.keys()) {
    if (typeof k !== 'string' || !allowed.includes(k)) throw new OnboardValueError(field, `has an unknown key ${String(k)}`);
  }
  return v as Map<string, unknown>;
}

export function readDeviceInfo(v: unknown): DeviceInfo {
  const m = textMap(v, 'device-info', ['mud-url', 'sbom-url']);
  const info: DeviceInfo = {};
  if (m.has('mud-url')) info.mudUrl = checkUrl(m.get('mud-url'), 'device-info.mud-url');
  if (m.has('sbom-url')) info.sbomUrl = checkUrl(m.get('sbom-url'), 'device-info.sbom-url');
  return info;
}

export function writeDeviceInfo(info: DeviceInfo): Map<string, unknown> {
  const m = new Map<string, unknown>();
  if (info.mudUrl !== undefined) m.set('mud-url', info.mudUrl);
  if (info.sbomUrl !== undefined) m.set('sbom-url', info.sbomUrl);
  return m;
}

function readCredential(v: unknown): DeviceApiCredential {
  const f = 'provision.credential';
  const m = textMap(v, f, ['type', 'token', 'cert-chain', 'key-ref', 'expires']);
  const expiresRaw = m.get('expires');
  if (expiresRaw !== undefined && (typeof expiresRaw !== 'number' || !Number.isSafeInteger(expiresRaw) || expiresRaw < 0)) {
    throw new OnboardValueError(`${f}.expires`, 'must be an unsigned integer (seconds since the epoch)');
  }
  const expires = expiresRaw === undefined ? {} : { expires: expiresRaw as number };
  const type = m.get('type');
  if (type === 'bearer') {
    if (m.has('cert-chain') || m.has('key-ref')) throw new OnboardValueError(f, 'of type bearer must not carry cert-chain or key-ref');
    const token = m.get('token');
    if (typeof token !== 'string' || token.length < 16 || token.length > 4096 || !B64TOKEN.test(token)) {
      throw new OnboardValueError(`${f}.token`, 'must be a bearer token of 16 to 4096 token characters (RFC 6750)');
    }
    return { type, token, ...expires };
  }
  if (type === 'client-cert') {
    if (m.has('token')) throw new OnboardValueError(f, 'of type client-cert must not carry a token');
    const chain = m.get('cert-chain');
    if (!Array.isArray(chain) || chain.length === 0 || chain.length > MAX_CHAIN) {
      throw new OnboardValueError(`${f}.cert-chain`, `must be an array of 1 to ${MAX_CHAIN} certificates`);
    }
    for (const [i, c] of chain.entries()) {
      if (!(c instanceof Uint8Array) || c.length === 0 || c.length > MAX_CERT_BYTES || c[0] !== 0x30) {
        throw new OnboardValueError(`${f}.cert-chain[${i}]`, `must be a DER certificate of at most ${MAX_CERT_BYTES} bytes`);
      }
    }
    const keyRef = m.get('key-ref');
    if (typeof keyRef !== 'string' || keyRef.length === 0 || Buffer.byteLength(keyRef, 'utf8') > 256) {
      throw new OnboardValueError(`${f}.key-ref`, 'must be a text string of 1 to 256 bytes');
    }
    return { type, certChain: (chain as Uint8Array[]).map((c) => c.slice()), keyRef, ...expires };
  }
  throw new OnboardValueError(`${f}.type`, 'must be "bearer" or "client-cert"');
}

/** A public COSE_Key: valid by RFC 9052/9053, and without private or symmetric key material. */
function readTrustAnchor(v: unknown, field: string): Uint8Array {
  try {
    validateCoseKey(v);
  } catch (e) {
    throw new OnboardValueError(field, `is not a valid COSE_Key: ${(e as Error).message}`);
  }
  const kty = v.get(1);
  if (kty === KeyType.Symmetric) throw new OnboardValueError(field, 'must be a public key, not a symmetric key');
  if (v.has(kty === KeyType.RSA ? RSAParam.d : EC2Param.d)) throw new OnboardValueError(field, 'must not contain private key material');
  return encodeCoseKey(v).slice();
}

export function readProvision(v: unknown): ManagementProvision {
  const m = textMap(v, 'provision', ['endpoint', 'credential', 'trust-anchors']);
  const endpoint = checkUrl(m.get('endpoint'), 'provision.endpoint', true);
  const credential = readCredential(m.get('credential'));
  const anchors = m.get('trust-anchors');
  if (!Array.isArray(anchors) || anchors.length === 0 || anchors.length > MAX_TRUST_ANCHORS) {
    throw new OnboardValueError('provision.trust-anchors', `must be an array of 1 to ${MAX_TRUST_ANCHORS} COSE_Keys`);
  }
  const trustAnchors = anchors.map((a, i) => readTrustAnchor(a, `provision.trust-anchors[${i}]`));
  return { endpoint, credential, trustAnchors };
}

export function writeProvision(p: ManagementProvision): Map<string, unknown> {
  const c = p.credential;
  const credential = new Map<string, unknown>([['type', c.type]]);
  if (c.type === 'bearer') credential.set('token', c.token);
  else credential.set('cert-chain', c.certChain).set('key-ref', c.keyRef);
  if (c.expires !== undefined) credential.set('expires', c.expires);
  return new Map<string, unknown>([
    ['endpoint', p.endpoint],
    ['credential', credential],
    ['trust-anchors', p.trustAnchors.map((k) => decodeCoseKey(k))],
  ]);
}
