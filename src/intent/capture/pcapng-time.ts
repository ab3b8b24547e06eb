/**
 * pcapng timestamps (draft-ietf-opsawg-pcapng §4.2, if_tsresol): a 64-bit count of units of
 * 10^-n or 2^-n seconds, n = 6 (microseconds) when the option is absent. Converted to microseconds.
 */

export interface TsResolution {
  /** True for 2^-exp, false for 10^-exp. */
  binary: boolean;
  exp: number;
}

export const DEFAULT_TSRESOL: TsResolution = { binary: false, exp: 6 };

/** Decodes the if_tsresol octet: the top bit selects base 2, the rest is the exponent. */
export function tsResolution(octet: number): TsResolution {
  return (octet & 0x80) !== 0 ? { binary: true, exp: octet & 0x7f } : { binary: false, exp: octet };
}

const TWO32 = 4294967296;

/** The timestamp (high and low 32 bits) in whole microseconds, rounded down. */
export function timestampUs(high: number, low: number, res: TsResolution): number {
  if (!res.binary && res.exp <= 6) return (high * TWO32 + low) * 10 ** (6 - res.exp);
  if (!res.binary && res.exp <= 9) {
    // Exact without BigInt: the divisor is at most 1000, so r * 2^32 stays below 2^53.
    const d = 10 ** (res.exp - 6);
    const r = high % d;
    return Math.floor(high / d) * TWO32 + Math.floor((r * TWO32 + low) / d);
  }
  const units = (BigInt(high) << 32n) | BigInt(low);
  const perSecond = res.binary ? 1n << BigInt(res.exp) : 10n ** BigInt(res.exp);
  return Number((units * 1_000_000n) / perSecond);
}
