/**
 * `store.sessions` is the FDO transport's SessionStore: the transport's own contract suite runs on
 * both backends here (its tests reuse fixed tokens, so each gets an emptied sessions table).
 */
import { after } from 'node:test';
import { openStore } from '../../src/store/open-store.ts';
import type { SessionRepository } from '../../src/store/session-repository.ts';
import type { Store } from '../../src/store/store.ts';
import { sessionStoreContract } from '../server/session-store-contract.ts';
import { KEK } from './contract/shared.ts';
import { postgresHarness, type StoreHarness } from './harness.ts';

const opened: Store[] = [];
after(async () => {
  for (const s of opened) await s.close();
});

sessionStoreContract('SQLite store.sessions', async (): Promise<SessionRepository> => {
  const store = await openStore(':memory:', { kek: KEK });
  opened.push(store);
  return store.sessions;
});

const url = process.env['IOTOPIA_TEST_PG_URL'];
if (url !== undefined && url !== '') {
  let harness: StoreHarness | undefined;
  let shared: Store | undefined;
  after(async () => {
    await shared?.close();
    await harness?.destroy();
  });
  sessionStoreContract('PostgreSQL store.sessions', async (): Promise<SessionRepository> => {
    harness ??= await postgresHarness(url);
    shared ??= await harness.open(KEK);
    await harness.raw?.('DELETE FROM sessions');
    return shared.sessions;
  });
}
