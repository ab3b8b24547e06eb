/**
 * The `iotopia` command run inside the calling process: the same program and exit codes as
 * bin/iotopia.js, with standard input, output and error in buffers and the environment and
 * working directory given, so that runs side by side in one process do not meet.
 */
import { runProgram } from './main.ts';
import { createOutput, type OutputStream } from './output.ts';

export interface RunCliOptions {
  /** The whole environment the command sees (nothing is taken from process.env). */
  env: NodeJS.ProcessEnv;
  /** Where relative paths are taken from (default: the process's working directory). */
  cwd?: string;
  /** Standard input (default: empty). */
  stdin?: string | Uint8Array;
  /** Stops a command that runs until stopped (`iotopia up`), as SIGTERM does. */
  signal?: AbortSignal;
}

export interface RunCliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Standard output as bytes, for commands that write binary (an envelope, a CBOR voucher). */
  stdoutBytes: Uint8Array;
}

function bufferStream(): OutputStream & { bytes(): Buffer } {
  const chunks: Buffer[] = [];
  return {
    write(chunk) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
      return true;
    },
    bytes: () => Buffer.concat(chunks),
  };
}

function stopRequest(signal: AbortSignal | undefined): () => Promise<string> {
  return () =>
    new Promise((resolveStop) => {
      if (signal === undefined) return;
      if (signal.aborted) resolveStop('SIGTERM');
      else signal.addEventListener('abort', () => resolveStop('SIGTERM'), { once: true });
    });
}

/**
 * Runs `iotopia ARGS` (ARGS without the node and script paths). A failure that is not the
 * command's own ends as an uncaught exception would end the process: exit 1, the stack on
 * standard error.
 */
export async function runCli(args: string[], options: RunCliOptions): Promise<RunCliResult> {
  const stdout = bufferStream();
  const stderr = bufferStream();
  const input = options.stdin === undefined ? [] : [typeof options.stdin === 'string' ? Buffer.from(options.stdin) : options.stdin];
  let code: number;
  try {
    code = await runProgram(args, {
      output: createOutput(stdout, stderr),
      env: options.env,
      cwd: options.cwd,
      stdin: (async function* () {
        yield* input;
      })(),
      logStream: stdout,
      stopRequested: stopRequest(options.signal),
    });
  } catch (e) {
    stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    code = 1;
  }
  const out = stdout.bytes();
  return { code, stdout: out.toString('utf8'), stderr: stderr.bytes().toString('utf8'), stdoutBytes: new Uint8Array(out) };
}
