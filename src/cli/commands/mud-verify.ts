import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { type VerifyMudSignatureOptions, verifyMudSignature } from '../../mud/signature/cms-verify.ts';
import { MudSignatureError } from '../../mud/signature/errors.ts';
import { signatureUrlOf } from '../../mud/signature/location.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { defaultSignaturePath, readCertificates } from './mud-sign.ts';

interface Options {
  signature?: string;
  ca?: string;
  intermediates?: string;
  at?: string;
  /** commander turns --no-chain into chain: false. */
  chain?: boolean;
  deviceCert?: string;
  signer?: string;
  json?: boolean;
}

/** Parses --at: Unix seconds (digits only) or an ISO 8601 date-time. */
export function parseTime(text: string): Date {
  const time = /^\d{1,12}$/.test(text) ? new Date(Number(text) * 1000) : new Date(text);
  if (Number.isNaN(time.getTime()) || !/^\d/.test(text))
    throw new CliExit(EXIT_USAGE, `--at: not an ISO 8601 time or Unix seconds: ${text}`);
  return time;
}

export function registerMudVerify(mud: Command, cli: CliContext): void {
  mud
    .command('verify')
    .description(
      'verify a MUD file signature (RFC 8520 §13.2): digest, signature, MUD signer, certificate chain to --ca at a time, key usage',
    )
    .argument('<file>', 'the MUD file')
    .option(
      '--signature <p7s>',
      "the DER CMS signature (default: next to FILE, named as the file's mud-signature URL, else FILE with .json replaced by .p7s)",
    )
    .option('--ca <pem>', 'trust anchors (PEM bundle)')
    .option('--intermediates <pem>', 'further intermediate certificates not carried in the signature (PEM bundle)')
    .option('--at <time>', 'verification time: ISO 8601 or Unix seconds (default: now)')
    .option('--no-chain', 'skip the certificate path, validity and key usage: check only the digest and signature (and signer)')
    .option('--device-cert <pem>', "the device's certificate: its id-pe-mudsigner names the required signer")
    .option('--signer <name>', 'the required signer subject, e.g. "O=Example, CN=mud.example.com"')
    .option('--json', 'machine output')
    .action(async (file: string, opts: Options) => {
      const noChain = opts.chain === false;
      const time = opts.at === undefined ? new Date() : parseTime(opts.at);
      const content = await readInput(cli, file);
      const sigFile = opts.signature ?? localSignaturePath(file, content);
      const signature = await readInput(cli, sigFile);
      const options: VerifyMudSignatureOptions = { time, checkChain: !noChain };
      if (opts.ca !== undefined) options.trustAnchors = await readCertificates(cli, opts.ca, '--ca', false, 1000);
      if (opts.intermediates !== undefined)
        options.certificates = await readCertificates(cli, opts.intermediates, '--intermediates', false);
      if (opts.deviceCert !== undefined)
        options.deviceCertificate = (await readCertificates(cli, opts.deviceCert, '--device-cert', true))[0]!;
      if (opts.signer !== undefined) options.expectedSigner = opts.signer;
      try {
        const r = verifyMudSignature(content, signature, options);
        const out = {
          valid: true,
          signer: r.signer,
          signingTime: r.signingTime?.toISOString(),
          digestAlgorithm: r.digestAlgorithm,
          signatureAlgorithm: r.signatureAlgorithm,
          contentType: r.contentType,
          checks: r.checks,
          chain: r.chain.map((c) => c.subject.split('\n').join(', ')),
          trustAnchor: r.trustAnchor?.subject.split('\n').join(', '),
          verifiedAt: time.toISOString(),
          warnings: r.warnings,
        };
        const text = cli.output.text;
        cli.output.result(out, () => [
          `signature valid: ${file} signed by ${text(r.signer)}${r.signingTime === undefined ? '' : ` at ${r.signingTime.toISOString()}`}; checked ${r.checks.join(', ')}${out.trustAnchor === undefined ? '' : `; trust anchor ${text(out.trustAnchor)}`}`,
          ...r.warnings.map((w) => `warning: ${text(w)}`),
        ]);
      } catch (e) {
        if (!(e instanceof MudSignatureError)) throw e;
        cli.output.result({ valid: false, check: e.check, code: e.code, message: e.message });
        throw new CliExit(EXIT_CHECK_FAILED, `${file}: ${e.check} check failed: ${e.message} [${e.code}]`);
      }
    });
}

/**
 * Where the signature of a local MUD file is by default: beside it, under the last path segment of
 * its `mud-signature` member or of the default location derived from its `mud-url` (RFC 8520
 * §13.2); a file that names neither gets FILE with .json replaced by .p7s.
 */
export function localSignaturePath(file: string, content: Uint8Array): string {
  if (file === '-') throw new CliExit(EXIT_USAGE, 'give --signature when the MUD file comes from standard input');
  let url: string | undefined;
  try {
    url = signatureUrlOf(JSON.parse(new TextDecoder().decode(content)));
  } catch {
    url = undefined;
  }
  const name = url === undefined ? '' : basename(new URL(url).pathname);
  return name.length > 0 ? join(dirname(file), name) : defaultSignaturePath(file);
}
