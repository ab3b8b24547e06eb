/** A store in memory with the release service over it, payloads in the database or in a directory. */
import { randomBytes } from 'node:crypto';
import { type PayloadStorageConfig, releaseService } from '../../../src/lifecycle/releases/service.ts';
import { ensureUpdateAuthority } from '../../../src/lifecycle/releases/update-authority.ts';
import { openStore } from '../../../src/store/open-store.ts';

export const KEK = new Uint8Array(32).fill(5);
export const uriOf = (digest: string) => `https://updates.example/device/v1/artifacts/${digest}`;

export async function releaseFixture(
  storage: PayloadStorageConfig = { kind: 'database' },
  extra: Parameters<typeof releaseService>[0]['extraAnchors'] = [],
) {
  const store = await openStore(':memory:', { kek: KEK });
  const authority = await ensureUpdateAuthority(store);
  const service = releaseService({ store, authority, storage, payloadUri: uriOf, maxPayloadBytes: 2 * 1024 * 1024, extraAnchors: extra });
  return { store, authority, service, close: () => store.close() };
}

/** A source yielding `bytes` in pieces of `piece` bytes, as a network stream would. */
export async function* pieces(bytes: Uint8Array, piece = 10_000): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += piece) yield bytes.subarray(i, i + piece);
}

export const image = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
