/**
 * Compares a signing certificate's subject with an expected MUD signer (RFC 8520 §11
 * id-pe-mudsigner: MUDsignerSyntax ::= Name). DER names compare byte for byte, or failing that
 * attribute by attribute with case and inner whitespace folded (the gist of RFC 5280 §7.1);
 * text names ("CN=…, O=…") compare in either RDN order.
 */
import type { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { sameBytes } from '../../crypto/cert-info.ts';
import { nameText } from '../url/x509.ts';

/** A Name as DER, or as text such as "O=Example, CN=mud.example.com". */
export type NameInput = Uint8Array | string;

const fold = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

function parts(text: string): string[] {
  return text
    .split(/\s*[,\n/]\s*/)
    .map(fold)
    .filter((p) => p.length > 0);
}

/** True when `expected` names the subject (`subject` parsed, `subjectDer` its encoding). */
export function nameMatches(subject: pkijs.RelativeDistinguishedNames, subjectDer: Uint8Array, expected: NameInput): boolean {
  if (expected instanceof Uint8Array) {
    if (sameBytes(subjectDer, expected)) return true;
    let other: pkijs.RelativeDistinguishedNames;
    try {
      other = new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(expected).result });
    } catch {
      return false;
    }
    return sameParts(parts(nameText(subject)), parts(nameText(other)), false);
  }
  if (typeof expected !== 'string') throw new TypeError('the expected signer must be a DER Name or a string');
  return sameParts(parts(nameText(subject)), parts(expected), true);
}

function sameParts(a: string[], b: string[], eitherOrder: boolean): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  if (a.every((p, i) => p === b[i])) return true;
  return eitherOrder && a.every((p, i) => p === b[b.length - 1 - i]);
}

/** The certificate subject as one line ("O=…, CN=…"). */
export function subjectText(cert: X509Certificate): string {
  return cert.subject.split('\n').join(', ');
}
