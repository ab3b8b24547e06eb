/**
 * Runs the `nft` tool without a shell: a script goes on standard input (`nft -f -`, one
 * transaction), optionally inside a network namespace (`ip netns exec NAME nft …`). Output is
 * capped and the run is killed after a timeout, so a stuck or chatty `nft` cannot hold the caller.
 */
import { spawn } from 'node:child_process';
import { IntentError } from '../errors.ts';

export interface NftRunOptions {
  /** A network namespace made with `ip netns add`; the caller's namespace when absent. */
  netns?: string;
  /** The nft binary; `nft` on PATH when absent. */
  nftPath?: string;
  /** Kills nft after this long; default 30 s. */
  timeoutMs?: number;
  /** Standard output kept, in bytes; default 64 MiB (a listed table of many devices is large). */
  maxOutput?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;
const MAX_STDERR = 64 * 1024;
/** How much of nft's error output an error message carries. */
const MAX_ERROR_LINES = 6;
const MAX_ERROR_CHARS = 1000;
const NETNS_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  spawnError?: NodeJS.ErrnoException;
}

function command(args: string[], o: NftRunOptions): [string, string[]] {
  const nft = o.nftPath ?? 'nft';
  if (o.netns === undefined) return [nft, args];
  if (!NETNS_NAME.test(o.netns))
    throw new IntentError('ERR_INTENT_CONTEXT', 'netns', `netns: ${JSON.stringify(o.netns)} is not a namespace name`);
  return ['ip', ['netns', 'exec', o.netns, nft, ...args]];
}

function collect(stream: NodeJS.ReadableStream, cap: number): { text: () => string; over: () => boolean } {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  stream.on('data', (b: Buffer) => {
    if (size + b.length > cap) {
      over = true;
      chunks.push(b.subarray(0, Math.max(0, cap - size)));
      size = cap;
      return;
    }
    chunks.push(b);
    size += b.length;
  });
  return { text: () => Buffer.concat(chunks).toString('utf8'), over: () => over };
}

function run(args: string[], o: NftRunOptions, input: string | undefined): Promise<RunResult> {
  const [cmd, argv] = command(args, o);
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { shell: false, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = collect(child.stdout, o.maxOutput ?? DEFAULT_MAX_OUTPUT);
    const err = collect(child.stderr, MAX_STDERR);
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
    child.on('close', (code) => {
      clearTimeout(timer);
      const r: RunResult = { code, stdout: out.text(), stderr: err.text(), timedOut };
      if (spawnError !== undefined) r.spawnError = spawnError;
      if (out.over()) r.stderr = `output over ${o.maxOutput ?? DEFAULT_MAX_OUTPUT} bytes\n${r.stderr}`;
      resolve(r);
    });
  });
}

/** The first lines of nft's error output, capped, for an error message. */
export function firstErrorLines(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0)
    .slice(0, MAX_ERROR_LINES)
    .join('\n');
  return lines.length > MAX_ERROR_CHARS ? `${lines.slice(0, MAX_ERROR_CHARS)}…` : lines;
}

/** `ip netns exec` reports a missing program itself: `exec of "nft" failed: No such file or directory`. */
const missingUnderIp = (r: RunResult): boolean => r.code !== 0 && /exec of .* failed: No such file or directory/.test(r.stderr);

/**
 * Runs `nft ARGS` with `input` on standard input and returns its standard output. Throws
 * IntentError ERR_INTENT_NFT_MISSING when nft (or `ip`) cannot be run, ERR_INTENT_APPLY when it
 * exits non-zero, times out or prints more than allowed.
 */
export async function runNft(args: string[], o: NftRunOptions = {}, input?: string): Promise<string> {
  const r = await run(args, o, input);
  const what = `nft ${args.join(' ')}${o.netns === undefined ? '' : ` in netns ${o.netns}`}`;
  if (r.spawnError !== undefined || missingUnderIp(r)) {
    const why = r.spawnError?.code === 'ENOENT' || missingUnderIp(r) ? 'not found' : (r.spawnError?.message ?? 'cannot run');
    // Without a namespace the program spawned is nft; with one, a spawn error is about `ip` itself.
    const program = o.netns !== undefined && r.spawnError !== undefined ? 'ip' : (o.nftPath ?? 'nft');
    throw new IntentError('ERR_INTENT_NFT_MISSING', 'nft', `${what}: ${program} ${why}`);
  }
  if (r.timedOut) throw new IntentError('ERR_INTENT_APPLY', 'nft', `${what}: no answer within ${o.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`);
  if (r.code !== 0 || r.stderr.startsWith('output over'))
    throw new IntentError('ERR_INTENT_APPLY', 'nft', `${what} failed (exit ${r.code}): ${firstErrorLines(r.stderr) || 'no error output'}`);
  return r.stdout;
}
