import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CrashReport, crashRestart, DEVICE_SIDE } from './crash-harness.ts';

// The in-suite size of the proof; `npm run proof:crash` runs the full 300 devices (docs/fleet.md).
const COUNT = Number(process.env.IOTOPIA_CRASH_COUNT ?? 80);
const KILLS = Number(process.env.IOTOPIA_CRASH_KILLS ?? 4);

describe(`SIGKILL of iotopia up ${KILLS} times while ${COUNT} simulated devices onboard, restarting on the same data`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'iotopia-crash-'));
  let report: CrashReport;
  before(async () => {
    report = await crashRestart({ dataDir, count: COUNT, kills: KILLS, killEveryMs: [200, 900] });
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('the server was killed while devices onboarded and came back each time', (t) => {
    t.diagnostic(JSON.stringify({ summary: report.summary, kills: report.kills, counts: report.counts }));
    assert.ok(report.kills >= 1);
    assert.equal(report.starts, report.kills + 1);
  });

  test('every device onboarded in the store; no voucher lost, none owned or onboarded twice, audit log consistent', () => {
    for (const c of report.checks) if (c.name !== DEVICE_SIDE) assert.ok(c.ok, `${c.name}: ${c.detail}`);
  });

  test(DEVICE_SIDE, () => {
    // A kill between the owner's commit at TO2.Done and TO2.Done2 leaves the device on its old
    // credential; the old voucher is still offered to it, so its retry onboards (ADR 0009).
    const c = report.checks.find((x) => x.name === DEVICE_SIDE);
    assert.ok(c?.ok, c?.detail);
  });
});
