import type { Command } from 'commander';
import { digestAlgorithmName } from '../../suit/digest.ts';
import { SuitError } from '../../suit/errors.ts';
import { REPORT_REASON_NAMES } from '../../suit/report/constants.ts';
import { reportJson } from '../../suit/report/inspect.ts';
import { openReport } from '../../suit/report/protect.ts';
import type { SuitReportEntry } from '../../suit/report/report.ts';
import type { CliContext } from '../context.ts';
import { escapeComposed } from '../escape.ts';
import { CliExit, EXIT_CHECK_FAILED } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { readKeyFile, suitFailed } from './suit-common.ts';

interface Options {
  key?: string;
  json?: boolean;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function entryLine(e: SuitReportEntry): string {
  if (e.kind === 'system-properties') {
    return `  system properties of [${e.componentId.map(hex).join(', ')}]: ${e.properties.map((p) => p.name).join(', ')}`;
  }
  const props = e.properties.length > 0 ? `; ${e.properties.map((p) => p.name).join(', ')}` : '';
  const where = e.manifestId.length > 0 ? `dependency [${e.manifestId.join(', ')}] ` : '';
  return `  ${where}section ${e.section} offset ${e.offset}, component ${e.componentIndex}${props}`;
}

/** `iotopia suit report inspect`: decodes a SUIT_Report (draft-ietf-suit-report), verifying it with --key. */
export function registerSuitReport(suit: Command, cli: CliContext): void {
  const report = suit.command('report').description('SUIT reports (draft-ietf-suit-report)').exitOverride();
  report
    .command('inspect')
    .description('decode a SUIT report (plain, COSE_Sign1 or COSE_Mac0) and verify it when a key is given')
    .argument('<report>', 'SUIT report (CBOR), or - for standard input')
    .option('--key <file>', "device public key (PEM, DER or COSE_Key) or shared COSE_Key for COSE_Mac0; the report's signature must verify")
    .option('--json', 'machine output')
    .action(async (file: string, opts: Options) => {
      const key = opts.key === undefined ? undefined : await readKeyFile(cli, opts.key, '--key', false);
      const bytes = await readInput(cli, file);
      try {
        const opened = openReport(bytes, key === undefined ? {} : { key });
        if (cli.output.json) {
          cli.output.result(reportJson(opened));
          return;
        }
        const r = opened.report;
        const lines = [
          opened.protection === 'none'
            ? 'report is not protected'
            : `report is a ${opened.protection}${opened.verified ? ', signature verified' : ', NOT verified (no --key)'}`,
          `manifest: ${digestAlgorithmName(r.reference.digest.algorithm)} ${hex(r.reference.digest.bytes)}${r.reference.uri === undefined ? '' : ` (${cli.output.text(r.reference.uri)})`}`,
        ];
        if (r.nonce !== undefined) lines.push(`nonce: ${hex(r.nonce)}`);
        lines.push(`records: ${r.records.length}`, ...r.records.map(entryLine));
        if (r.result.ok) lines.push('result: success');
        else {
          lines.push(
            `result: failed, reason ${REPORT_REASON_NAMES.get(r.result.reason) ?? r.result.reason}, code ${r.result.code}`,
            entryLine(r.result.record),
          );
        }
        cli.output.out(`${escapeComposed(lines.join('\n'))}\n`);
      } catch (e) {
        if (cli.output.json && e instanceof SuitError) {
          cli.output.result({ valid: false, code: e.code, path: e.path, message: e.message });
          throw new CliExit(EXIT_CHECK_FAILED, `${file}: ${e.message} [${e.code}]`);
        }
        throw suitFailed(file, e);
      }
    });
  for (const c of report.commands) c.exitOverride();
}
