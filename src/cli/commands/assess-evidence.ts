/**
 * `iotopia evidence add`: a manual statement about one provision of a catalog for a product,
 * with files attached, through the management API. The server checks it against the limits and
 * records it audited.
 */
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { type ApiOptions, apiRequest, apiTarget, withApiOptions } from './voucher-admin-client.ts';

const OUTCOMES = ['met', 'not-met', 'partially-met', 'not-applicable'];

/** Media types of the files makers usually attach, by extension; others go as octet streams. */
const MEDIA_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.json': 'application/json',
  '.html': 'text/html',
  '.csv': 'text/csv',
  '.xml': 'application/xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.zip': 'application/zip',
};

interface AddOptions extends ApiOptions {
  product: string;
  catalog: string;
  provision: string;
  outcome: string;
  statement: string;
  attach: string[];
  json?: boolean;
}

interface ManualView {
  id: string;
  catalog: string;
  provision: string;
  outcome: string;
  attachments: { name: string; size: number; sha256: string }[];
}

const collect = (v: string, all: string[]): string[] => [...all, v];

async function addAction(cli: CliContext, opts: AddOptions): Promise<void> {
  if (!OUTCOMES.includes(opts.outcome))
    throw new CliExit(EXIT_USAGE, `--outcome: ${JSON.stringify(opts.outcome)} is not one of ${OUTCOMES.join(', ')}`);
  const target = apiTarget(opts, cli.env);
  const attachments = [];
  for (const file of opts.attach) {
    const bytes = await readInput(cli, file);
    const mediaType = MEDIA_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    attachments.push({ name: basename(file), mediaType, content: Buffer.from(bytes).toString('base64') });
  }
  const body = { catalog: opts.catalog, provision: opts.provision, statement: opts.statement, outcome: opts.outcome, attachments };
  const res = await apiRequest(
    target,
    'POST',
    `/products/${encodeURIComponent(opts.product)}/manual-evidence`,
    { data: JSON.stringify(body), type: 'application/json' },
    { timeoutMs: 300_000 },
  );
  const m = (await res.json()) as ManualView;
  const text = cli.output.text;
  cli.output.result(m, () => [
    `manual evidence ${text(m.id)}: ${text(m.catalog)} ${text(m.provision)} ${text(m.outcome)}`,
    ...m.attachments.map((a) => `  ${text(a.name)} ${a.size} bytes sha256 ${text(a.sha256)}`),
  ]);
}

export function registerEvidence(program: Command, cli: CliContext): void {
  const evidence = program.command('evidence').description("manual evidence for a product's assessments").exitOverride();
  withApiOptions(evidence.command('add'))
    .description('state how a product meets one provision, with files attached (each at most 10 MiB, at most 20)')
    .requiredOption('--product <model>', 'the product model')
    .requiredOption('--catalog <id>', 'the catalog, e.g. en303645-v3')
    .requiredOption('--provision <id>', 'the provision, e.g. 5.1-1')
    .requiredOption('--outcome <outcome>', `what the statement claims: ${OUTCOMES.join(', ')}`)
    .requiredOption('--statement <text>', 'the statement')
    .option('--attach <file>', 'a file to attach (repeatable)', collect, [])
    .option('--json', 'machine output: the statement as recorded')
    .action((opts: AddOptions) => addAction(cli, opts))
    .exitOverride();
}
