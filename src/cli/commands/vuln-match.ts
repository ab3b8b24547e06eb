import type { Command } from 'commander';
import { SbomError } from '../../compliance/sbom/errors.ts';
import { parseSbom } from '../../compliance/sbom/parse-sbom.ts';
import { VulnError } from '../../compliance/vulns/errors.ts';
import { matchVulnerabilities } from '../../compliance/vulns/match.ts';
import { readOsvDirectory } from '../../compliance/vulns/parse-osv.ts';
import { parseVex } from '../../compliance/vulns/parse-vex.ts';
import type { VexStatement } from '../../compliance/vulns/vuln-types.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { renderByComponent, suppressedName, vulnerabilityName } from './vuln-match-render.ts';

interface Options {
  sbom: string;
  osv: string;
  vex?: string;
  json?: boolean;
}

/**
 * `iotopia vuln match`: exit 0 when no vulnerability applies, 1 when one does or an input is
 * invalid, 2 on usage errors (an unreadable file or directory).
 */
export function registerVulnMatch(vuln: Command, cli: CliContext): void {
  vuln
    .command('match')
    .description('match an SBOM (CycloneDX 1.5/1.6 or SPDX 2.3 JSON) against a directory of OSV records; VEX statements override')
    .requiredOption('--sbom <file>', 'the SBOM')
    .requiredOption('--osv <dir>', 'directory of OSV records (*.json, recursively; a file may hold an array)')
    .option('--vex <file>', 'OpenVEX v0.2.0 document or CycloneDX BOM with vulnerability analyses')
    .option('--json', 'machine output')
    .action(async (opts: Options) => {
      try {
        await run(cli, opts);
      } catch (e) {
        throw inputFailed(cli, e);
      }
    });
}

async function run(cli: CliContext, opts: Options): Promise<void> {
  const sbom = await parseSbom(await readInput(cli, opts.sbom), opts.sbom);
  const records = await readOsvDirectory(pathIn(cli, opts.osv));
  const vex: VexStatement[] = opts.vex === undefined ? [] : parseVex(await readInput(cli, opts.vex), opts.vex);
  const matches = matchVulnerabilities(sbom.components, records, vex);
  const affected = matches.filter((m) => m.applies);
  const suppressed = matches.filter((m) => !m.applies);
  const text = cli.output.text;
  cli.output.result(
    {
      sbom: {
        format: sbom.format,
        specVersion: sbom.specVersion,
        serial: sbom.serial,
        subject: sbom.subject,
        components: sbom.components.length,
      },
      records: records.length,
      vexStatements: vex.length,
      affected,
      suppressed,
    },
    () => [
      `${sbom.format} ${sbom.specVersion} SBOM: ${sbom.components.length} components; ${records.length} OSV records; ${vex.length} VEX statements`,
      ...(affected.length > 0 ? ['affected:', ...renderByComponent(affected, text, (m) => vulnerabilityName(m, text))] : []),
      ...(suppressed.length > 0 ? ['not applying (VEX):', ...renderByComponent(suppressed, text, (m) => suppressedName(m, text))] : []),
      affected.length === 0 ? 'no vulnerability applies' : `${affected.length} vulnerability match(es) apply`,
    ],
  );
  if (affected.length > 0) throw new CliExit(EXIT_CHECK_FAILED, `${affected.length} vulnerability match(es) apply`);
}

function inputFailed(cli: CliContext, e: unknown): unknown {
  if (!(e instanceof SbomError) && !(e instanceof VulnError)) return e;
  const code = e.code === 'ERR_OSV_READ' ? EXIT_USAGE : EXIT_CHECK_FAILED;
  if (cli.output.json) {
    cli.output.result({ error: { code: e.code, message: e.message, source: e.source, entry: e.entry, field: e.field } });
  }
  return new CliExit(code, `${e.message} [${e.code}]`);
}
