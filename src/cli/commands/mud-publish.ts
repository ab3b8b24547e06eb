/**
 * `iotopia mud publish|unpublish`: a manufacturer's MUD files on a server's `mud` role, through the
 * management API (PUT and DELETE /mud-files/NAME). The server refuses a file that does not
 * validate strictly or whose signature does not verify over it (RFC 8520 §13); the refusal's code
 * is printed and the command exits 1.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { isMudFileName, MAX_MUD_FILE_BYTES, MAX_MUD_SIGNATURE_BYTES } from '../../store/mud-file-repository.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { localSignaturePath } from './mud-verify.ts';
import { type ApiOptions, apiRequest, apiTarget, withApiOptions } from './voucher-admin-client.ts';

interface PublishOptions extends ApiOptions {
  signature?: string;
  name?: string;
  json?: boolean;
}

interface PublishedInfo {
  name: string;
  mudUrl: string;
  contentEtag: string;
  cacheValidity: number;
  signer: string;
  bytes: number;
  signatureBytes: number;
}

const nameArg = (name: string, what: string): string => {
  if (!isMudFileName(name))
    throw new CliExit(EXIT_USAGE, `${what}: ${JSON.stringify(name)} is not a MUD file name (letters, digits, . _ -; not .p7s)`);
  return name;
};

/** The name a file is published under: the last path segment of its mud-url, which the server requires. */
export function publishedNameOf(file: string, content: Uint8Array): string {
  try {
    const url = (JSON.parse(new TextDecoder().decode(content)) as { 'ietf-mud:mud'?: { 'mud-url'?: unknown } })['ietf-mud:mud']?.[
      'mud-url'
    ];
    if (typeof url === 'string') {
      const segment = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
      if (segment !== '') return segment;
    }
  } catch {
    // Not JSON or no URL: the server will say what is wrong with the file; fall back to its name.
  }
  return basename(file);
}

export function registerMudPublish(mud: Command, cli: CliContext): void {
  withApiOptions(mud.command('publish'))
    .description("publish a signed MUD file on a server's mud role (refused unless it validates strictly and its signature verifies)")
    .argument('<file>', 'the MUD file, byte for byte as signed')
    .option('--signature <p7s>', 'the DER CMS signature (default: found next to FILE as `mud verify` finds it)')
    .option('--name <name>', "the name to publish under (default: the last segment of the file's mud-url)")
    .option('--json', 'machine output: the published file')
    .action(async (file: string, opts: PublishOptions) => {
      const target = apiTarget(opts, cli.env);
      const content = await readInput(cli, file);
      const signature = await readInput(cli, opts.signature ?? localSignaturePath(file, content));
      const name = nameArg(opts.name ?? publishedNameOf(file, content), opts.name === undefined ? '<file> mud-url' : '--name');
      if (content.length > MAX_MUD_FILE_BYTES)
        throw new CliExit(EXIT_CHECK_FAILED, `${file}: ${content.length} bytes, more than the ${MAX_MUD_FILE_BYTES} a server publishes`);
      if (signature.length > MAX_MUD_SIGNATURE_BYTES)
        throw new CliExit(
          EXIT_CHECK_FAILED,
          `the signature has ${signature.length} bytes, more than the ${MAX_MUD_SIGNATURE_BYTES} a server keeps`,
        );
      const body = JSON.stringify({
        content: Buffer.from(content).toString('base64'),
        signature: Buffer.from(signature).toString('base64'),
      });
      const response = await apiRequest(target, 'PUT', `/mud-files/${encodeURIComponent(name)}`, { data: body, type: 'application/json' });
      const info = (await response.json()) as PublishedInfo;
      const text = cli.output.text;
      cli.output.result(
        { ...info, url: `${target.server}/mud/${info.name}` },
        () =>
          `published ${text(info.name)} (${info.bytes} bytes, signed by ${text(info.signer)}): ${target.server}/mud/${text(info.name)}, ETag ${text(info.contentEtag)}, max-age ${info.cacheValidity * 3600} s`,
      );
    });

  withApiOptions(mud.command('unpublish'))
    .description("stop publishing a MUD file and its signature on a server's mud role")
    .argument('<name>', 'the published name (the last segment of its mud-url)')
    .option('--json', 'machine output')
    .action(async (name: string, opts: ApiOptions & { json?: boolean }) => {
      nameArg(name, '<name>');
      await apiRequest(apiTarget(opts, cli.env), 'DELETE', `/mud-files/${encodeURIComponent(name)}`);
      cli.output.result({ name, unpublished: true }, () => `unpublished ${cli.output.text(name)}`);
    });
}
