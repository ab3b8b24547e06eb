/**
 * TO2 key exchange and session encryption (FDO 1.1 §3.6, §5.5).
 *
 * Owner: createOwnerKex → xA in TO2.ProveOVHdr; ownerFinishKex(state, xB) → shared secret.
 * Device: deviceRespondKex(suite, xA) → xB in TO2.ProveDevice and the shared secret.
 * Both: deriveSessionKeys → createSessionState → sealMessage / openMessage for every later message.
 */
export { isCipherSuiteSupported } from './cipher-suites.ts';
export { type DeviceRespondKexOptions, deviceRespondKex } from './device-kex.ts';
export type { SessionErrorCode } from './errors.ts';
export { isKexSuiteSupported } from './kex-registry.ts';
export { type CreateOwnerKexOptions, createOwnerKex, type FinishOwnerKexOptions, ownerFinishKex } from './owner-kex.ts';
export { importOwnerKexState, type OwnerKexState } from './owner-kex-state.ts';
export { openMessage, type SealMessageOptions, sealMessage } from './session-cipher.ts';
export { deriveSessionKeys, type SessionKeys } from './session-keys.ts';
export {
  type CreateSessionStateOptions,
  type CtrPosition,
  createSessionState,
  importSessionState,
  RECENT_IV_LIMIT,
  type SessionState,
} from './session-state.ts';
export type { RandomSource, SharedSecret } from './types.ts';
