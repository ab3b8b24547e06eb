/**
 * `iotopia release upload-payload|create|list|show|envelope|retire|delete-payload`: an owner server's releases
 * and payloads through its management API (the rules are the server's, src/lifecycle/releases).
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { pathIn } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { type ApiOptions, type ApiTarget, apiRequest, apiTarget, listAll, withApiOptions } from './voucher-admin-client.ts';

interface PayloadItem {
  digest: string;
  size: number;
  mediaType: string;
  location: string;
}

interface ReleaseItem {
  id: string;
  model: string;
  version: string;
  sequenceNumber: number;
  state: string;
  origin: string;
  components: { id: string; digest: string; size: number }[];
}

const collect = (v: string, all: string[]): string[] => [...all, v];
const RELEASE_STATES = ['draft', 'published', 'retired'];

function releaseLine(r: ReleaseItem, text: (s: string) => string): string {
  return `${text(r.id)}  ${text(r.model)} ${text(r.version)}  seq ${r.sequenceNumber}  ${text(r.state)}  ${r.components.map((c) => text(c.id)).join(',')}`;
}

async function upload(
  cli: CliContext,
  target: ApiTarget,
  file: string,
  mediaType?: string,
): Promise<{ payload: PayloadItem; created: boolean }> {
  const bytes = await readInput(cli, file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const query = new URLSearchParams({ sha256, ...(mediaType === undefined ? {} : { mediaType }) });
  const res = await apiRequest(
    target,
    'POST',
    `/payloads?${query}`,
    { data: bytes, type: 'application/octet-stream' },
    { timeoutMs: 300_000 },
  );
  return { payload: (await res.json()) as PayloadItem, created: res.status === 201 };
}

/** `ID=FILE` of --component. */
function componentArg(spec: string): { id: string; file: string } {
  const at = spec.indexOf('=');
  if (at < 1 || at === spec.length - 1) throw new CliExit(EXIT_USAGE, `--component: ${JSON.stringify(spec)} is not ID=FILE`);
  return { id: spec.slice(0, at), file: spec.slice(at + 1) };
}

function sequenceArg(seq: string | undefined): number | undefined {
  if (seq === undefined) return undefined;
  if (!/^\d{1,16}$/.test(seq) || !Number.isSafeInteger(Number(seq)))
    throw new CliExit(EXIT_USAGE, `--seq: ${JSON.stringify(seq)} is not an unsigned integer`);
  return Number(seq);
}

interface CreateOptions extends ApiOptions {
  model: string;
  version: string;
  seq?: string;
  component: string[];
  sbom?: string;
  vendorDomain?: string;
  draft?: boolean;
  envelope?: string;
  json?: boolean;
}

async function createAction(cli: CliContext, opts: CreateOptions): Promise<void> {
  const sequenceNumber = sequenceArg(opts.seq);
  if (sequenceNumber === undefined && opts.envelope === undefined)
    throw new CliExit(EXIT_USAGE, 'give --seq (or --envelope with a signed envelope)');
  if (opts.component.length === 0) throw new CliExit(EXIT_USAGE, 'give at least one --component ID=FILE');
  const target = apiTarget(opts, cli.env);
  const components = [];
  for (const spec of opts.component.map(componentArg)) {
    const { payload } = await upload(cli, target, spec.file);
    components.push({ id: spec.id, digest: payload.digest, size: payload.size });
  }
  const envelope = opts.envelope === undefined ? undefined : Buffer.from(await readInput(cli, opts.envelope)).toString('base64url');
  const body = {
    model: opts.model,
    version: opts.version,
    components,
    ...(sequenceNumber === undefined ? {} : { sequenceNumber }),
    ...(opts.sbom === undefined ? {} : { sbomRef: opts.sbom }),
    ...(opts.vendorDomain === undefined ? {} : { vendorDomain: opts.vendorDomain }),
    ...(opts.draft === true ? { state: 'draft' } : {}),
    ...(envelope === undefined ? {} : { envelope }),
  };
  const res = await apiRequest(target, 'POST', '/releases', { data: JSON.stringify(body), type: 'application/json' });
  const r = (await res.json()) as ReleaseItem;
  cli.output.result(r, () => releaseLine(r, cli.output.text));
}

