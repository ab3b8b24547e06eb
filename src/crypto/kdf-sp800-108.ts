/**
 * KDF in Counter Mode, NIST SP 800-108r1 §4.1, with HMAC as the PRF. node:crypto has HKDF but no
 * SP 800-108 KDF, so the loop is written here on createHmac.
 *
 *   K(i) = PRF(K_IN, [i]_r || FixedInput)   (counter before the fixed input, the usual layout)
 *   K(i) = PRF(K_IN, FixedInput || [i]_r)   (counter after it)
 *   FixedInput = Label || 0x00 || Context || [L]   (the layout §4 suggests; each part can be switched)
 *   K_OUT = the leftmost L bits of K(1) || K(2) || ... || K(n), n = ceil(L / h)
 *
 * Every integer is big-endian. L is the output length in bits; this module derives whole bytes only.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import { concat } from '../codec/bytes.ts';
import { uintBE } from './lib/bytes.ts';

export type CounterModePrf = 'hmac-sha256' | 'hmac-sha384';

/** Widths in bits of the counter [i] and of the length field [L]. */
export type CounterModeFieldWidth = 8 | 16 | 24 | 32;

export interface CounterModeKdfOptions {
  prf: CounterModePrf;
  /** The key-derivation key K_IN. */
  key: Uint8Array;
  /** Output length in bytes; [L] carries it in bits. */
  outputLength: number;
  /** Label (a string is UTF-8 encoded). Default empty. */
  label?: Uint8Array | string;
  /** Context. Default empty. */
  context?: Uint8Array;
  /** r, the width of the counter. Default 32. */
  counterBits?: CounterModeFieldWidth;
  /** Width of [L]. Default 32. */
  lengthBits?: CounterModeFieldWidth;
  /** Where the counter goes relative to the fixed input. Default 'before-fixed'. */
  counterLocation?: 'before-fixed' | 'after-fixed';
  /** Whether the 0x00 byte separates Label and Context. Default true. */
  separator?: boolean;
  /** Whether [L] ends the fixed input. Default true. */
  includeLength?: boolean;
  /**
   * The whole fixed input, for layouts the options above do not describe. When present, label,
   * context, separator, lengthBits and includeLength must be absent.
   */
  fixedInput?: Uint8Array;
}

const PRF_HASH: Record<CounterModePrf, { hash: string; bytes: number }> = {
  'hmac-sha256': { hash: 'sha256', bytes: 32 },
  'hmac-sha384': { hash: 'sha384', bytes: 48 },
};

const WIDTHS: readonly number[] = [8, 16, 24, 32];

/** Derives `outputLength` bytes with the SP 800-108 counter-mode KDF. Misuse throws TypeError. */
export function deriveCounterModeKey(options: CounterModeKdfOptions): Uint8Array {
  const prf = PRF_HASH[options.prf];
  if (prf === undefined) throw new TypeError(`unsupported PRF ${String(options.prf)}`);
  if (!(options.key instanceof Uint8Array)) throw new TypeError('key must be a Uint8Array');
  const outLen = options.outputLength;
  if (!Number.isSafeInteger(outLen) || outLen < 1) throw new TypeError('outputLength must be a positive integer number of bytes');
  const r = options.counterBits ?? 32;
  if (!WIDTHS.includes(r)) throw new TypeError('counterBits must be 8, 16, 24 or 32');

  const n = Math.ceil(outLen / prf.bytes);
  // §4.1 step 2: the counter must not wrap, so n is at most 2^r - 1.
  if (n > 2 ** r - 1) throw new TypeError(`outputLength ${outLen} needs ${n} PRF blocks, more than a ${r}-bit counter allows`);

  const fixed = fixedInputOf(options, outLen * 8);
  const after = options.counterLocation === 'after-fixed';
  if (options.counterLocation !== undefined && !after && options.counterLocation !== 'before-fixed') {
    throw new TypeError('counterLocation must be before-fixed or after-fixed');
  }

  const out = new Uint8Array(n * prf.bytes);
  // One KeyObject for every block: HMAC then neither copies nor type-checks raw key bytes per block.
  const key = createSecretKey(options.key);
  for (let i = 1; i <= n; i++) {
    const mac = createHmac(prf.hash, key);
    const counter = uintBE(i, r / 8);
    if (after) mac.update(fixed).update(counter);
    else mac.update(counter).update(fixed);
    out.set(mac.digest(), (i - 1) * prf.bytes);
  }
  return out.slice(0, outLen);
}

function fixedInputOf(options: CounterModeKdfOptions, lengthInBits: number): Uint8Array {
  if (options.fixedInput !== undefined) {
    if (!(options.fixedInput instanceof Uint8Array)) throw new TypeError('fixedInput must be a Uint8Array');
    const clash = (['label', 'context', 'separator', 'lengthBits', 'includeLength'] as const).filter((k) => options[k] !== undefined);
    if (clash.length > 0) throw new TypeError(`fixedInput replaces ${clash.join(', ')}; pass one or the other`);
    return options.fixedInput;
  }
  const label = typeof options.label === 'string' ? new TextEncoder().encode(options.label) : (options.label ?? new Uint8Array(0));
  if (!(label instanceof Uint8Array)) throw new TypeError('label must be a string or Uint8Array');
  const context = options.context ?? new Uint8Array(0);
  if (!(context instanceof Uint8Array)) throw new TypeError('context must be a Uint8Array');
  const parts: Uint8Array[] = [label];
  if (options.separator ?? true) parts.push(new Uint8Array([0]));
  parts.push(context);
  if (options.includeLength ?? true) {
    const w = options.lengthBits ?? 32;
    if (!WIDTHS.includes(w)) throw new TypeError('lengthBits must be 8, 16, 24 or 32');
    if (lengthInBits >= 2 ** w) throw new TypeError(`output of ${lengthInBits} bits does not fit a ${w}-bit [L] field`);
    parts.push(uintBE(lengthInBits, w / 8));
  }
  return concat(parts);
}
