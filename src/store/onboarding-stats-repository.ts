import type { DeviceState } from './device-repository.ts';
import type { VoucherSide, VoucherState } from './voucher-repository.ts';

/** How many vouchers one side holds in one state. */
export interface VoucherStateCount {
  side: VoucherSide;
  state: VoucherState;
  count: number;
}

/** How many device records are in one state. */
export interface DeviceStateCount {
  state: DeviceState;
  count: number;
}

/** Device records that ever finished TO2 (`onboardedAt` set) and ever reached the device API (`activatedAt` set). */
export interface DeviceMilestones {
  onboarded: number;
  activated: number;
}

/**
 * The owner's TO0 registrations at `now`, counting only vouchers still to keep registered
 * (`imported` or `registered`), as the refresh job does.
 */
export interface To0HealthCounts {
  /** Registrations tracked for such vouchers. */
  tracked: number;
  /** Their `refreshAt` has come. */
  due: number;
  /** Their last attempt failed (`failures` > 0). */
  failing: number;
  /** Registered, running out after `now` and at or before `soon`. */
  expiringSoon: number;
  /** Registered once, run out at or before `now`. */
  expired: number;
}

/** The registrations a rendezvous holds: all of them, and those run out at `now` (kept until swept). */
export interface RendezvousCounts {
  registrations: number;
  expired: number;
}

/** Device records whose TO2 finished in one hour: `hour` is the hour's start. */
export interface HourCount {
  hour: Date;
  count: number;
}

/**
 * Counts over the onboarding tables, each one aggregate query answered from an index, so that the
 * console's figures stay cheap for a fleet of a hundred thousand devices. The meaning of the
 * figures (the funnel, what is healthy) is the onboarding service's (onboarding/onboarding-stats.ts).
 */
export interface OnboardingStatsRepository {
  /** Vouchers by side and state; pairs without a voucher are left out. */
  voucherStates(): Promise<VoucherStateCount[]>;
  /** Device records by state; states without a device are left out. */
  deviceStates(): Promise<DeviceStateCount[]>;
  deviceMilestones(): Promise<DeviceMilestones>;
  to0Health(now: Date, soon: Date): Promise<To0HealthCounts>;
  rendezvousCounts(now: Date): Promise<RendezvousCounts>;
  /** Devices by the hour of their last TO2, for TO2s at or after `since` and before `until`; hours without one are left out, oldest first. */
  onboardedPerHour(since: Date, until: Date): Promise<HourCount[]>;
}
