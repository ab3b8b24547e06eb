/**
 * PEM text (RFC 7468) to DER and back; internal to src/crypto. The parser is strict about what RFC
 * 7468 §3 calls the standard form (labels, base64 alphabet, matching END lines) but, as §2 allows,
 * ignores text between blocks, so certificate bundles with comments parse.
 */
import { CryptoError, KeyFormatError } from '../errors.ts';

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const LABEL = /^[A-Z0-9 ]*$/;
// Padding only at the end; written so that no two quantifiers compete for the same characters.
const BASE64_BODY = /^[A-Za-z0-9+/\s]*(?:=\s*){0,2}$/;

/**
 * True when the input is PEM text: it starts with a BEGIN line, or it holds one and does not start
 * like DER (0x30) or CBOR, since RFC 7468 §5.2 lets explanatory text precede the blocks.
 */
export function looksLikePem(input: Uint8Array | string): boolean {
  const text = pemText(input);
  if (text.trimStart().startsWith('-----BEGIN ')) return true;
  const first = text.charCodeAt(0);
  return first >= 0x09 && first < 0x7f && first !== 0x30 && text.includes('-----BEGIN ');
}

export function pemText(input: Uint8Array | string): string {
  return typeof input === 'string' ? input : new TextDecoder('latin1').decode(input);
}

/**
 * Every PEM block of `text`, at most `maxBlocks` of them. The scan is linear: a regular expression
 * over text full of unterminated BEGIN lines would backtrack quadratically.
 */
export function parsePemBlocks(text: string, maxBlocks: number): PemBlock[] {
  const blocks: PemBlock[] = [];
  let at = 0;
  for (;;) {
    const begin = text.indexOf('-----BEGIN ', at);
    if (begin === -1) break;
    const labelEnd = text.indexOf('-----', begin + 11);
    if (labelEnd === -1) break;
    const label = text.slice(begin + 11, labelEnd);
    const end = text.indexOf('-----END ', labelEnd + 5);
    if (end === -1 || !LABEL.test(label)) throw new KeyFormatError('pem', 'BEGIN line without a matching END line');
    const endLabelEnd = text.indexOf('-----', end + 9);
    const endLabel = endLabelEnd === -1 ? '' : text.slice(end + 9, endLabelEnd);
    if (label !== endLabel) throw new KeyFormatError('pem', `BEGIN ${label} ends with END ${endLabel}`);
    const body = text.slice(labelEnd + 5, end);
    at = endLabelEnd + 5;
    if (/^[ \t]*[A-Za-z-]+:/m.test(body)) {
      // RFC 1421 headers: only legacy OpenSSL encrypted keys use them.
      if (/Proc-Type:\s*4,\s*ENCRYPTED/i.test(body))
        throw new CryptoError('ERR_KEY_UNSUPPORTED', `encrypted PEM ${label} is not supported`);
      throw new KeyFormatError('pem', `${label} block has RFC 1421 headers`);
    }
    if (!BASE64_BODY.test(body)) throw new KeyFormatError('pem', `${label} block is not base64`);
    const compact = body.replace(/\s+/g, '');
    if (compact.length % 4 !== 0) throw new KeyFormatError('pem', `${label} block has truncated base64`);
    if (blocks.length === maxBlocks) {
      throw new CryptoError('ERR_CRYPTO_INPUT_TOO_LARGE', `more than ${maxBlocks} PEM block${maxBlocks === 1 ? '' : 's'}`);
    }
    blocks.push({ label, der: new Uint8Array(Buffer.from(compact, 'base64')) });
  }
  if (blocks.length === 0) throw new KeyFormatError('pem', 'no complete BEGIN/END block');
  return blocks;
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
