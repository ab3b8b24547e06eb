import { spawn } from 'node:child_process';

const BIN = new URL('../../bin/iotopia.js', import.meta.url).pathname;

/**
 * Runs the `iotopia` command asynchronously (so a server started in the test process keeps
 * answering meanwhile) and collects its exit code and output.
 */
export function runCli(args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, ...(env === undefined ? {} : { env }) });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    child.on('close', (code) => resolveRun({ code, out, err }));
  });
}
