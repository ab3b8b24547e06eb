/**
 * The go-fdo-client binary (the pinned peer built by test/interop/go-peers/install.sh) as a device:
 * device-init and onboard in a directory of their own, with a credential blob there.
 *
 * go-fdo-client never gives up onboarding: after a failed TO1 or TO2 it waits (120 s by default)
 * and tries again. A run is therefore ended as soon as the client says it is about to wait, and
 * reported as failed with what it logged.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Where the peers are: IOTOPIA_GO_PEERS_BIN or .interop/bin at the project root. */
export function peerBinary(): { bin?: string; skip?: string } {
  const dir = process.env.IOTOPIA_GO_PEERS_BIN ?? join(ROOT, '.interop', 'bin');
  const bin = join(dir, 'go-fdo-client');
  if (existsSync(bin)) return { bin };
  return {
    skip: `go-fdo-client is not built (looked for ${bin}; run test/interop/go-peers/install.sh, which needs Go): go-fdo-client interop skipped`,
  };
}

export interface PeerRun {
  /** Exit code; null when the run was ended because the client went into its retry wait or timed out. */
  code: number | null;
  /** Why the run was ended early, when it was. */
  ended?: 'retry-wait' | 'timeout';
  /** stdout and stderr together, in order. */
  log: string;
}

const RETRY_WAIT = /Applying (default delay|directive delay)/;

/** Go reads the roots it trusts from SSL_CERT_FILE: the device trusts `trust` (a PEM bundle) and nothing else. */
function envTrusting(trust: string | undefined): NodeJS.ProcessEnv {
  const { SSL_CERT_FILE: _file, SSL_CERT_DIR: _dir, ...env } = process.env;
  return trust === undefined ? env : { ...env, SSL_CERT_FILE: trust, SSL_CERT_DIR: dirname(trust) };
}

function run(bin: string, args: string[], cwd: string, timeoutMs: number, trust?: string): Promise<PeerRun> {
  return new Promise((done, fail) => {
    const child = spawn(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: envTrusting(trust) });
    let log = '';
    let ended: PeerRun['ended'];
    const stop = (why: NonNullable<PeerRun['ended']>) => {
      if (ended !== undefined) return;
      ended = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const take = (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (RETRY_WAIT.test(log)) stop('retry-wait');
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: ended === undefined ? code : null, ...(ended === undefined ? {} : { ended }), log });
    });
  });
}

export interface Device {
  dir: string;
  blob: string;
  key: DeviceKey;
  /** The PEM bundle of the CAs the device trusts for https (SSL_CERT_FILE); the system's roots when absent. */
  trust?: string;
}

export type DeviceKey = 'ec256' | 'ec384' | 'rsa2048' | 'rsa3072';

/** A device of its own: a directory (the FSIMs' working directory) holding its credential blob. */
export function newDevice(parent: string, name: string, key: DeviceKey, trust?: string): Device {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  return { dir, blob: join(dir, 'cred.bin'), key, ...(trust === undefined ? {} : { trust }) };
}

export function deviceInit(
  bin: string,
  device: Device,
  url: string,
  keyEnc: 'x509' | 'x5chain' | 'cose',
  serial: string,
): Promise<PeerRun> {
  return run(
    bin,
    ['device-init', url, '--key', device.key, '--key-enc', keyEnc, '--blob', device.blob, '--serial-number', serial],
    device.dir,
    30_000,
    device.trust,
  );
}

export interface OnboardFlags {
  kex: string;
  cipher: string;
  reuse?: boolean;
  resale?: boolean;
  /** fdo.download and fdo.wget write here. */
  downloadDir?: string;
  wgetDir?: string;
}

export function onboard(bin: string, device: Device, flags: OnboardFlags, timeoutMs = 60_000): Promise<PeerRun> {
  const args = ['onboard', '--key', device.key, '--kex', flags.kex, '--cipher', flags.cipher, '--blob', device.blob];
  args.push('--default-working-dir', device.dir);
  if (flags.reuse === true) args.push('--allow-credential-reuse');
  if (flags.resale === true) args.push('--resale');
  if (flags.downloadDir !== undefined) args.push('--download', flags.downloadDir);
  if (flags.wgetDir !== undefined) args.push('--wget-dir', flags.wgetDir);
  return run(bin, args, device.dir, timeoutMs, device.trust);
}

/** What `print` shows of the credential: GUID (hex) and the client's state number. */
export async function printCredential(bin: string, device: Device): Promise<{ guid: string; state: number }> {
  const r = await run(bin, ['print', '--blob', device.blob], device.dir, 15_000);
  const guid = /GUID\s+([0-9a-f]{32})/.exec(r.log)?.[1];
  const state = /State:(\d+)/.exec(r.log)?.[1];
  if (r.code !== 0 || guid === undefined || state === undefined) throw new Error(`go-fdo-client print failed:\n${r.log}`);
  return { guid, state: Number(state) };
}

/** go-fdo-client's device states (cmd/credential.go): after DI, and after a completed TO2. */
export const PEER_STATE = { PRE_TO1: 2, IDLE: 3 } as const;

export const ONBOARDED = /FIDO Device Onboard Complete/;
export const REUSED = /Credential not updated \(Credential Reuse Protocol\)/;

/** The last error lines the client logged, for a matrix note. */
export function peerError(r: PeerRun): string {
  const lines = r.log
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(error:|panic:)|ERROR|^Error:/.test(l) && !/product_name|dmi/.test(l));
  const last = lines.at(-1) ?? r.log.trim().split('\n').at(-1) ?? '';
  // Error messages the client prints carry the time they were received: not part of the result.
  return last
    .replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)? [+-]\d{4} \w+ /g, '')
    .replace(/\s+/g, ' ')
    .replace(/^\[[\d:]+\]\s*/, '')
    .slice(0, 300);
}
