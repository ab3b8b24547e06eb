/**
 * A campaign's waves: the target devices in a stable order that does not follow their GUIDs (SHA-256
 * of the campaign id and the GUID, so the first wave is spread over the fleet and the same
 * campaign always plans the same waves), cut by count or percentage. The last wave takes the rest.
 */
import { createHash } from 'node:crypto';
import { IotopiaError } from '../../errors.ts';

/** A wave's size: a count of devices or a percentage of all targets (rounded up, at least one). */
export type WaveSize = { count: number } | { percent: number };

/** The most waves a campaign has. */
export const MAX_WAVES = 64;

const wavesError = (message: string) => new IotopiaError('ERR_CAMPAIGN_WAVES', message);

function checkSizes(sizes: WaveSize[]): void {
  if (sizes.length === 0 || sizes.length > MAX_WAVES) throw wavesError(`a campaign has 1 to ${MAX_WAVES} waves`);
  let percent = 0;
  for (const [i, s] of sizes.entries()) {
    if ('count' in s) {
      if (!Number.isSafeInteger(s.count) || s.count < 1) throw wavesError(`wave ${i + 1}: a count is a whole number of at least 1`);
    } else {
      if (!Number.isFinite(s.percent) || s.percent <= 0 || s.percent > 100)
        throw wavesError(`wave ${i + 1}: a percentage is above 0 and at most 100`);
      percent += s.percent;
    }
  }
  if (percent > 100) throw wavesError(`the waves' percentages add up to ${percent}, over 100`);
}

/**
 * The GUIDs (hex) of `targets` in waves. Each wave but the last takes its size of what is left
 * (never more); the last takes everything left. Waves that would be empty are left out.
 */
export function planWaves(campaignId: string, targets: readonly string[], sizes: WaveSize[]): string[][] {
  checkSizes(sizes);
  const keyed = targets.map((g) => ({ g, k: createHash('sha256').update(campaignId).update('\0').update(g).digest('hex') }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const order = keyed.map((x) => x.g);
  const waves: string[][] = [];
  let at = 0;
  for (const [i, s] of sizes.entries()) {
    if (at >= order.length) break;
    const last = i === sizes.length - 1;
    const n = last ? order.length - at : 'count' in s ? s.count : Math.max(1, Math.ceil((order.length * s.percent) / 100));
    waves.push(order.slice(at, at + n));
    at += n;
  }
  return waves;
}
