/**
 * Every contract file runs its tests once per backend: SQLite on a file and on `:memory:`, and
 * PostgreSQL when IOTOPIA_TEST_PG_URL is set (each test in a database of its own, dropped
 * afterwards); without it the PostgreSQL half reports itself skipped.
 */
import { describe, test } from 'node:test';
import { postgresHarness, sqliteFileHarness, sqliteMemoryHarness } from '../harness.ts';
import type { HarnessFactory } from './shared.ts';

export function forEachDialect(suite: (make: HarnessFactory) => void): void {
  describe('store contract: SQLite file', () => suite(async () => sqliteFileHarness()));
  describe('store contract: SQLite :memory:', () => suite(async () => sqliteMemoryHarness()));
  const url = process.env['IOTOPIA_TEST_PG_URL'];
  if (url === undefined || url === '') {
    test('store contract: PostgreSQL', { skip: 'IOTOPIA_TEST_PG_URL is not set (.ci/run starts a PostgreSQL and sets it)' }, () => {});
  } else {
    describe('store contract: PostgreSQL', () => suite(() => postgresHarness(url)));
  }
}
