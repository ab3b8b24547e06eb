/**
 * Writes an Ownership Voucher as CBOR or PEM. Every MACed, hashed or signed item is written from
 * the bytes it was parsed or created with, so a voucher passes through IoTopia byte for byte.
 */
import { concat } from '../../codec/bytes.ts';
import { encode } from '../../codec/cbor.ts';
import { type OwnershipVoucher, VOUCHER_PEM_LABEL } from './voucher.ts';

/** The voucher's CBOR encoding. */
export function encodeVoucher(voucher: OwnershipVoucher): Uint8Array {
  const entries = concat([arrayHead(voucher.entries.length), ...voucher.entries.map((e) => e.raw)]);
  return concat([
    arrayHead(5),
    encode(voucher.protVer),
    encode(voucher.raw.header),
    voucher.raw.headerHmac,
    voucher.raw.devCertChain,
    entries,
  ]);
}

/** The voucher as PEM text: base64 of the CBOR in an `OWNERSHIP VOUCHER` block, 64 columns. */
export function encodeVoucherPem(voucher: OwnershipVoucher): string {
  const lines =
    Buffer.from(encodeVoucher(voucher))
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${VOUCHER_PEM_LABEL}-----\n${lines.join('\n')}\n-----END ${VOUCHER_PEM_LABEL}-----\n`;
}

function arrayHead(n: number): Uint8Array {
  if (n < 24) return Uint8Array.of(0x80 | n);
  if (n < 0x100) return Uint8Array.of(0x98, n);
  return Uint8Array.of(0x99, n >> 8, n & 0xff);
}
