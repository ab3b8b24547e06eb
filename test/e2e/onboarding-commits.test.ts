/**
 * What one onboarding on the all-in-one server costs the disk: DI (with the automatic owner import
 * and the TO0 registration with its own rendezvous) and TO2's end are its only durable commits,
 * and `PRAGMA synchronous` is never changed inside a transaction (ADR 0030).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, StatementSync } from 'node:sqlite';
import { test } from 'node:test';
import { runFleet } from '../../src/agent/fleet.ts';
import { resolveConfig } from '../../src/server/platform/config.ts';
import { startPlatform } from '../../src/server/platform/platform.ts';

test('one onboarding on the all-in-one server makes two durable commits and no other durable write, and sets no pragma inside a transaction', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'iotopia-commits-'));
  const platform = await startPlatform(resolveConfig(['test', { listen: '127.0.0.1:0', dataDir, logLevel: 'silent' }]));
  const run = StatementSync.prototype.run;
  const exec = DatabaseSync.prototype.exec;
  let commits = 0;
  // Every durable write switches to FULL first: a transaction before its BEGIN, a write on its own
  // before the write (src/store/sqlite/durability.ts).
  let durableSwitches = 0;
  const pragmasInTransaction: string[] = [];
  try {
    // A first device warms up what the server does once (keys, settings).
    assert.equal((await runFleet({ count: 1, concurrency: 1, manufacturer: platform.url })).succeeded, 1);
    StatementSync.prototype.run = function (this: StatementSync, ...args: unknown[]) {
      if (/^\s*commit\s*$/i.test(this.sourceSQL)) commits++;
      return (run as (...a: unknown[]) => ReturnType<StatementSync['run']>).apply(this, args);
    } as StatementSync['run'];
    DatabaseSync.prototype.exec = function (this: DatabaseSync, sql: string) {
      if (/synchronous/i.test(sql) && this.isTransaction) pragmasInTransaction.push(sql);
      if (/^PRAGMA synchronous = FULL$/i.test(sql.trim()) && !this.isTransaction) durableSwitches++;
      return exec.call(this, sql);
    };
    const devices = 3;
    const fleet = await runFleet({ count: devices, concurrency: 1, manufacturer: platform.url });
    assert.equal(fleet.succeeded, devices);
    assert.equal(commits, 2 * devices);
    assert.equal(durableSwitches, 2 * devices, 'no durable write outside the two transactions (the TO2 credential waits for TO2 end)');
    assert.deepEqual(pragmasInTransaction, []);
    // The registration committed with DI is the one TO1 found: each device's voucher is registered, audited.
    const audit = await platform.store.audit.list({ limit: 1000 });
    const registered = audit.items.filter((e) => e.action === 'rendezvous.registered').length;
    assert.equal(registered, devices + 1);
  } finally {
    StatementSync.prototype.run = run;
    DatabaseSync.prototype.exec = exec;
    await platform.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
