/**
 * The onboarding figures (`GET /api/v1/stats/onboarding`) over a fleet of `--devices N` device
 * records (default 100,000) in a SQLite file: every device with its manufacturer and owner voucher,
 * its TO0 registration and a rendezvous registration; nine in ten onboarded and active, their TO2s
 * spread over the last week, the rest still registered. Rows are written straight into the tables
 * (this measures the counting, not the writing). Prints the median of `--runs R` (default 5) for the
 * whole figure set and for each store count: `npm run bench -- onboarding-stats`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { onboardingStats } from '../src/onboarding/onboarding-stats.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';

const HOUR = 3_600_000;
const KEK = new Uint8Array(32).fill(7);

export interface OnboardingStatsResult {
  devices: number;
  runs: number;
  /** Median milliseconds: every figure of the route, then each store count alone. */
  medianMs: Record<string, number>;
}

function option(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const v = i < 0 ? fallback : Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} takes a positive integer`);
  return v;
}

function fill(path: string, devices: number, now: number): void {
  const db = new DatabaseSync(path);
  try {
    db.exec('BEGIN');
    const dev = db.prepare(
      'INSERT INTO devices (guid, state, created_at, updated_at, onboarded_at, activated_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const vou = db.prepare("INSERT INTO vouchers (side, guid, voucher, state, created_at, updated_at) VALUES (?, ?, x'00', ?, ?, ?)");
    const reg = db.prepare(
      "INSERT INTO to0_registrations (guid, rendezvous, wait_seconds, registered_at, registered_until, refresh_at, last_attempt_at, failures, updated_at) VALUES (?, 'in-process', 3600, ?, ?, ?, ?, 0, ?)",
    );
    const rv = db.prepare("INSERT INTO rendezvous (guid, to1d, voucher, expires_at, updated_at) VALUES (?, x'00', x'00', ?, ?)");
    for (let i = 0; i < devices; i++) {
      const g = i.toString(16).padStart(32, '0');
      const onboarded = i % 10 !== 0;
      const at = onboarded ? now - (i % 168) * HOUR : null;
      dev.run(g, onboarded ? 'active' : 'registered', now, now, at, at);
      vou.run('manufacturer', g, 'created', now, now);
      vou.run('owner', g, onboarded ? 'onboarded' : 'registered', now, now);
      reg.run(g, now, now + HOUR, now + 0.75 * HOUR, now, now);
      rv.run(g, now + HOUR, now);
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

async function medianMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return Number((times[Math.floor(times.length / 2)] ?? 0).toFixed(2));
}

function counts(store: Store, now: Date): Record<string, () => Promise<unknown>> {
  const s = store.onboardingStats;
  return {
    voucherStates: () => s.voucherStates(),
    deviceStates: () => s.deviceStates(),
    deviceMilestones: () => s.deviceMilestones(),
    to0Health: () => s.to0Health(now, new Date(now.getTime() + 24 * HOUR)),
    rendezvousCounts: () => s.rendezvousCounts(now),
    onboardedPerHour: () => s.onboardedPerHour(new Date(now.getTime() - 168 * HOUR), now),
  };
}

export async function onboardingStatsBench(args: readonly string[]): Promise<OnboardingStatsResult> {
  const devices = option(args, '--devices', 100_000);
  const runs = option(args, '--runs', 5);
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-bench-onboarding-stats-'));
  const path = join(dir, 'iotopia.db');
  try {
    await (await openStore(`sqlite:${path}`, { kek: KEK })).close();
    const now = new Date();
    fill(path, devices, now.getTime());
    const store = await openStore(`sqlite:${path}`, { kek: KEK });
    try {
      const medians: Record<string, number> = { 'all (168 hours)': await medianMs(runs, () => onboardingStats(store, now, 168)) };
      for (const [name, fn] of Object.entries(counts(store, now))) medians[name] = await medianMs(runs, fn);
      return { devices, runs, medianMs: medians };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
