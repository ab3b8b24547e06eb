/**
 * The product's MUD file as this server publishes it (re-verified now: the detached CMS signature
 * over the stored bytes, RFC 8520 §13), and as the MUD manager holds it for the model's devices.
 */
import { IotopiaError } from '../../../errors.ts';
import { verifyMudSignature } from '../../../mud/signature/cms-verify.ts';
import type { IntentDeviceRecord } from '../../../store/intent-device-repository.ts';
import type { MudFileRecord } from '../../../store/mud-file-repository.ts';
import type { MudFacts } from '../evidence-facts.ts';
import type { EvidenceStore } from '../evidence-ports.ts';

/** The file name a MUD URL is published under here: its last path segment. */
export function publishedName(mudUrl: string): string | undefined {
  try {
    const segments = new URL(mudUrl).pathname.split('/');
    const last = decodeURIComponent(segments[segments.length - 1] ?? '');
    return last.length > 0 ? last : undefined;
  } catch {
    return undefined;
  }
}

function verification(file: MudFileRecord, now: Date): { verifies: boolean; reason?: string } {
  try {
    verifyMudSignature(file.content, file.signature, { checkChain: false, time: now });
    return { verifies: true };
  } catch (e) {
    if (!(e instanceof IotopiaError)) throw e;
    return { verifies: false, reason: `${e.code}: ${e.message}` };
  }
}

async function published(store: EvidenceStore, url: string, now: Date): Promise<MudFacts['published']> {
  const name = publishedName(url);
  const file = name === undefined ? undefined : await store.mudFiles.get(name);
  if (name === undefined || file === undefined || file.mudUrl !== url) return undefined;
  return { name, mudUrl: file.mudUrl, signer: file.signer, ...verification(file, now) };
}

/** `intent` holds the MUD manager's records of the model's devices. */
export async function collectMud(
  store: EvidenceStore,
  url: string | undefined,
  intent: readonly IntentDeviceRecord[],
  now: Date,
): Promise<MudFacts> {
  if (url === undefined) return { fetchedSigned: 0, fetchedUnsigned: 0 };
  const withFile = intent.filter((d) => d.mudUrl === url && d.mud !== undefined);
  const signed = new Set(withFile.filter((d) => d.mud?.signed === true).map((d) => d.guid));
  const unsigned = new Set(withFile.filter((d) => d.mud?.signed !== true && !signed.has(d.guid)).map((d) => d.guid));
  const file = await published(store, url, now);
  return { url, ...(file === undefined ? {} : { published: file }), fetchedSigned: signed.size, fetchedUnsigned: unsigned.size };
}
