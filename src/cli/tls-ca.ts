/**
 * `--tls-ca <pem>` (or IOTOPIA_TLS_CA) for every command that talks to a server: the CA to trust
 * for https URLs, e.g. the <data-dir>/tls/ca.pem that `iotopia up` writes. Certificates are always
 * verified; without the option the system's roots are trusted.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type CliContext, pathIn } from './context.ts';
import { CliExit, EXIT_USAGE } from './exit-codes.ts';

export const TLS_CA_ENV = 'IOTOPIA_TLS_CA';

/** The option's flags and help, for `.option(...TLS_CA_OPTION)`. */
export const TLS_CA_OPTION = [
  '--tls-ca <pem>',
  `trust this CA (PEM) for https servers, e.g. <data-dir>/tls/ca.pem (default: ${TLS_CA_ENV}, else the system's roots)`,
] as const;

export function withTlsCaOption(cmd: Command): Command {
  return cmd.option(...TLS_CA_OPTION);
}

/** The PEM of the CA to trust, from the option or the environment; undefined for the system's roots. */
export function readTlsCa(cli: Pick<CliContext, 'env' | 'cwd'>, given: string | undefined): string | undefined {
  const path = given ?? cli.env[TLS_CA_ENV];
  if (path === undefined || path === '') return undefined;
  const file = pathIn(cli, path);
  try {
    const pem = readFileSync(file, 'utf8');
    new X509Certificate(pem);
    return pem;
  } catch (e) {
    throw new CliExit(EXIT_USAGE, `--tls-ca: ${file} is not a readable PEM certificate (${(e as Error).message})`);
  }
}
