/**
 * The model's releases, each stored SUIT envelope verified again now against the update anchors
 * (draft-ietf-suit-manifest §8.3) with its manifest's sequence number (§8.4.2, anti-rollback), and
 * the campaigns of those releases: which in-service devices they targeted and which installed with
 * a SUIT report that verified.
 */
import type { CoseKey } from '../../../codec/cose/key.ts';
import { IotopiaError } from '../../../errors.ts';
import type { ReleaseInfo } from '../../../store/release-repository.ts';
import { verifyEnvelope } from '../../../suit/authenticate.ts';
import type { ReleaseFacts, UpdateFacts } from '../evidence-facts.ts';
import { MAX_EXAMPLES } from '../evidence-facts.ts';
import type { EvidenceStore } from '../evidence-ports.ts';
import type { Member } from './collect-devices.ts';
import { allItems, keep, PAGE } from './paged.ts';

const page = (after: string | undefined) => ({ limit: PAGE, ...(after === undefined ? {} : { after }) });

async function releaseFacts(store: EvidenceStore, r: ReleaseInfo, anchors: readonly CoseKey[]): Promise<ReleaseFacts> {
  const base = { id: r.id, version: r.version, sequenceNumber: r.sequenceNumber, state: r.state, origin: r.origin, createdAt: r.createdAt };
  const record = await store.releases.get(r.id);
  if (record === undefined) return { ...base, verifies: false, reason: 'the release is gone' };
  if (anchors.length === 0) return { ...base, verifies: false, reason: 'no update anchor is configured' };
  try {
    const { envelope } = verifyEnvelope(record.envelope, { keys: anchors });
    return { ...base, verifies: true, manifestSequence: Number(envelope.manifest.sequenceNumber) };
  } catch (e) {
    if (!(e instanceof IotopiaError)) throw e;
    return { ...base, verifies: false, reason: `${e.code}: ${e.message}` };
  }
}

export async function collectReleases(store: EvidenceStore, model: string, anchors: readonly CoseKey[]): Promise<ReleaseFacts[]> {
  const out: ReleaseFacts[] = [];
  for await (const r of allItems((after) => store.releases.list({ model, ...page(after) })))
    out.push(await releaseFacts(store, r, anchors));
  // Creation order is the order anti-rollback is judged in; the sequence number breaks ties.
  return out.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.sequenceNumber - b.sequenceNumber);
}

export async function collectUpdates(
  store: EvidenceStore,
  releases: ReleaseFacts[],
  byGuid: ReadonlyMap<string, Member>,
): Promise<UpdateFacts> {
  const ids = new Set(releases.map((r) => r.id));
  const facts: UpdateFacts = { releases, campaigns: 0, campaignExamples: [], targeted: 0, installedVerified: 0, notInstalledExamples: [] };
  const targeted = new Set<Member>();
  const installed = new Set<Member>();
  if (ids.size === 0) return facts;
  for await (const c of allItems((after) => store.campaigns.list(page(after)))) {
    if (!ids.has(c.releaseId)) continue;
    facts.campaigns++;
    keep(facts.campaignExamples, { id: c.id, releaseId: c.releaseId, state: c.state }, MAX_EXAMPLES);
    for await (const a of allItems((after) => store.campaigns.listActions(c.id, page(after)))) {
      const m = byGuid.get(a.guid);
      if (m === undefined || !m.inService) continue;
      targeted.add(m);
      if (a.state === 'succeeded' && a.reportVerified) installed.add(m);
    }
  }
  facts.targeted = targeted.size;
  facts.installedVerified = installed.size;
  for (const m of targeted) if (!installed.has(m)) keep(facts.notInstalledExamples, m.guid, MAX_EXAMPLES);
  return facts;
}
