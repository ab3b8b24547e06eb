/**
 * The state of an encrypted TO2 session that must survive from one message to the next: the keys,
 * the AES-CTR counters and the IVs seen lately. It is plain JSON data (bytes as base64), so that
 * any server replica can continue a session from what another stored; `importSessionState` checks
 * what comes back from storage. It holds SEK and SVK: store it like a secret.
 *
 * AES-CTR IVs (FDO 1.1 §3.6.5): 16 bytes, a 12-byte nonce each side draws at random when the session
 * starts, then a 32-bit big-endian block counter from 0 that continues across messages as the
 * keystream is used, so no keystream block is ever used twice under SEK.
 */
import type { CipherSuiteNumber } from '../constants/crypto.ts';
import { cipherSuiteInfo, type SuiteInfo } from './cipher-suites.ts';
import { sessionError } from './errors.ts';
import { b64, draw, unb64 } from './lib/bytes.ts';
import type { SessionKeys } from './session-keys.ts';
import type { RandomSource } from './types.ts';

/** A position in an AES-CTR keystream: the 12-byte nonce (base64) and the next block counter. */
export interface CtrPosition {
  readonly nonce: string;
  readonly block: number;
}

export interface SessionState {
  readonly version: 1;
  readonly cipherSuite: CipherSuiteNumber;
  /** SEK (SEVK for the AEAD suites), base64. */
  readonly sek: string;
  /** SVK, base64; empty for the AEAD suites. */
  readonly svk: string;
  /** AES-CTR suites: where this side's keystream continues. Null for the other suites. */
  readonly sendCtr: CtrPosition | null;
  /** AES-CTR suites: the peer's nonce and the first block it may use next; null until it has sent. */
  readonly receiveCtr: CtrPosition | null;
  /**
   * IVs of the latest messages in both directions (base64, oldest first, at most
   * RECENT_IV_LIMIT): an authentic message with one of these IVs is a replay or a reflection.
   */
  readonly recentIvs: readonly string[];
}

/** How many recent IVs a session remembers; bounds the state of a long ServiceInfo exchange. */
export const RECENT_IV_LIMIT = 256;

export const CTR_NONCE_LENGTH = 12;
/** The block counter is 32 bits; it must never wrap into the nonce. */
export const CTR_BLOCK_LIMIT = 2 ** 32;

export interface CreateSessionStateOptions {
  /** Draws the AES-CTR nonce; unused by the other suites but required so callers need not care. */
  random: RandomSource;
}

/** Starts a session with keys from deriveSessionKeys. */
export function createSessionState(keys: SessionKeys, options: CreateSessionStateOptions): SessionState {
  if (keys === null || typeof keys !== 'object' || !(keys.sek instanceof Uint8Array) || !(keys.svk instanceof Uint8Array)) {
    throw new TypeError('keys must come from deriveSessionKeys');
  }
  if (options === null || typeof options !== 'object') throw new TypeError('options with random are required');
  const suite = cipherSuiteInfo(keys.cipherSuite);
  if (keys.sek.length !== suite.sekLength || keys.svk.length !== suite.svkLength) {
    throw new TypeError(`${suite.name} keys are ${suite.sekLength} + ${suite.svkLength} bytes`);
  }
  const ctr = suite.kind === 'etm' && suite.mode === 'ctr';
  return {
    version: 1,
    cipherSuite: suite.id,
    sek: b64(keys.sek),
    svk: b64(keys.svk),
    sendCtr: ctr ? { nonce: b64(draw(options.random, CTR_NONCE_LENGTH)), block: 0 } : null,
    receiveCtr: null,
    recentIvs: [],
  };
}

/** Checks stored (for instance JSON-parsed) data and returns it as a SessionState. */
export function importSessionState(value: unknown): SessionState {
  return parseSessionState(value).state;
}

/** The state with its keys decoded; internal. Unusable state is ERR_FDO_SESSION_STATE. */
export function parseSessionState(value: unknown): { state: SessionState; suite: SuiteInfo; sek: Uint8Array; svk: Uint8Array } {
  const bad = (why: string) => sessionError('ERR_FDO_SESSION_STATE', `stored session state is unusable: ${why}`);
  if (value === null || typeof value !== 'object') throw bad('not an object');
  const v = value as Record<string, unknown>;
  if (v['version'] !== 1) throw bad(`version ${JSON.stringify(v['version'])}`);
  let suite: SuiteInfo;
  try {
    suite = cipherSuiteInfo(v['cipherSuite']);
  } catch {
    throw bad(`cipher suite ${JSON.stringify(v['cipherSuite'])}`);
  }
  const sek = unb64(v['sek']);
  const svk = unb64(v['svk']);
  if (sek?.length !== suite.sekLength) throw bad(`sek is not ${suite.sekLength} bytes of base64`);
  if (svk?.length !== suite.svkLength) throw bad(`svk is not ${suite.svkLength} bytes of base64`);
  const ctr = suite.kind === 'etm' && suite.mode === 'ctr';
  const sendCtr = ctrPosition(v['sendCtr'], 'sendCtr', bad);
  const receiveCtr = ctrPosition(v['receiveCtr'], 'receiveCtr', bad);
  if (ctr ? sendCtr === null : sendCtr !== null || receiveCtr !== null) throw bad(`CTR positions do not fit ${suite.name}`);
  const ivs = v['recentIvs'];
  if (!Array.isArray(ivs) || ivs.length > RECENT_IV_LIMIT) throw bad('recentIvs is not a short list');
  for (const iv of ivs)
    if (unb64(iv)?.length !== suite.ivLength) throw bad(`recentIvs holds something other than ${suite.ivLength}-byte IVs`);
  const state: SessionState = {
    version: 1,
    cipherSuite: suite.id,
    sek: v['sek'] as string,
    svk: v['svk'] as string,
    sendCtr,
    receiveCtr,
    recentIvs: [...(ivs as string[])],
  };
  return { state, suite, sek, svk };
}

function ctrPosition(value: unknown, name: string, bad: (why: string) => Error): CtrPosition | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') throw bad(`${name} is not an object`);
  const { nonce, block } = value as Record<string, unknown>;
  if (unb64(nonce)?.length !== CTR_NONCE_LENGTH) throw bad(`${name}.nonce is not ${CTR_NONCE_LENGTH} bytes of base64`);
  if (typeof block !== 'number' || !Number.isSafeInteger(block) || block < 0 || block > CTR_BLOCK_LIMIT) {
    throw bad(`${name}.block is not a counter`);
  }
  return { nonce: nonce as string, block };
}

/** `recentIvs` with `iv` appended and the oldest dropped past the limit. */
export function withRecentIv(recent: readonly string[], iv: Uint8Array): string[] {
  const next = [...recent, b64(iv)];
  return next.length > RECENT_IV_LIMIT ? next.slice(next.length - RECENT_IV_LIMIT) : next;
}
