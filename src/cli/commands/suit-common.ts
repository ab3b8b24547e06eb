/** Helpers shared by the `iotopia suit` commands: key files, output, errors. */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { CoseError } from '../../codec/cose/errors.ts';
import { type CoseKey, decodeCoseKey } from '../../codec/cose/key.ts';
import { SuitAlgorithm } from '../../suit/constants.ts';
import { SuitError } from '../../suit/errors.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { parseHexText, readInput } from '../input.ts';

export type CliKey = KeyObject | CoseKey;

/**
 * A key file: PEM (private key, public key or certificate), DER (PKCS #8, SEC 1 or SPKI), or a COSE_Key as binary CBOR or as hex
 * text (symmetric keys for COSE_Mac0 included). `wantPrivate` reads a PEM private key as private.
 */
export async function readKeyFile(cli: CliContext, file: string, option: string, wantPrivate: boolean): Promise<CliKey> {
  const bytes = await readInput(cli, file);
  const text = Buffer.from(bytes).toString('utf8');
  if (text.includes('-----BEGIN')) {
    if (wantPrivate && !/PRIVATE KEY-----/.test(text)) throw new CliExit(EXIT_USAGE, `${option} ${file}: signing needs a private key`);
    try {
      return /PRIVATE KEY-----/.test(text) ? createPrivateKey(text) : wantPrivate ? createPrivateKey(text) : createPublicKey(text);
    } catch (e) {
      throw new CliExit(EXIT_USAGE, `${option} ${file}: not a usable PEM key: ${(e as Error).message}`);
    }
  }
  const der = bytes[0] === 0x30 ? derKey(bytes, wantPrivate) : undefined;
  if (der !== undefined) return der;
  const trimmed = text.trim();
  const cbor = trimmed.length > 0 && /^(0x)?[0-9a-fA-F\s]+$/.test(trimmed) ? parseHexText(trimmed, `${option} ${file}`) : bytes;
  try {
    return decodeCoseKey(cbor);
  } catch (e) {
    if (e instanceof CoseError) throw new CliExit(EXIT_USAGE, `${option} ${file}: neither PEM nor a COSE_Key: ${e.message} [${e.code}]`);
    throw e;
  }
}

/** A DER key (PKCS #8 or SEC 1 private, SPKI public), or undefined when the bytes are not one. */
function derKey(bytes: Uint8Array, wantPrivate: boolean): KeyObject | undefined {
  const key = Buffer.from(bytes);
  for (const type of ['pkcs8', 'sec1'] as const) {
    try {
      return createPrivateKey({ key, format: 'der', type });
    } catch {
      // not this encoding
    }
  }
  if (wantPrivate) return undefined;
  try {
    return createPublicKey({ key, format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/** Writes binary output to a file, or to standard output when no file is given. */
export async function writeOutput(cli: CliContext, data: Uint8Array, output: string | undefined): Promise<void> {
  if (output === undefined) {
    if (cli.output.stdout.isTTY) throw new CliExit(EXIT_USAGE, 'refusing to write a binary envelope to a terminal: give -o FILE');
    cli.output.out(data);
  } else {
    try {
      await writeFile(pathIn(cli, output), data);
    } catch (e) {
      throw new CliExit(EXIT_USAGE, `cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}

/** A SUIT failure as a failed check (exit 1), with its code and path; other errors pass through. */
export function suitFailed(what: string, e: unknown): CliExit {
  if (e instanceof SuitError) return new CliExit(EXIT_CHECK_FAILED, `${what}: ${e.message} [${e.code}]`);
  if (e instanceof CoseError) return new CliExit(EXIT_CHECK_FAILED, `${what}: ${e.message} [${e.code}]`);
  throw e;
}

/** COSE algorithm names accepted by --alg. */
export const ALG_NAMES: Record<string, number> = {
  ES256: SuitAlgorithm.ES256,
  ESP256: SuitAlgorithm.ESP256,
  ES384: SuitAlgorithm.ES384,
  ESP384: SuitAlgorithm.ESP384,
  EdDSA: SuitAlgorithm.EdDSA,
  Ed25519: SuitAlgorithm.Ed25519,
  'HMAC256/256': SuitAlgorithm.HMAC_256_256,
  HMAC256: SuitAlgorithm.HMAC_256_256,
};
