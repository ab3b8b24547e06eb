import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { decodeDhcp4MudUrl, decodeDhcp6MudUrl, encodeDhcp4MudUrl, encodeDhcp6MudUrl } from '../../mud/url/dhcp.ts';
import { MudUrlError } from '../../mud/url/errors.ts';
import { decodeLldpMudUrl, encodeLldpMudUrl } from '../../mud/url/lldp.ts';
import { encodeMudUrlExtension, readCertificateMudExtensions } from '../../mud/url/x509.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { parseHexText, readInput } from '../input.ts';

interface SourceOptions {
  dhcp4?: boolean;
  dhcp6?: boolean;
  lldp?: boolean;
  cert?: boolean;
  json?: boolean;
}

type Source = 'dhcp4' | 'dhcp6' | 'lldp' | 'cert';

function sourceOf(opts: SourceOptions): Source {
  const chosen = (['dhcp4', 'dhcp6', 'lldp', 'cert'] as const).filter((s) => opts[s] === true);
  if (chosen.length !== 1) throw new CliExit(EXIT_USAGE, 'give exactly one of --dhcp4, --dhcp6, --lldp, --cert');
  return chosen[0]!;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function failed(cli: CliContext, e: unknown): never {
  if (!(e instanceof MudUrlError)) throw e;
  cli.output.result({ valid: false, code: e.code, source: e.source, message: e.message });
  throw new CliExit(EXIT_CHECK_FAILED, `${e.message} [${e.code}]`);
}

export function registerMudUrl(mud: Command, cli: CliContext): void {
  const url = mud.command('url').description('MUD URLs in DHCP options, LLDP and certificates (RFC 8520 §10-§12)').exitOverride();
  const sources = (c: Command) =>
    c
      .option('--dhcp4', 'DHCPv4 option 161')
      .option('--dhcp6', 'DHCPv6 option 112')
      .option('--lldp', 'LLDP TLV 127, OUI 00-00-5E, subtype 1')
      .option('--cert', 'X.509 extension id-pe-mud-url (decode: a certificate; encode: the extension value)')
      .option('--json', 'machine output');

  sources(
    url
      .command('decode')
      .description('decode a MUD URL from option/TLV bytes (hex text, or a file of bytes) or from a certificate (PEM or DER file)')
      .argument('<input>', 'hex text, or a file'),
  ).action(async (input: string, opts: SourceOptions) => {
    const source = sourceOf(opts);
    const isFile = input === '-' || existsSync(pathIn(cli, input));
    if (source === 'cert') {
      const bytes = isFile ? await readInput(cli, input) : parseHexText(input, 'input');
      let ext: ReturnType<typeof readCertificateMudExtensions>;
      try {
        ext = readCertificateMudExtensions(bytes);
      } catch (e) {
        failed(cli, e);
      }
      const { mudUrl, mudSigner } = ext;
      if (mudUrl === undefined) {
        failed(cli, new MudUrlError('ERR_MUD_URL_CERT', 'x509', 'the certificate has no id-pe-mud-url extension'));
      }
      const text = cli.output.text;
      cli.output.result({ source: 'x509', url: mudUrl, mudSigner: mudSigner?.text }, () => [
        text(mudUrl),
        ...(mudSigner === undefined ? [] : [`MUD signer: ${text(mudSigner.text)}`]),
      ]);
      return;
    }
    let bytes: Uint8Array;
    if (isFile) {
      const raw = await readInput(cli, input);
      // A file may hold hex text or the raw bytes.
      const text = Buffer.from(raw).toString('latin1').trim();
      bytes = /^(0x)?[0-9a-fA-F\s]+$/.test(text) && text.length > 0 ? parseHexText(text, input) : raw;
    } else {
      bytes = parseHexText(input, 'input');
    }
    const decode = source === 'dhcp4' ? decodeDhcp4MudUrl : source === 'dhcp6' ? decodeDhcp6MudUrl : decodeLldpMudUrl;
    let decoded: ReturnType<typeof decode>;
    try {
      decoded = decode(bytes);
    } catch (e) {
      failed(cli, e);
    }
    const out = { source, url: decoded.url, ...(decoded.reserved === undefined ? {} : { reserved: hex(decoded.reserved) }) };
    cli.output.result(out, () => cli.output.text(decoded.url));
  });

  sources(
    url
      .command('encode')
      .description('encode a MUD URL as a DHCPv4/DHCPv6 option, an LLDP TLV or an id-pe-mud-url extension value; prints hex')
      .argument('<url>', 'the https MUD URL'),
  ).action((value: string, opts: SourceOptions) => {
    const source = sourceOf(opts);
    const encode =
      source === 'dhcp4'
        ? encodeDhcp4MudUrl
        : source === 'dhcp6'
          ? encodeDhcp6MudUrl
          : source === 'lldp'
            ? encodeLldpMudUrl
            : encodeMudUrlExtension;
    let bytes: Uint8Array;
    try {
      bytes = encode(value);
    } catch (e) {
      failed(cli, e);
    }
    const out = { source: source === 'cert' ? 'x509' : source, url: value, hex: hex(bytes) };
    cli.output.result(out, () => out.hex);
  });
  for (const c of [url, ...url.commands]) c.exitOverride();
}
