/** What the `iotopia voucher` commands share: reading vouchers and keys, and reporting failures. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { CryptoError } from '../../crypto/errors.ts';
import { importPrivateKey, importPublicKey } from '../../crypto/key-import.ts';
import { FdoError } from '../../fdo/errors.ts';
import type { OwnershipVoucher } from '../../fdo/voucher/voucher.ts';
import { VoucherError } from '../../fdo/voucher/voucher.ts';
import { parseVoucher } from '../../fdo/voucher/voucher-parse.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';

/** Reads and parses a voucher file (PEM or CBOR); a bad voucher is a failed check. */
export async function readVoucher(cli: CliContext, file: string): Promise<OwnershipVoucher> {
  const bytes = await readInput(cli, file);
  try {
    return parseVoucher(bytes);
  } catch (e) {
    throw checkFailed(file, e);
  }
}

/** A failed check (exit 1) naming the code, and the entry where there is one. */
export function checkFailed(what: string, e: unknown): CliExit {
  if (e instanceof FdoError) {
    const entry = e instanceof VoucherError && e.entryIndex !== undefined ? ` (entry ${e.entryIndex})` : '';
    return new CliExit(EXIT_CHECK_FAILED, `${what}: ${e.message}${entry} [${e.code}]`);
  }
  throw e;
}

/** A public key from a file: SPKI, certificate, COSE_Key, or the public half of a private key. */
export async function readPublicKey(cli: CliContext, file: string, option: string): Promise<KeyObject> {
  const bytes = await readInput(cli, file);
  try {
    return importPublicKey(bytes);
  } catch (e) {
    if (!(e instanceof CryptoError)) throw e;
    try {
      return createPublicKey(importPrivateKey(bytes));
    } catch {
      throw new CliExit(EXIT_USAGE, `${option} ${file}: not a public key: ${e.message} [${e.code}]`);
    }
  }
}

export async function readPrivateKey(cli: CliContext, file: string, option: string): Promise<KeyObject> {
  const bytes = await readInput(cli, file);
  try {
    return importPrivateKey(bytes);
  } catch (e) {
    if (e instanceof CryptoError) throw new CliExit(EXIT_USAGE, `${option} ${file}: not a private key: ${e.message} [${e.code}]`);
    throw e;
  }
}
