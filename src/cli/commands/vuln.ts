import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerVulnImport } from './vuln-import.ts';
import { registerVulnMatch } from './vuln-match.ts';

/** `iotopia vuln …`: vulnerabilities of an SBOM's components offline (OSV records, VEX), and OSV/VEX imports into a server. */
export function registerVuln(program: Command, cli: CliContext): void {
  const vuln = program
    .command('vuln')
    .description(
      'vulnerabilities: match an SBOM against OSV records with VEX applied (offline), or import OSV records and VEX into the server',
    )
    .exitOverride();
  registerVulnMatch(vuln, cli);
  registerVulnImport(vuln, cli);
  for (const c of [vuln, ...vuln.commands]) c.exitOverride();
}
