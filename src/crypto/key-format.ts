/**
 * Recognises how a key or certificate is encoded, so that importers choose the right decoder and
 * errors name the format. Nothing is decoded beyond what recognising the container takes.
 */
import { CryptoError, KeyFormatError } from './errors.ts';
import { classifyDer, type DerKind } from './lib/der.ts';
import { looksLikePem, parsePemBlocks, pemText } from './lib/pem.ts';

export type KeyFormat = DerKind | 'cose-key';

export interface DetectedKeyFormat {
  /** How the bytes are wrapped: PEM text, bare DER, or CBOR. */
  encoding: 'pem' | 'der' | 'cbor';
  format: KeyFormat;
  /** The key or certificate itself: DER for PEM and DER input, the CBOR bytes for a COSE_Key. */
  bytes: Uint8Array;
}

/** Largest key or certificate input accepted, PEM or binary. */
export const MAX_KEY_INPUT_BYTES = 64 * 1024;

// RFC 7468 labels and the DER container each must hold. EC PARAMETERS blocks, which `openssl
// ecparam -genkey` writes before the key, are skipped.
const PEM_LABELS: Record<string, DerKind> = {
  'PUBLIC KEY': 'spki',
  'PRIVATE KEY': 'pkcs8',
  'EC PRIVATE KEY': 'sec1',
  'RSA PUBLIC KEY': 'pkcs1-public',
  'RSA PRIVATE KEY': 'pkcs1-private',
  CERTIFICATE: 'x509',
};

const PRIVATE_CONTAINERS: ReadonlySet<DerKind> = new Set(['pkcs8', 'sec1', 'pkcs1-private']);

/**
 * The encoding and format of one key or certificate: PEM (a string, or bytes holding PEM text),
 * DER, or a CBOR COSE_Key. Unrecognised input fails with ERR_KEY_FORMAT naming what was seen.
 */
export function detectKeyFormat(input: Uint8Array | string): DetectedKeyFormat {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) throw new TypeError('key input must be a Uint8Array or PEM string');
  if (input.length > MAX_KEY_INPUT_BYTES) {
    throw new CryptoError('ERR_CRYPTO_INPUT_TOO_LARGE', `key input of ${input.length} bytes exceeds ${MAX_KEY_INPUT_BYTES}`);
  }
  if (typeof input === 'string' || looksLikePem(input)) return detectPem(pemText(input));
  if (input.length === 0) throw new KeyFormatError('unknown', 'input is empty');
  const first = input[0]!;
  // A COSE_Key is a CBOR map (major type 5); DER keys and certificates are SEQUENCEs (0x30).
  if (first >= 0xa0 && first <= 0xbf) return { encoding: 'cbor', format: 'cose-key', bytes: input };
  if (first === 0x30) return { encoding: 'der', format: classifyDer(input), bytes: input };
  throw new KeyFormatError('unknown', `not PEM, DER or a COSE_Key (first byte 0x${first.toString(16).padStart(2, '0')})`);
}

function detectPem(text: string): DetectedKeyFormat {
  const blocks = parsePemBlocks(text, 3).filter((b) => b.label !== 'EC PARAMETERS');
  if (blocks.length !== 1) throw new KeyFormatError('pem', `expected one key or certificate block, found ${blocks.length}`);
  const { label, der } = blocks[0]!;
  if (label === 'ENCRYPTED PRIVATE KEY') throw new CryptoError('ERR_KEY_UNSUPPORTED', 'encrypted PKCS #8 keys are not supported');
  const expected = PEM_LABELS[label];
  if (expected === undefined) throw new KeyFormatError('pem', `unsupported PEM label "${label}"`);
  let actual: DerKind;
  try {
    actual = classifyDer(der);
  } catch (cause) {
    throw new KeyFormatError(expected, `PEM ${label} does not hold valid DER`, { cause });
  }
  // The three private-key containers are told apart by their shape, and OpenSSL reads one under
  // another's label, so such files exist (libcsuit ships PKCS #8 labelled EC PRIVATE KEY). The content
  // decides there; any other mismatch is an error.
  const bothPrivate = PRIVATE_CONTAINERS.has(expected) && PRIVATE_CONTAINERS.has(actual);
  if (actual !== expected && !bothPrivate) throw new KeyFormatError(expected, `PEM label ${label} does not match its content (${actual})`);
  return { encoding: 'pem', format: actual, bytes: der };
}
