/**
 * A real `iotopia up` child for the console's browser tests: a fresh data directory, a free
 * loopback port, one worker; resolves its URL and the admin token its first start printed.
 * Extra arguments (e.g. `--demo`) are passed on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const BIN = new URL('../../bin/iotopia.js', import.meta.url).pathname;

export interface ConsoleServer {
  url: string;
  token: string;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function startConsoleServer(args: readonly string[] = [], o: { readyMs?: number } = {}): Promise<ConsoleServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'iotopia-console-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [BIN, 'up', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--workers', '1', '--log-level', 'warn', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const stop = async () => {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (o.readyMs ?? 30_000);
  let token: string | undefined;
  while (token === undefined) {
    token = /admin API token[^:]*: (\S+)/.exec(out)?.[1];
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`iotopia up exited with ${child.exitCode}:\n${out}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`iotopia up printed no admin token in time:\n${out}`);
    }
    await sleep(100);
  }
  return { url, token, dataDir, output: () => out, stop };
}
