/**
 * SoftHSM2 tokens for the PKCS#11 tests: a temporary SOFTHSM2_CONF and token directory for this
 * test process, and tokens made in it with softhsm2-util. SoftHSM2 reads its configuration when the
 * module is initialised, so every token a test file needs is made before its first keystore opens
 * (the keystore finalizes the module when its last session closes, and the next open sees new tokens).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { Pkcs11Config } from '../../src/keystore/pkcs11/config.ts';

const MODULES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
];

/** The SoftHSM2 module on this machine, if any. */
export const SOFTHSM_MODULE: string | undefined = MODULES.find((m) => existsSync(m));

function bindingMissing(): boolean {
  try {
    // createRequire would be needed in ESM; a dynamic check through the keystore's own loader is enough.
    return !existsSync(join(import.meta.dirname, '../../node_modules/pkcs11js/package.json'));
  } catch {
    return true;
  }
}

const utilMissing = spawnSync('softhsm2-util', ['--version']).error !== undefined;

/** Why the SoftHSM2 tests cannot run here, or false. CI (.ci/run, as root) installs softhsm2. */
export const SOFTHSM_SKIP: string | false =
  SOFTHSM_MODULE === undefined || utilMissing
    ? 'SoftHSM2 is not installed (apt-get install softhsm2; .ci/run installs it as root)'
    : bindingMissing()
      ? 'the pkcs11js binding is not installed (npm ci)'
      : false;

let dir: string | undefined;

function softhsmDir(): string {
  if (dir === undefined) {
    dir = mkdtempSync(join(tmpdir(), 'iotopia-softhsm-'));
    mkdirSync(join(dir, 'tokens'), { mode: 0o700 });
    writeFileSync(
      join(dir, 'softhsm2.conf'),
      `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
    );
    process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
    const made = dir;
    after(() => rmSync(made, { recursive: true, force: true }));
  }
  return dir;
}

export const TEST_PIN = '246810';

/** Initialises a fresh token labelled `label` with the user PIN TEST_PIN; returns its keystore configuration. */
export function makeToken(label: string): Pkcs11Config {
  if (SOFTHSM_MODULE === undefined) throw new Error('SoftHSM2 is missing: check SOFTHSM_SKIP first');
  const d = softhsmDir();
  const r = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', TEST_PIN, '--so-pin', '13579135'], {
    env: { ...process.env, SOFTHSM2_CONF: join(d, 'softhsm2.conf') },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`softhsm2-util --init-token failed: ${r.stderr}`);
  return { module: SOFTHSM_MODULE, token: label, pin: TEST_PIN };
}

/** The SOFTHSM2_CONF of this process, for child processes (the CLI runner) to find the same tokens. */
export const softhsmConf = (): string => join(softhsmDir(), 'softhsm2.conf');
