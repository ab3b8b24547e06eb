/**
 * go-fdo-server processes for the interop tests and the side-by-side bench: finds the pinned
 * binaries (built by test/interop/go-peers/install.sh), starts one role on a free loopback port
 * with its own SQLite database in a temporary directory (over HTTPS when given a certificate: its
 * `--http-cert`/`--http-key`, and SSL_CERT_FILE for the CAs its own connections trust), waits for
 * its health endpoint, and stops it (by its own process id) when asked.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Where the pinned go-fdo binaries are: IOTOPIA_GO_PEERS_BIN or .interop/bin at the project root. */
export function peersBin(): string {
  return process.env.IOTOPIA_GO_PEERS_BIN ?? join(ROOT, '.interop', 'bin');
}

/** Why the go-fdo-server interop cannot run here, or undefined when it can. */
export function goPeersMissing(): string | undefined {
  const bin = peersBin();
  for (const name of ['go-fdo-server', 'go-fdo-client']) {
    if (!existsSync(join(bin, name))) return `${join(bin, name)} is absent (Go missing? run test/interop/go-peers/install.sh)`;
  }
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? ok(a.port) : fail(new Error('no port'))));
    });
  });
}

export type GoRole = 'manufacturing' | 'rendezvous' | 'owner';

/** HTTPS for a go-fdo-server: its certificate and key (PEM files) and the CA it and its clients trust. */
export interface GoTls {
  certFile: string;
  keyFile: string;
  /** A PEM bundle in a directory of its own (SSL_CERT_FILE, SSL_CERT_DIR): the roots the server's own TO0 trusts. */
  caFile: string;
  /** A fetch that trusts the CA, for the management API and the health check. */
  fetch: typeof fetch;
}

/** The fetch to use for a go-fdo-server started over HTTPS, by its origin (api.ts looks it up). */
export const trustedFetch = new Map<string, typeof fetch>();

/** The fetch for `url`: the one that trusts its server's CA, else the global one. */
export function fetchFor(url: string): typeof fetch {
  return trustedFetch.get(new URL(url).origin) ?? fetch;
}

export interface GoServer {
  role: GoRole;
  url: string;
  port: number;
  /** The process id, e.g. for reading its CPU time. */
  pid: number | undefined;
  /** Everything the process wrote (stdout and stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** A scratch directory removed by `dispose`. */
export async function scratch(prefix: string): Promise<{ dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** The environment of a peer whose own https connections trust `caFile` and nothing else. */
function envTrusting(caFile: string): NodeJS.ProcessEnv {
  const { SSL_CERT_FILE: _file, SSL_CERT_DIR: _dir, ...env } = process.env;
  return { ...env, SSL_CERT_FILE: caFile, SSL_CERT_DIR: dirname(caFile) };
}

/** Starts `go-fdo-server <role> 127.0.0.1:<port> <args>` with a database in `dir`, over HTTPS with `tls`. */
export async function startGoServer(role: GoRole, dir: string, args: readonly string[], logLevel = 'info', tls?: GoTls): Promise<GoServer> {
  const port = await freePort();
  const db = join(dir, `${role}-${port}.db`);
  const https = tls === undefined ? [] : ['--http-cert', tls.certFile, '--http-key', tls.keyFile];
  const child = spawn(
    join(peersBin(), 'go-fdo-server'),
    ['--log-level', logLevel, ...https, role, `127.0.0.1:${port}`, '--db-type', 'sqlite', '--db-dsn', `file:${db}`, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], ...(tls === undefined ? {} : { env: envTrusting(tls.caFile) }) },
  );
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  if (tls !== undefined) trustedFetch.set(url, tls.fetch);
  const server: GoServer = { role, url, port, pid: child.pid, log: () => out, stop: () => stopChild(child) };
  try {
    await waitHealthy(url, child, () => out);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`go-fdo-server exited (${child.exitCode}) before it was ready:\n${log()}`);
    try {
      const res = await fetchFor(url)(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`go-fdo-server at ${url} did not become healthy:\n${log()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}