function registerReads(release: Command, cli: CliContext): void {
  withApiOptions(release.command('list'))
    .description("list an owner server's releases")
    .option('--model <model>', 'only releases of this model')
    .option('--state <state>', `only releases in this state: ${RELEASE_STATES.join(', ')}`)
    .option('--json', 'machine output: a JSON array')
    .action(async (opts: ApiOptions & { model?: string; state?: string; json?: boolean }) => {
      if (opts.state !== undefined && !RELEASE_STATES.includes(opts.state))
        throw new CliExit(EXIT_USAGE, `--state: ${JSON.stringify(opts.state)} is not one of ${RELEASE_STATES.join(', ')}`);
      const items = await listAll<ReleaseItem>(apiTarget(opts, cli.env), '/releases', {
        model: opts.model,
        state: opts.state,
        limit: '100',
      });
      cli.output.result(items, () => (items.length === 0 ? 'no releases' : items.map((r) => releaseLine(r, cli.output.text))));
    });
  withApiOptions(release.command('show'))
    .description('one release, with its components and envelope digest')
    .argument('<id>', 'the release id')
    .option('--json', 'machine output: the release')
    .action(async (id: string, opts: ApiOptions & { json?: boolean }) => {
      const res = await apiRequest(apiTarget(opts, cli.env), 'GET', `/releases/${encodeURIComponent(id)}`);
      const r = (await res.json()) as Record<string, unknown>;
      const text = cli.output.text;
      cli.output.result(r, () =>
        Object.entries(r).map(([k, v]) => `${k.padEnd(16)} ${text(typeof v === 'object' ? JSON.stringify(v) : String(v))}`),
      );
    });
  withApiOptions(release.command('envelope'))
    .description("write the release's signed SUIT envelope to a file")
    .argument('<id>', 'the release id')
    .requiredOption('-o, --output <file>', 'where to write the envelope (CBOR)')
    .action(async (id: string, opts: ApiOptions & { output: string }) => {
      const res = await apiRequest(apiTarget(opts, cli.env), 'GET', `/releases/${encodeURIComponent(id)}/envelope`, undefined, {
        accept: 'application/suit-envelope+cose',
      });
      const bytes = new Uint8Array(await res.arrayBuffer());
      await writeFile(pathIn(cli, opts.output), bytes);
      cli.output.result(
        { bytes: bytes.length, file: opts.output },
        () => `${bytes.length} bytes written to ${cli.output.text(opts.output)}`,
      );
    });
}

export function registerRelease(program: Command, cli: CliContext): void {
  const release = program
    .command('release')
    .description('firmware releases and payloads on an owner server (SUIT envelopes)')
    .exitOverride();
  withApiOptions(release.command('upload-payload'))
    .description('upload a payload (firmware image); the server keeps it by its SHA-256')
    .argument('<file>', 'the payload')
    .option('--media-type <type>', 'its media type (default application/octet-stream)')
    .option('--json', 'machine output: the payload')
    .action(async (file: string, opts: ApiOptions & { mediaType?: string; json?: boolean }) => {
      const { payload, created } = await upload(cli, apiTarget(opts, cli.env), file, opts.mediaType);
      cli.output.result(
        payload,
        () => `${payload.digest}  ${payload.size} bytes  ${created ? 'stored' : 'stored before'}  (${cli.output.text(basename(file))})`,
      );
    });
  withApiOptions(release.command('create'))
    .description('create a release: payloads uploaded, the SUIT envelope built and signed by the server (or --envelope signed elsewhere)')
    .requiredOption('--model <model>', 'the device model')
    .requiredOption('--version <version>', 'the release version')
    .option('--seq <n>', 'the SUIT sequence number: above every earlier release of the model')
    .option('--component <id=file>', 'a component and its payload file (repeat)', collect, [])
    .option('--sbom <uri>', 'a reference to the release SBOM')
    .option('--vendor-domain <name>', 'devices check the vendor and class ids derived from it and the model (UUID v5)')
    .option('--draft', 'create it as a draft, not offered to devices')
    .option('--envelope <file>', 'a SUIT envelope signed elsewhere, verified by the server against its anchors')
    .option('--json', 'machine output: the release')
    .action((opts: CreateOptions) => createAction(cli, opts));
  registerReads(release, cli);
  withApiOptions(release.command('retire'))
    .description('retire a release: no longer offered; its sequence number stays taken')
    .argument('<id>', 'the release id')
    .option('--json', 'machine output: the release')
    .action(async (id: string, opts: ApiOptions & { json?: boolean }) => {
      const body = JSON.stringify({ state: 'retired' });
      const res = await apiRequest(apiTarget(opts, cli.env), 'POST', `/releases/${encodeURIComponent(id)}/state`, {
        data: body,
        type: 'application/json',
      });
      const r = (await res.json()) as ReleaseItem;
      cli.output.result(r, () => releaseLine(r, cli.output.text));
    });
  withApiOptions(release.command('delete-payload'))
    .description('delete a payload that no release names (the server refuses one a release names)')
    .argument('<sha256>', 'the payload, by its SHA-256 (64 hex digits)')
    .option('--json', 'machine output: the payload deleted')
    .action(async (digest: string, opts: ApiOptions & { json?: boolean }) => {
      const d = digest.toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(d)) throw new CliExit(EXIT_USAGE, `<sha256>: ${JSON.stringify(digest)} is not 64 hex digits`);
      const res = await apiRequest(apiTarget(opts, cli.env), 'DELETE', `/payloads/${d}`);
      const p = (await res.json()) as PayloadItem;
      cli.output.result(p, () => `${p.digest}  ${p.size} bytes  deleted`);
    });
  for (const c of [release, ...release.commands]) c.exitOverride();
}
