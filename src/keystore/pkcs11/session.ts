/**
 * One PKCS#11 session per module and token in the process: the module is initialised once, the
 * user logs in once, and the last keystore to close logs out and finalizes. pkcs11js is loaded
 * only when a PKCS#11 keystore is opened, so the software keystore never needs the native module.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Pkcs11js from 'pkcs11js';
import { KeystoreError } from '../errors.ts';
import type { Pkcs11Config } from './config.ts';
import { tokenError } from './errors.ts';

export type Pkcs11Api = typeof Pkcs11js;

export interface Pkcs11Session {
  readonly api: Pkcs11Api;
  readonly p11: Pkcs11js.PKCS11;
  readonly session: Buffer;
  readonly token: string;
  /** False once the session was closed: handles made from it refuse to work. */
  open: boolean;
}

interface LoadedModule {
  p11: Pkcs11js.PKCS11;
  users: number;
}

interface SharedSession {
  value: Pkcs11Session;
  users: number;
  /** SHA-256 of the PIN the session logged in with: a later open must know it too. */
  pin: Buffer;
}

const pinDigest = (pin: string): Buffer => createHash('sha256').update(pin, 'utf8').digest();

const modules = new Map<string, LoadedModule>();
const sessions = new Map<string, SharedSession>();

let api: Pkcs11Api | undefined;

function loadApi(): Pkcs11Api {
  if (api === undefined) {
    try {
      api = createRequire(import.meta.url)('pkcs11js') as Pkcs11Api;
    } catch (cause) {
      throw new KeystoreError('ERR_KEYSTORE_MODULE', 'the pkcs11js binding is not installed (npm install pkcs11js)', { cause });
    }
  }
  return api;
}

function loadModule(path: string): LoadedModule {
  const known = modules.get(path);
  if (known !== undefined) return known;
  const a = loadApi();
  const p11 = new a.PKCS11();
  try {
    p11.load(path);
  } catch (cause) {
    throw new KeystoreError('ERR_KEYSTORE_MODULE', `--pkcs11-module: cannot load ${path}`, { cause });
  }
  try {
    p11.C_Initialize();
  } catch (e) {
    if ((e as { code?: number }).code !== a.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw tokenError('C_Initialize', e);
  }
  const loaded = { p11, users: 0 };
  modules.set(path, loaded);
  return loaded;
}

function findSlot(a: Pkcs11Api, p11: Pkcs11js.PKCS11, token: string): Buffer {
  let slots: Buffer[];
  try {
    slots = p11.C_GetSlotList(true);
  } catch (e) {
    throw tokenError('C_GetSlotList', e);
  }
  for (const slot of slots) {
    const info = p11.C_GetTokenInfo(slot);
    if ((info.flags & a.CKF_TOKEN_INITIALIZED) !== 0 && info.label.trimEnd() === token) return slot;
  }
  throw new KeystoreError(
    'ERR_KEYSTORE_TOKEN_NOT_FOUND',
    `--pkcs11-token: no initialised token labelled ${JSON.stringify(token)} in the module`,
  );
}

function login(a: Pkcs11Api, p11: Pkcs11js.PKCS11, session: Buffer, pin: string): void {
  try {
    p11.C_Login(session, a.CKU_USER, pin);
  } catch (e) {
    const code = (e as { code?: number }).code;
    if (code === a.CKR_USER_ALREADY_LOGGED_IN) return;
    if (code === a.CKR_PIN_INCORRECT || code === a.CKR_PIN_LOCKED || code === a.CKR_PIN_INVALID || code === a.CKR_PIN_LEN_RANGE) {
      // The token's verdict, without the PIN and without the binding's message (which may quote its input).
      throw new KeystoreError(
        'ERR_KEYSTORE_LOGIN',
        `the token refused the user PIN (${code === a.CKR_PIN_LOCKED ? 'PIN locked' : 'wrong PIN'})`,
      );
    }
    throw tokenError('C_Login', e);
  }
}

/** Opens (or joins) the session for the configured module and token, logged in as the user. */
export function openSession(config: Pkcs11Config): Pkcs11Session {
  const key = `${config.module}\0${config.token}`;
  const shared = sessions.get(key);
  if (shared !== undefined) {
    if (!timingSafeEqual(shared.pin, pinDigest(config.pin)))
      throw new KeystoreError('ERR_KEYSTORE_LOGIN', 'the token refused the user PIN (wrong PIN)');
    shared.users++;
    return shared.value;
  }
  const a = loadApi();
  const mod = loadModule(config.module);
  mod.users++;
  try {
    const slot = findSlot(a, mod.p11, config.token);
    const session = mod.p11.C_OpenSession(slot, a.CKF_SERIAL_SESSION | a.CKF_RW_SESSION);
    try {
      login(a, mod.p11, session, config.pin);
    } catch (e) {
      mod.p11.C_CloseSession(session);
      throw e;
    }
    const value: Pkcs11Session = { api: a, p11: mod.p11, session, token: config.token, open: true };
    sessions.set(key, { value, users: 1, pin: pinDigest(config.pin) });
    return value;
  } catch (e) {
    releaseModule(config.module);
    throw e;
  }
}

/** Leaves the session; the last user logs out, closes it and finalizes the module when no session is left. */
export function closeSession(config: Pkcs11Config): void {
  const key = `${config.module}\0${config.token}`;
  const shared = sessions.get(key);
  if (shared === undefined) return;
  if (--shared.users > 0) return;
  sessions.delete(key);
  shared.value.open = false;
  const { p11, session } = shared.value;
  try {
    p11.C_Logout(session);
  } catch {
    // A token removed or a session already gone: closing continues.
  }
  try {
    p11.C_CloseSession(session);
  } catch {
    // As above.
  }
  releaseModule(config.module);
}

function releaseModule(path: string): void {
  const mod = modules.get(path);
  if (mod === undefined || --mod.users > 0) return;
  modules.delete(path);
  try {
    mod.p11.C_Finalize();
  } catch {
    // Nothing more to release.
  }
}
