/**
 * RFC 8520 §8.1–§8.3 need the other devices: `manufacturer` and `same-manufacturer` match devices
 * whose MUD URL has a given authority, `model` those with exactly a given MUD URL.
 */
import type { MudFile } from '../../mud/model/mud-file.ts';
import type { Store } from '../../store/store.ts';
import type { PeerMaps } from './policy.ts';

const push = (m: Map<string, string[]>, k: string, v: string[]) => m.set(k, [...(m.get(k) ?? []), ...v]);

export async function peerMaps(store: Store): Promise<PeerMaps> {
  const out: PeerMaps = { manufacturers: new Map(), models: new Map() };
  let after: string | undefined;
  do {
    const page = await store.intentDevices.list({ limit: 1000, ...(after === undefined ? {} : { after }) });
    for (const d of page.items) {
      if (d.mudUrl === undefined || d.state === 'removed') continue;
      const addresses = [d.ipv4, d.ipv6].filter((a) => a !== undefined);
      if (addresses.length === 0) continue;
      let authority: string;
      try {
        authority = new URL(d.mudUrl).host.toLowerCase();
      } catch {
        continue;
      }
      push(out.manufacturers, authority, addresses);
      push(out.models, d.mudUrl, addresses);
    }
    after = page.next;
  } while (after !== undefined);
  return out;
}

/** Reads the peers once, on first need; one loader serves a whole pass (a tick, a reconciliation). */
export type PeerLoader = () => Promise<PeerMaps>;

export function peerLoader(store: Store): PeerLoader {
  let maps: Promise<PeerMaps> | undefined;
  return () => {
    maps ??= peerMaps(store);
    return maps;
  };
}

/** True when a file's ACEs use an abstraction that needs the other devices (§8.1–§8.3). */
export function needsPeers(file: MudFile): boolean {
  return file.acls.some((acl) =>
    acl.aces.some((ace) => {
      const m = ace.matches.mud;
      return m !== undefined && (m.manufacturer !== undefined || m.sameManufacturer === true || m.model !== undefined);
    }),
  );
}
