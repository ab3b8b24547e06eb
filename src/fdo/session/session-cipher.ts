/**
 * Encryption of TO2 message bodies once the key exchange is done (FDO 1.1 §3.6.5, TO2.ProveDevice
 * onwards in §5.5): the CBOR of a message body goes in, the COSE structure that travels comes out,
 * and the reverse. Both calls take the session state and return the next one; the caller stores it
 * before acting on the result, so that a replica taking over continues with fresh IVs.
 *
 * IVs: the AEAD suites and AES-CBC draw a fresh random IV per message; AES-CTR continues this
 * side's keystream (see session-state.ts). A received IV that was used lately in either direction
 * is a replay (or our own message reflected), and an AES-CTR counter that goes back within the
 * peer's nonce is one too.
 */
import { createSecretKey } from 'node:crypto';
import { concat } from '../../codec/bytes.ts';
import { sessionError } from './errors.ts';
import { openAead, sealAead } from './lib/aead-body.ts';
import { b64, draw, unb64 } from './lib/bytes.ts';
import { openEtm, sealEtm } from './lib/etm-body.ts';
import {
  CTR_BLOCK_LIMIT,
  CTR_NONCE_LENGTH,
  type CtrPosition,
  parseSessionState,
  type SessionState,
  withRecentIv,
} from './session-state.ts';
import type { RandomSource } from './types.ts';

export interface SealMessageOptions {
  /** Draws the IVs of the AEAD and AES-CBC suites. */
  random: RandomSource;
}

/**
 * Encrypts `plaintext` (the CBOR of a TO2 message body). Returns the message to send and the state
 * to keep. A session that cannot produce a fresh IV any more is ERR_FDO_SESSION_EXHAUSTED.
 */
export function sealMessage(
  state: SessionState,
  plaintext: Uint8Array,
  options: SealMessageOptions,
): { message: Uint8Array; state: SessionState } {
  if (!(plaintext instanceof Uint8Array)) throw new TypeError('plaintext must be a Uint8Array');
  if (options === null || typeof options !== 'object') throw new TypeError('options with random are required');
  const s = parseSessionState(state);
  const sek = createSecretKey(s.sek);
  let iv: Uint8Array;
  let sendCtr: CtrPosition | null = s.state.sendCtr;
  if (s.suite.kind === 'etm' && s.suite.mode === 'ctr') {
    const at = s.state.sendCtr as CtrPosition;
    const next = at.block + blocksOf(plaintext.length);
    if (next > CTR_BLOCK_LIMIT) throw sessionError('ERR_FDO_SESSION_EXHAUSTED', 'the AES-CTR block counter of this session is used up');
    iv = ctrIv(unb64(at.nonce) as Uint8Array, at.block);
    sendCtr = { nonce: at.nonce, block: next };
  } else {
    iv = draw(options.random, s.suite.ivLength);
  }
  // A repeated IV under the same key would void GCM and CCM; only a broken random source gets here.
  if (s.state.recentIvs.includes(b64(iv))) throw sessionError('ERR_FDO_SESSION_EXHAUSTED', 'the random source repeated a recent IV');
  const message =
    s.suite.kind === 'aead' ? sealAead(s.suite, sek, iv, plaintext) : sealEtm(s.suite, sek, createSecretKey(s.svk), iv, plaintext);
  return { message, state: { ...s.state, sendCtr, recentIvs: withRecentIv(s.state.recentIvs, iv) } };
}

/**
 * Decrypts a received TO2 message. Returns the CBOR of the message body and the state to keep.
 * Failures: ERR_FDO_SESSION_MALFORMED (not the COSE structure of the suite), ERR_FDO_SESSION_ALG
 * (protected for another suite), ERR_FDO_SESSION_IV (IV missing or of the wrong length),
 * ERR_FDO_SESSION_DECRYPT (does not authenticate or decrypt), ERR_FDO_SESSION_REPLAY (authentic
 * but seen before).
 */
export function openMessage(state: SessionState, message: Uint8Array): { plaintext: Uint8Array; state: SessionState } {
  if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array');
  const s = parseSessionState(state);
  const sek = createSecretKey(s.sek);
  const { plaintext, iv } =
    s.suite.kind === 'aead' ? openAead(s.suite, sek, message) : openEtm(s.suite, sek, createSecretKey(s.svk), message);
  if (s.state.recentIvs.includes(b64(iv))) throw sessionError('ERR_FDO_SESSION_REPLAY', 'message repeats the IV of a recent message');
  let receiveCtr = s.state.receiveCtr;
  if (s.suite.kind === 'etm' && s.suite.mode === 'ctr') {
    const nonce = b64(iv.subarray(0, CTR_NONCE_LENGTH));
    const block = new DataView(iv.buffer, iv.byteOffset + CTR_NONCE_LENGTH, 4).getUint32(0);
    if (receiveCtr !== null && receiveCtr.nonce === nonce && block < receiveCtr.block) {
      throw sessionError('ERR_FDO_SESSION_REPLAY', `AES-CTR counter ${block} goes back; the peer is at ${receiveCtr.block}`);
    }
    receiveCtr = { nonce, block: Math.min(block + blocksOf(plaintext.length), CTR_BLOCK_LIMIT) };
  }
  return { plaintext, state: { ...s.state, receiveCtr, recentIvs: withRecentIv(s.state.recentIvs, iv) } };
}

/** Keystream blocks a message uses; at least one, so that every message has its own IV. */
function blocksOf(length: number): number {
  return Math.max(1, Math.ceil(length / 16));
}

function ctrIv(nonce: Uint8Array, block: number): Uint8Array {
  const counter = new Uint8Array(4);
  new DataView(counter.buffer).setUint32(0, block);
  return concat([nonce, counter]);
}
