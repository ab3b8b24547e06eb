/**
 * The certificate extensions of RFC 8520 §11: id-pe-mud-url (MUDURLSyntax ::= IA5String) in a
 * device's certificate (e.g. its IDevID), and id-pe-mudsigner (MUDsignerSyntax ::= Name), the
 * subject that must have signed the device's MUD file. The certificate outline is read with the
 * strict DER reader (x509-extensions.ts); pkijs reads what that reader refuses, so a certificate that
 * OpenSSL accepts but that is not strict DER still gives the same answer as before.
 */
import type { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type CertificateInput, parseCertificate } from '../../crypto/x509-parse.ts';
import { IotopiaError } from '../../errors.ts';
import { ID_PE_MUD_URL, ID_PE_MUDSIGNER, MAX_CERT_MUD_URL_OCTETS } from './constants.ts';
import { MudUrlError } from './errors.ts';
import { checkMudUrl } from './mud-string.ts';
import { readCertificateExtensions } from './x509-extensions.ts';

/** The extension value (extnValue contents) of id-pe-mud-url: the DER IA5String of the URL. */
export function encodeMudUrlExtension(url: string): Uint8Array {
  checkMudUrl(url, 'x509');
  if (url.length > MAX_CERT_MUD_URL_OCTETS)
    throw new MudUrlError('ERR_MUD_URL_TOO_LONG', 'x509', `the MUD URL has ${url.length} octets, more than ${MAX_CERT_MUD_URL_OCTETS}`);
  return new Uint8Array(new asn1js.IA5String({ value: url }).toBER());
}

/** Decodes an id-pe-mud-url extension value (a DER IA5String) and checks the URL. */
export function decodeMudUrlExtension(der: Uint8Array): string {
  if (!(der instanceof Uint8Array)) throw new TypeError('der must be a Uint8Array');
  if (der.length > MAX_CERT_MUD_URL_OCTETS + 8)
    throw new MudUrlError(
      'ERR_MUD_URL_TOO_LONG',
      'x509',
      `the extension value has ${der.length} octets, more than ${MAX_CERT_MUD_URL_OCTETS + 8}`,
    );
  const item = parseOne(der, 'id-pe-mud-url');
  if (!(item instanceof asn1js.IA5String) || item.idBlock.isConstructed)
    throw new MudUrlError('ERR_MUD_URL_CERT', 'x509', 'the id-pe-mud-url value is not an IA5String');
  const bytes = item.valueBlock.valueHexView;
  for (const b of bytes)
    if (b > 0x7f) throw new MudUrlError('ERR_MUD_URL_CERT', 'x509', 'the id-pe-mud-url IA5String holds a non-ASCII octet');
  return checkMudUrl(Buffer.from(bytes).toString('latin1'), 'x509');
}

/** The MUD signer Name as DER and as text (RFC 4514 style, most significant RDN first). */
export interface MudSignerName {
  der: Uint8Array;
  text: string;
}

/** Encodes an id-pe-mudsigner extension value: the DER Name, taken from a signer's certificate subject. */
export function encodeMudSignerExtension(signerCertificate: CertificateInput): Uint8Array {
  const cert = readCertificate(signerCertificate);
  return new Uint8Array(cert.subject.toSchema().toBER());
}

/** Decodes an id-pe-mudsigner extension value (a DER Name). */
export function decodeMudSignerExtension(der: Uint8Array): MudSignerName {
  if (!(der instanceof Uint8Array)) throw new TypeError('der must be a Uint8Array');
  if (der.length > MAX_CERT_MUD_URL_OCTETS)
    throw new MudUrlError(
      'ERR_MUD_URL_TOO_LONG',
      'x509',
      `the id-pe-mudsigner value has ${der.length} octets, more than ${MAX_CERT_MUD_URL_OCTETS}`,
    );
  const item = parseOne(der, 'id-pe-mudsigner');
  let name: pkijs.RelativeDistinguishedNames;
  try {
    name = new pkijs.RelativeDistinguishedNames({ schema: item });
  } catch (cause) {
    throw new MudUrlError('ERR_MUD_URL_CERT', 'x509', 'the id-pe-mudsigner value is not a Name', { cause });
  }
  return { der: der.slice(), text: nameText(name) };
}

