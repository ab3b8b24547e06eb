/**
 * What one run of the `iotopia` command takes from its surroundings: output, environment, working
 * directory, standard input, the request to stop. Commands read these here and never from
 * `process`, so that several runs can share one process (the in-process runner, tests).
 */
import { resolve } from 'node:path';
import { DEFAULT_CONFIG } from '../server/platform/config.ts';
import type { CliOutput, RunOutput } from './output.ts';

/** Standard input as a command reads it. */
export interface InputStream extends AsyncIterable<Uint8Array | string> {
  readonly isTTY?: boolean;
}

export interface CliContext {
  readonly output: CliOutput;
  readonly env: NodeJS.ProcessEnv;
  /** The directory relative paths are taken from; undefined: the process's own working directory. */
  readonly cwd: string | undefined;
  readonly stdin: InputStream;
  /** Where a server started by the command logs; undefined: the logger's own writer on standard output. */
  readonly logStream: { write(line: string): unknown } | undefined;
  /** Settles with the reason (a signal name) when a command that runs until stopped should stop. */
  stopRequested(): Promise<string>;
}

/** The context the program builder gets: its output also takes the --json of the command that runs. */
export interface RunContext extends CliContext {
  readonly output: RunOutput;
}

/** A path given on the command line or in the environment, as the file system should see it. */
export function pathIn(cli: Pick<CliContext, 'cwd'>, path: string): string {
  return cli.cwd === undefined ? path : resolve(cli.cwd, path);
}

/** Server settings with their paths taken from the run's working directory. */
export function rootedSettings<
  T extends { dataDir?: string | undefined; serviceInfoDir?: string | undefined; payloadDir?: string | undefined } & TransportPaths,
>(cli: CliContext, s: T): T {
  return {
    ...s,
    ...(s.dataDir === undefined ? {} : { dataDir: pathIn(cli, s.dataDir) }),
    ...(s.serviceInfoDir === undefined ? {} : { serviceInfoDir: pathIn(cli, s.serviceInfoDir) }),
    ...(s.payloadDir === undefined || s.payloadDir === '' ? {} : { payloadDir: pathIn(cli, s.payloadDir) }),
    ...rootedTransportPaths(cli, s),
  };
}

/** The transport settings that name files (certificate, key, factory client CA, outbound CA bundle). */
interface TransportPaths {
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  factoryClientCa?: string | undefined;
  outboundTlsCa?: string | undefined;
}

function rootedTransportPaths(cli: CliContext, s: TransportPaths): TransportPaths {
  const out: TransportPaths = {};
  for (const k of ['tlsCert', 'tlsKey', 'factoryClientCa', 'outboundTlsCa'] as const) {
    const v = s[k];
    if (v !== undefined) out[k] = pathIn(cli, v);
  }
  return out;
}

/**
 * The lowest settings layer of a run: the server's default data directory
 * in the run's working directory. Empty for the process's own directory, where the server's
 * defaults already apply.
 */
export function defaultSettings(cli: CliContext): [string, { dataDir?: string }][] {
  return cli.cwd === undefined ? [] : [['defaults', { dataDir: pathIn(cli, DEFAULT_CONFIG.dataDir) }]];
}
