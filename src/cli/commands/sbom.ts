/** `iotopia sbom import|show`: a release's SBOM on an owner server, through its management API. */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { pathIn } from '../context.ts';
import { readInput } from '../input.ts';
import { type ApiOptions, apiRequest, apiTarget, withApiOptions } from './voucher-admin-client.ts';

interface ReleaseOptions extends ApiOptions {
  product: string;
  release: string;
  json?: boolean;
}

const sbomPath = (o: ReleaseOptions) => `/products/${encodeURIComponent(o.product)}/releases/${encodeURIComponent(o.release)}/sbom`;

/** The media type an SBOM file declares by its members (CycloneDX `bomFormat`, SPDX `spdxVersion`); the server checks it. */
export function sbomFileType(bytes: Uint8Array): string {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 65536));
  if (/"bomFormat"\s*:\s*"CycloneDX"/.test(head)) return 'application/vnd.cyclonedx+json';
  if (/"spdxVersion"\s*:/.test(head)) return 'application/spdx+json';
  return 'application/json';
}

const withRelease = (cmd: Command) =>
  withApiOptions(cmd)
    .requiredOption('--product <model>', 'the product (model)')
    .requiredOption('--release <version>', 'the release version');

export function registerSbom(program: Command, cli: CliContext): void {
  const sbom = program.command('sbom').description("a release's SBOM (CycloneDX 1.5/1.6, SPDX 2.3 JSON) on an owner server").exitOverride();
  withRelease(sbom.command('import'))
    .description("import the release's SBOM, replacing the one it had")
    .argument('<file>', 'the SBOM (JSON)')
    .option('--json', 'machine output: the SBOM as stored')
    .action(async (file: string, opts: ReleaseOptions) => {
      const bytes = await readInput(cli, file);
      const query = new URLSearchParams({ source: basename(file) });
      const res = await apiRequest(
        apiTarget(opts, cli.env),
        'PUT',
        `${sbomPath(opts)}?${query}`,
        { data: bytes, type: sbomFileType(bytes) },
        { timeoutMs: 120_000 },
      );
      const s = (await res.json()) as Record<string, unknown>;
      const text = cli.output.text;
      cli.output.result(
        s,
        () =>
          `${text(opts.product)} ${text(opts.release)}: ${String(s['format'])} ${String(s['specVersion'])}, ${String(s['componentCount'])} components, sha256 ${String(s['digest'])}`,
      );
    });
  withRelease(sbom.command('show'))
    .description('the SBOM as imported (to standard output or -o), or its components')
    .option('--components', 'list its components instead')
    .option('-o, --output <file>', 'write the document to this file')
    .option('--json', 'machine output: the components as JSON (with --components)')
    .action(async (opts: ReleaseOptions & { components?: boolean; output?: string }) => {
      const target = apiTarget(opts, cli.env);
      if (opts.components === true) {
        const r = (await (await apiRequest(target, 'GET', `${sbomPath(opts)}/components`)).json()) as {
          components: Record<string, string>[];
        };
        const text = cli.output.text;
        cli.output.result(r, () =>
          r.components.length === 0
            ? 'no components'
            : r.components.map((c) => `${text(c['name'] ?? '')} ${text(c['version'] ?? '')}  ${text(c['purl'] ?? '')}`),
        );
        return;
      }
      const bytes = new Uint8Array(await (await apiRequest(target, 'GET', sbomPath(opts))).arrayBuffer());
      if (opts.output === undefined) {
        cli.output.out(bytes);
        return;
      }
      await writeFile(pathIn(cli, opts.output), bytes);
      cli.output.result(
        { bytes: bytes.length, file: opts.output },
        () => `${bytes.length} bytes written to ${cli.output.text(opts.output as string)}`,
      );
    });
}
