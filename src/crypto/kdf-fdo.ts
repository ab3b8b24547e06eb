/**
 * The KDF of FDO 1.1 §3.6.4: SP 800-108 counter mode with the parameters fixed so that every
 * implementation derives the same bytes whatever its word size (FDO's KDF app note explains why a
 * generic SP 800-108 API with its own defaults is often not FDO-compatible).
 *
 *   K(i) = HMAC(ShSe, [i]_8 || "FIDO-KDF" || 0x00 || "AutomaticOnboardTunnel" || ContextRand || [L]_16)
 *
 * The PRF (HMAC-SHA256 or HMAC-SHA384) comes from the negotiated cipher suite (FDO 1.1 §4.4).
 */

import { concat } from '../codec/bytes.ts';
import { type CounterModePrf, deriveCounterModeKey } from './kdf-sp800-108.ts';

/** The fixed SP 800-108 parameters that FDO 1.1 §3.6.4 chooses. */
export const FDO_KDF_PARAMETERS = Object.freeze({
  counterBits: 8,
  lengthBits: 16,
  counterLocation: 'before-fixed',
  separator: true,
  label: 'FIDO-KDF',
  contextPrefix: 'AutomaticOnboardTunnel',
} as const);

export interface FdoKdfOptions {
  prf: CounterModePrf;
  /** The shared secret ShSe from the key exchange (FDO 1.1 §3.6). */
  shSe: Uint8Array;
  /** ContextRand from the key exchange; empty for the exchanges that define none. */
  contextRand?: Uint8Array;
  /** Bytes of keying material to derive (the session keys the cipher suite needs, together). */
  outputLength: number;
}

/** Derives FDO session keying material from ShSe as FDO 1.1 §3.6.4 specifies. */
export function deriveFdoSessionKeyMaterial(options: FdoKdfOptions): Uint8Array {
  const contextRand = options.contextRand ?? new Uint8Array(0);
  if (!(contextRand instanceof Uint8Array)) throw new TypeError('contextRand must be a Uint8Array');
  const p = FDO_KDF_PARAMETERS;
  return deriveCounterModeKey({
    prf: options.prf,
    key: options.shSe,
    outputLength: options.outputLength,
    label: p.label,
    context: concat([new TextEncoder().encode(p.contextPrefix), contextRand]),
    counterBits: p.counterBits,
    lengthBits: p.lengthBits,
    counterLocation: p.counterLocation,
    separator: p.separator,
  });
}
