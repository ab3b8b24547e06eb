import { test } from 'node:test';
import { runStoreContract } from './contract.ts';
import { postgresHarness } from './harness.ts';

const url = process.env['IOTOPIA_TEST_PG_URL'];

if (url === undefined || url === '') {
  test('store contract: PostgreSQL', { skip: 'IOTOPIA_TEST_PG_URL is not set (.ci/run starts a PostgreSQL and sets it)' }, () => {});
} else {
  runStoreContract('PostgreSQL', () => postgresHarness(url));
}
