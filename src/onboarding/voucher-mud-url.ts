/**
 * The MUD URL a device's certificate carries (RFC 8520 §11, the id-pe-mud-url X.509 extension), read from the leaf of the voucher's device certificate chain (FDO 1.1 §3.4.2,
 * OVDevCertChain). A device that declares no MUD URL in TO2 may still have one in its certificate.
 */
import { parseVoucher } from '../fdo/voucher/voucher-parse.ts';
import { readCertificateMudExtensions } from '../mud/url/x509.ts';

/** The leaf certificate's MUD URL, or undefined when the voucher has no chain, the leaf none, or it cannot be read. */
export function voucherCertificateMudUrl(voucher: Uint8Array): string | undefined {
  try {
    const leaf = parseVoucher(voucher).devCertChain?.[0];
    return leaf === undefined ? undefined : readCertificateMudExtensions(leaf).mudUrl;
  } catch {
    return undefined;
  }
}
