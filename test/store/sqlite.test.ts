import { runStoreContract } from './contract.ts';
import { sqliteFileHarness, sqliteMemoryHarness } from './harness.ts';

runStoreContract('SQLite file', async () => sqliteFileHarness());
runStoreContract('SQLite :memory:', async () => sqliteMemoryHarness());
