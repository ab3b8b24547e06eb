import type { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CryptoError } from '../../crypto/errors.ts';
import { parseCertificate, parseCertificates } from '../../crypto/x509-parse.ts';
import type { DigestName } from '../../mud/signature/algorithms.ts';
import { signMudFile } from '../../mud/signature/cms-sign.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { readPrivateKey } from './voucher-common.ts';

interface Options {
  key: string;
  cert: string;
  chain?: string;
  output?: string;
  digest?: string;
  contentType?: string;
  json?: boolean;
}

/** The signature file next to a MUD file, as RFC 8520 §13.2 places it next to the MUD URL. */
export function defaultSignaturePath(file: string): string {
  return file.endsWith('.json') ? `${file.slice(0, -'.json'.length)}.p7s` : `${file}.p7s`;
}

export function registerMudSign(mud: Command, cli: CliContext): void {
  mud
    .command('sign')
    .description('sign a MUD file: DER CMS detached SignedData (RFC 8520 §13.1), ECDSA or RSA')
    .argument('<file>', 'the MUD file, signed byte for byte as it will be served')
    .requiredOption('--key <pem>', "the signer's private key (PEM or DER)")
    .requiredOption('--cert <pem>', "the signer's certificate")
    .option('--chain <pem>', 'intermediate certificates to carry in the signature (PEM bundle)')
    .option('-o, --output <file>', 'where to write the signature (default: FILE with .json replaced by .p7s)')
    .option('--digest <alg>', 'sha256, sha384 or sha512 (default: by key: SHA-384 for P-384, else SHA-256)')
    .option('--content-type <type>', 'data (id-data, as openssl writes; default) or mud (id-ct-mudtype)')
    .option('--json', 'machine output')
    .action(async (file: string, opts: Options) => {
      if (opts.digest !== undefined && !['sha256', 'sha384', 'sha512'].includes(opts.digest))
        throw new CliExit(EXIT_USAGE, '--digest: sha256, sha384 or sha512');
      if (opts.contentType !== undefined && opts.contentType !== 'data' && opts.contentType !== 'mud')
        throw new CliExit(EXIT_USAGE, '--content-type: data or mud');
      const content = await readInput(cli, file);
      const privateKey = await readPrivateKey(cli, opts.key, '--key');
      const certificate = await readCertificates(cli, opts.cert, '--cert', true);
      const chain = opts.chain === undefined ? [] : await readCertificates(cli, opts.chain, '--chain', false);
      let signature: Uint8Array;
      try {
        signature = signMudFile(content, {
          privateKey,
          certificate: certificate[0]!,
          chain,
          ...(opts.digest === undefined ? {} : { digestAlgorithm: opts.digest as DigestName }),
          ...(opts.contentType === undefined ? {} : { contentType: opts.contentType as 'data' | 'mud' }),
        });
      } catch (e) {
        if (e instanceof TypeError) throw new CliExit(EXIT_USAGE, e.message);
        throw e;
      }
      const output = opts.output ?? (file === '-' ? undefined : defaultSignaturePath(file));
      if (output === undefined) throw new CliExit(EXIT_USAGE, 'give -o FILE when the MUD file comes from standard input');
      try {
        await writeFile(pathIn(cli, output), signature);
      } catch (e) {
        throw new CliExit(EXIT_USAGE, `cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const signer = certificate[0]!.subject.split('\n').join(', ');
      cli.output.result(
        { signature: output, bytes: signature.length, signer },
        () => `signed ${file}: ${output} (${signature.length} bytes), signer ${cli.output.text(signer)}`,
      );
    });
}

/**
 * Reads certificates for an option; a file that holds none is a usage error. `max` bounds a
 * bundle (trust anchor bundles may be large).
 */
export async function readCertificates(
  cli: CliContext,
  file: string,
  option: string,
  single: boolean,
  max = 10,
): Promise<X509Certificate[]> {
  const bytes = await readInput(cli, file);
  try {
    return single ? [parseCertificate(bytes)] : parseCertificates(bytes, { maxCertificates: max });
  } catch (e) {
    if (e instanceof CryptoError) throw new CliExit(EXIT_USAGE, `${option} ${file}: ${e.message} [${e.code}]`);
    throw e;
  }
}
