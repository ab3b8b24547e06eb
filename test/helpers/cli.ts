import { spawn } from 'node:child_process';
import { runCli as runInProcess } from '../../src/cli/run-cli.ts';

const BIN = new URL('../../bin/iotopia.js', import.meta.url).pathname;

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

/**
 * Runs the `iotopia` command in this process (a server started by the test keeps answering
 * meanwhile), in `cwd` with the environment `env` (default: this process's), and collects its
 * exit code and output.
 */
export async function runCli(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
  stdin?: string | Uint8Array,
): Promise<CliRun> {
  const r = await runInProcess(args, { env, cwd, ...(stdin === undefined ? {} : { stdin }) });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

/** Runs bin/iotopia.js in a child process: for the few tests that prove the installed command itself. */
export function runBin(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string | Uint8Array } = {},
): Promise<CliRun> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('close', (code) => resolveRun({ code, out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(options.stdin);
  });
}
