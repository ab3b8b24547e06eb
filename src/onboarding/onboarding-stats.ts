/**
 * The onboarding figures the console shows: vouchers by state on each side, the devices' funnel
 * from manufacture to first contact, the health of the owner's TO0 registrations and of this
 * rendezvous, and TO2s per hour. The store counts (OnboardingStatsRepository); what each figure
 * means is decided here, once.
 */
import { DEVICE_STATES } from '../lifecycle/device-states.ts';
import type { DeviceState } from '../store/device-repository.ts';
import type { HourCount, RendezvousCounts, To0HealthCounts } from '../store/onboarding-stats-repository.ts';
import type { Store } from '../store/store.ts';
import type { VoucherState } from '../store/voucher-repository.ts';

const HOUR_MS = 3_600_000;
/** A registration running out within this many hours counts as expiring soon. */
export const TO0_SOON_HOURS = 24;
/** The rate series covers at most this many hours (a week). */
export const MAX_RATE_HOURS = 168;

export const MANUFACTURER_VOUCHER_STATES = ['created', 'extended'] as const satisfies readonly VoucherState[];
export const OWNER_VOUCHER_STATES = [
  'imported',
  'registered',
  'onboarded',
  'replaced',
  'resold',
] as const satisfies readonly VoucherState[];

/**
 * The funnel's stages, each counting the device records that reached it at least once:
 * `manufactured` every record; `sold` those that left the manufactured state (their voucher was
 * extended on, or an owner holds it); `onboarded` those that finished TO2; `active` those that
 * reached the device API. A later state (suspended, decommissioned) keeps the stages reached.
 */
export const FUNNEL_STAGES = ['manufactured', 'sold', 'onboarded', 'active'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export interface OnboardingStats {
  at: Date;
  vouchers: {
    manufacturer: Record<(typeof MANUFACTURER_VOUCHER_STATES)[number], number>;
    owner: Record<(typeof OWNER_VOUCHER_STATES)[number], number>;
  };
  devices: Record<DeviceState, number>;
  funnel: { stage: FunnelStage; count: number }[];
  to0: To0HealthCounts & { soonHours: number };
  rendezvous: RendezvousCounts;
  /** One entry per hour, oldest first, the current hour last; hours without a TO2 count 0. */
  onboardedPerHour: HourCount[];
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** Every hour of the window with its count: the store leaves empty hours out. */
function hourSeries(found: readonly HourCount[], since: number, hours: number): HourCount[] {
  const byHour = new Map(found.map((h) => [h.hour.getTime(), h.count]));
  return Array.from({ length: hours }, (_, i) => {
    const t = since + i * HOUR_MS;
    return { hour: new Date(t), count: byHour.get(t) ?? 0 };
  });
}

/** The figures at `now`, TO2s per hour over the last `hours` hours (1 to MAX_RATE_HOURS; the current hour is the last). */
export async function onboardingStats(store: Pick<Store, 'onboardingStats'>, now: Date, hours = 24): Promise<OnboardingStats> {
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_RATE_HOURS)
    throw new TypeError(`hours must be an integer from 1 to ${MAX_RATE_HOURS}`);
  const s = store.onboardingStats;
  const until = (Math.floor(now.getTime() / HOUR_MS) + 1) * HOUR_MS;
  const since = until - hours * HOUR_MS;
  const [voucherStates, deviceStates, milestones, to0, rendezvous, perHour] = await Promise.all([
    s.voucherStates(),
    s.deviceStates(),
    s.deviceMilestones(),
    s.to0Health(now, new Date(now.getTime() + TO0_SOON_HOURS * HOUR_MS)),
    s.rendezvousCounts(now),
    s.onboardedPerHour(new Date(since), new Date(until)),
  ]);
  const vouchers = { manufacturer: zeros(MANUFACTURER_VOUCHER_STATES), owner: zeros(OWNER_VOUCHER_STATES) };
  for (const v of voucherStates) {
    const side: Record<string, number> = vouchers[v.side];
    if (v.state in side) side[v.state] = v.count;
  }
  const devices = zeros(DEVICE_STATES);
  for (const d of deviceStates) devices[d.state] = d.count;
  const total = deviceStates.reduce((n, d) => n + d.count, 0);
  const counts: Record<FunnelStage, number> = {
    manufactured: total,
    sold: total - devices.manufactured,
    onboarded: milestones.onboarded,
    active: milestones.activated,
  };
  return {
    at: now,
    vouchers,
    devices,
    funnel: FUNNEL_STAGES.map((stage) => ({ stage, count: counts[stage] })),
    to0: { ...to0, soonHours: TO0_SOON_HOURS },
    rendezvous,
    onboardedPerHour: hourSeries(perHour, since, hours),
  };
}