/** What a certificate says about MUD: its MUD URL and its MUD signer, each undefined when absent. */
export interface CertificateMudExtensions {
  mudUrl: string | undefined;
  mudSigner: MudSignerName | undefined;
}

/** Reads id-pe-mud-url and id-pe-mudsigner from a certificate (PEM, DER or X509Certificate). */
export function readCertificateMudExtensions(input: CertificateInput): CertificateMudExtensions {
  const out: CertificateMudExtensions = { mudUrl: undefined, mudSigner: undefined };
  for (const { id, value } of extensionsOf(parseX509(input))) {
    if (id === ID_PE_MUD_URL) {
      if (out.mudUrl !== undefined) throw new MudUrlError('ERR_MUD_URL_CERT', 'x509', 'id-pe-mud-url appears twice');
      out.mudUrl = decodeMudUrlExtension(value);
    } else if (id === ID_PE_MUDSIGNER) {
      if (out.mudSigner !== undefined) throw new MudUrlError('ERR_MUD_URL_CERT', 'x509', 'id-pe-mudsigner appears twice');
      out.mudSigner = decodeMudSignerExtension(value);
    }
  }
  return out;
}

/** The MUD URL of a certificate; ERR_MUD_URL_CERT when it has no id-pe-mud-url extension. */
export function mudUrlFromCertificate(input: CertificateInput): string {
  const { mudUrl } = readCertificateMudExtensions(input);
  if (mudUrl === undefined) throw new MudUrlError('ERR_MUD_URL_CERT', 'x509', 'the certificate has no id-pe-mud-url extension');
  return mudUrl;
}

const NAME_LABELS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
};

/** A Name as text, RDNs in encoded order joined by ", " (as node's X509Certificate lists them). */
export function nameText(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const value = tv.value as asn1js.AsnType & { valueBlock: { value?: unknown } };
      const text = typeof value.valueBlock.value === 'string' ? value.valueBlock.value : '#';
      return `${NAME_LABELS[tv.type] ?? tv.type}=${text}`;
    })
    .join(', ');
}

function parseX509(input: CertificateInput): X509Certificate {
  try {
    return parseCertificate(input);
  } catch (cause) {
    if (cause instanceof IotopiaError) throw new MudUrlError('ERR_MUD_URL_CERT', 'x509', `not a certificate: ${cause.message}`, { cause });
    throw cause;
  }
}

/** The extensions (id and extnValue contents), read strictly, or by pkijs when the strict reader refuses the DER. */
function extensionsOf(x509: X509Certificate): { id: string; value: Uint8Array }[] {
  const der = new Uint8Array(x509.raw);
  try {
    return readCertificateExtensions(der);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
  }
  return (pkijsCertificate(x509).extensions ?? []).map((ext) => ({
    id: ext.extnID,
    value: new Uint8Array(ext.extnValue.valueBlock.valueHexView),
  }));
}

function readCertificate(input: CertificateInput): pkijs.Certificate {
  return pkijsCertificate(parseX509(input));
}

function pkijsCertificate(x509: X509Certificate): pkijs.Certificate {
  try {
    return new pkijs.Certificate({ schema: asn1js.fromBER(new Uint8Array(x509.raw)).result });
  } catch (cause) {
    throw new MudUrlError('ERR_MUD_URL_CERT', 'x509', 'the certificate structure could not be parsed', { cause });
  }
}

function parseOne(der: Uint8Array, what: string): asn1js.AsnType {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(der);
  } catch (cause) {
    throw new MudUrlError('ERR_MUD_URL_CERT', 'x509', `the ${what} value is not DER`, { cause });
  }
  if (parsed.offset === -1 || parsed.result.error) throw new MudUrlError('ERR_MUD_URL_CERT', 'x509', `the ${what} value is not DER`);
  if (parsed.offset !== der.length)
    throw new MudUrlError('ERR_MUD_URL_CERT', 'x509', `${der.length - parsed.offset} octets follow the ${what} value`);
  return parsed.result;
}
