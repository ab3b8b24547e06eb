import { MemorySessionStore } from '../../src/server/fdo/memory-session-store.ts';
import { sessionStoreContract } from './session-store-contract.ts';

sessionStoreContract('MemorySessionStore', () => new MemorySessionStore());
