import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseCertificates } from '../../crypto/x509-parse.ts';
import { PublicKeyEncoding, type PublicKeyEncodingNumber, PublicKeyType, type PublicKeyTypeNumber } from '../../fdo/constants/crypto.ts';
import { publicKeyFingerprint } from '../../fdo/types/public-key.ts';
import { encodeVoucher, encodeVoucherPem } from '../../fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../fdo/voucher/voucher-extend.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { checkFailed, readPrivateKey, readPublicKey, readVoucher } from './voucher-common.ts';

interface Options {
  ownerKey: string;
  to: string;
  encoding: string;
  type?: string;
  output?: string;
  cbor?: boolean;
  json?: boolean;
}

const ENCODINGS: Record<string, PublicKeyEncodingNumber> = {
  x509: PublicKeyEncoding.X509,
  x5chain: PublicKeyEncoding.X5CHAIN,
  cosekey: PublicKeyEncoding.COSEKEY,
  crypto: PublicKeyEncoding.Crypto,
};

export function registerVoucherExtend(voucher: Command, cli: CliContext): void {
  voucher
    .command('extend')
    .description("sign a new voucher entry that transfers ownership to the next owner's key")
    .argument('<file>', 'voucher file (PEM or CBOR), or - for standard input')
    .requiredOption('--owner-key <pem>', "the current owner's private key")
    .requiredOption('--to <pem>', "the next owner's public key or certificate chain (PEM)")
    .option('--encoding <enc>', `how the next owner's key is written: ${Object.keys(ENCODINGS).join(', ')}`, 'x509')
    .option('--type <pkType>', `pkType of the next owner's key (${Object.keys(PublicKeyType).join(', ')}); default from the key`)
    .option('-o, --output <file>', 'write the extended voucher here instead of standard output')
    .option('--cbor', 'write CBOR instead of PEM')
    .option('--json', 'machine output: a summary on standard output (needs -o for the voucher)')
    .action(async (file: string, opts: Options) => {
      const encoding = ENCODINGS[opts.encoding.toLowerCase()];
      if (encoding === undefined) throw new CliExit(EXIT_USAGE, `--encoding: one of ${Object.keys(ENCODINGS).join(', ')}`);
      let type: PublicKeyTypeNumber | undefined;
      if (opts.type !== undefined) {
        type = (PublicKeyType as Record<string, PublicKeyTypeNumber>)[opts.type.toUpperCase()];
        if (type === undefined) throw new CliExit(EXIT_USAGE, `--type: one of ${Object.keys(PublicKeyType).join(', ')}`);
      }
      if (opts.json && opts.output === undefined)
        throw new CliExit(EXIT_USAGE, '--json needs -o: the summary and the voucher cannot share standard output');
      const signer = await readPrivateKey(cli, opts.ownerKey, '--owner-key');
      const next = await readPublicKey(cli, opts.to, '--to');
      const chain = encoding === PublicKeyEncoding.X5CHAIN ? readChain(await readInput(cli, opts.to), opts.to) : undefined;
      const v = await readVoucher(cli, file);
      let out: ReturnType<typeof extendVoucher>;
      try {
        out = extendVoucher(v, {
          ownerPrivateKey: signer,
          nextOwner: next,
          encoding,
          ...(type === undefined ? {} : { type }),
          ...(chain === undefined ? {} : { chain }),
        });
      } catch (e) {
        throw checkFailed(file, e);
      }
      const data = opts.cbor ? encodeVoucher(out) : encodeVoucherPem(out);
      if (opts.output === undefined) cli.output.out(data);
      else await writeFile(pathIn(cli, opts.output), data);
      cli.output.result({ output: opts.output, entries: out.entries.length, owner: publicKeyFingerprint(next) });
    });
}

function readChain(bytes: Uint8Array, file: string) {
  try {
    return parseCertificates(bytes);
  } catch (e) {
    throw new CliExit(EXIT_USAGE, `--to ${file}: x5chain needs certificates: ${(e as Error).message}`);
  }
}
