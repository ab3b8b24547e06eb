import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerVulnMatch } from './vuln-match.ts';

/** `iotopia vuln …`: vulnerabilities of an SBOM's components, offline (OSV records, VEX). */
export function registerVuln(program: Command, cli: CliContext): void {
  const vuln = program
    .command('vuln')
    .description('vulnerabilities: match an SBOM against OSV records, with VEX statements applied (offline)')
    .exitOverride();
  registerVulnMatch(vuln, cli);
  for (const c of [vuln, ...vuln.commands]) c.exitOverride();
}
