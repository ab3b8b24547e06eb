/**
 * `iotopia assess --product X (--market M | --catalog ID)`, `assess list|show|diff`: a product's
 * assessments through the management API (the rules are the server's, src/compliance/assessment).
 * Assessing exits 1 when a mandatory provision (M, or M C whose condition holds) is not met.
 */
import type { Command } from 'commander';
import type { Assessment } from '../../compliance/assessment/result-types.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import {
  type AssessmentInfoView,
  type AssessmentView,
  assessmentLines,
  type DiffView,
  diffLines,
  infoLine,
  mandatoryNotMet,
} from './assess-render.ts';
import { type ReportOptions, withReportOptions, writeReports } from './assess-reports.ts';
import { type ApiOptions, apiRequest, apiTarget, listAll, withApiOptions } from './voucher-admin-client.ts';

interface AssessOptions extends ApiOptions, ReportOptions {
  product?: string;
  market?: string;
  catalog?: string;
  json?: boolean;
}

async function assessAction(cli: CliContext, opts: AssessOptions): Promise<void> {
  if (opts.product === undefined) throw new CliExit(EXIT_USAGE, '--product: give the product model');
  if ((opts.market === undefined) === (opts.catalog === undefined))
    throw new CliExit(EXIT_USAGE, 'give exactly one of --market and --catalog');
  const body = { product: opts.product, ...(opts.market === undefined ? { catalog: opts.catalog } : { market: opts.market }) };
  const res = await apiRequest(apiTarget(opts, cli.env), 'POST', '/assessments', { data: JSON.stringify(body), type: 'application/json' });
  const a = (await res.json()) as AssessmentView;
  cli.output.result(a, () => assessmentLines(a, cli.output.text));
  await writeReports(cli, a as unknown as Assessment, { ...opts, server: opts.server ?? cli.env.IOTOPIA_SERVER });
  const failing = mandatoryNotMet(a);
  if (failing.length > 0)
    throw new CliExit(
      EXIT_CHECK_FAILED,
      `${failing.length} mandatory provision(s) not met: ${failing.map((r) => `${r.catalog} ${r.provision}`).join(', ')}`,
    );
}

function registerReads(assess: Command, cli: CliContext): void {
  withApiOptions(assess.command('list'))
    .description("a product's assessments, newest first")
    .requiredOption('--product <model>', 'the product model')
    .option('--json', 'machine output: a JSON array')
    .action(async (opts: ApiOptions & { product: string; json?: boolean }) => {
      const items = await listAll<AssessmentInfoView>(apiTarget(opts, cli.env), '/assessments', { product: opts.product, limit: '100' });
      cli.output.result(items, () => (items.length === 0 ? 'no assessments' : items.map((a) => infoLine(a, cli.output.text))));
    });
  withReportOptions(withApiOptions(assess.command('show')))
    .description('one assessment: its summary and gaps (--json: every result with its evidence), and its reports')
    .argument('<id>', 'the assessment id')
    .option('--json', 'machine output: the assessment')
    .action(async (id: string, opts: ApiOptions & ReportOptions & { json?: boolean }) => {
      const res = await apiRequest(apiTarget(opts, cli.env), 'GET', `/assessments/${encodeURIComponent(id)}`);
      const a = (await res.json()) as AssessmentView;
      cli.output.result(a, () => assessmentLines(a, cli.output.text));
      await writeReports(cli, a as unknown as Assessment, { ...opts, server: opts.server ?? cli.env.IOTOPIA_SERVER });
    });
  withApiOptions(assess.command('diff'))
    .description('what changed from assessment A to assessment B of the same product, and why')
    .argument('<a>', 'the earlier assessment id')
    .argument('<b>', 'the later assessment id')
    .option('--json', 'machine output: the changes')
    .action(async (a: string, b: string, opts: ApiOptions & { json?: boolean }) => {
      const res = await apiRequest(apiTarget(opts, cli.env), 'GET', `/assessments/${encodeURIComponent(a)}/diff/${encodeURIComponent(b)}`);
      const d = (await res.json()) as DiffView;
      cli.output.result(d, () => diffLines(d, cli.output.text));
    });
}

export function registerAssess(program: Command, cli: CliContext): void {
  const assess = withReportOptions(withApiOptions(program.command('assess')))
    .description('assess a product against a market (eu, uk, us, us-ca) or a catalog; exit 1 when a mandatory provision is not met')
    .option('--product <model>', 'the product model')
    .option('--market <market>', 'the market whose catalogs apply: eu, uk, us, us-ca')
    .option('--catalog <id>', 'one catalog, e.g. en303645-v3')
    .option('--json', 'machine output: the assessment')
    .action((opts: AssessOptions) => assessAction(cli, opts))
    .exitOverride();
  registerReads(assess, cli);
  for (const c of assess.commands) c.exitOverride();
}
