/** The release service as the server holds it: payload storage chosen, the update authority, the anchors. */
import type { CoseKey } from '../../codec/cose/key.ts';
import type { Store } from '../../store/store.ts';
import { databasePayloadStorage } from './database-storage.ts';
import { directoryPayloadStorage } from './directory-storage.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES, type PayloadDeps } from './payloads.ts';
import type { ReleaseDeps } from './releases.ts';
import type { UpdateAuthority } from './update-authority.ts';

/** Where payloads are kept: `database` (the default) or files under `dir`. */
export type PayloadStorageConfig = { kind: 'database' } | { kind: 'directory'; dir: string };

export interface ReleaseServiceOptions {
  store: Store;
  authority: UpdateAuthority;
  storage?: PayloadStorageConfig;
  extraAnchors?: readonly CoseKey[];
  payloadUri: (digest: string) => string;
  maxPayloadBytes?: number;
}

export interface ReleaseService {
  releases: ReleaseDeps;
  payloads: PayloadDeps;
}

export function releaseService(o: ReleaseServiceOptions): ReleaseService {
  const storage = o.storage?.kind === 'directory' ? directoryPayloadStorage(o.storage.dir) : databasePayloadStorage(o.store.payloads);
  return {
    releases: {
      store: o.store,
      authority: o.authority,
      payloadUri: o.payloadUri,
      ...(o.extraAnchors === undefined ? {} : { extraAnchors: o.extraAnchors }),
    },
    payloads: { payloads: o.store.payloads, storage, maxBytes: o.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES },
  };
}
