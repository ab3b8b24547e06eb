/**
 * Gathers the EvidenceFacts of one product model at `now` from the store and the ports. Reads
 * only: the model's devices come a page of a thousand at a time through the index on their
 * vouchers' DeviceInfo (one read of each device's record), and every other list is read in pages
 * of a thousand and joined here, not with a query per device.
 */
import { collectDevices } from './collect/collect-devices.ts';
import { collectIntent, intentRecords } from './collect/collect-intent.ts';
import { collectMud } from './collect/collect-mud.ts';
import { collectReleases, collectUpdates } from './collect/collect-updates.ts';
import type { EvidenceFacts } from './evidence-facts.ts';
import { MAX_EXAMPLES } from './evidence-facts.ts';
import type { EvidenceDeps, OpenVulnerability } from './evidence-ports.ts';

/** The MUD conformance window when none is configured: 30 days. */
export const DEFAULT_INTENT_WINDOW_MS = 30 * 86_400_000;

export async function collectEvidenceFacts(deps: EvidenceDeps, model: string, now: Date): Promise<EvidenceFacts> {
  if (typeof model !== 'string' || model.length === 0) throw new TypeError('collectEvidenceFacts: model is a non-empty string');
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('collectEvidenceFacts: now is a valid Date');
  const { store } = deps;
  const product = await deps.products.product(model);
  const devices = await collectDevices(store, model, product?.mudUrl);
  const records = await intentRecords(store, devices.byGuid);
  const windowMs = deps.intentWindowMs ?? DEFAULT_INTENT_WINDOW_MS;
  const intent = await collectIntent(store, devices.members.values(), records, { from: new Date(now.getTime() - windowMs), to: now });
  const mud = await collectMud(store, product?.mudUrl, [...records.values()].flat(), now);
  const releases = await collectReleases(store, model, deps.updateAnchors);
  const updates = await collectUpdates(store, releases, devices.byGuid);
  const release = await deps.products.currentRelease(model);
  const present = release === undefined ? false : await deps.products.sbomPresent(model, release.version);
  const probe = await deps.probes.latest(model);
  return {
    model,
    at: now,
    ...(product === undefined ? {} : { product }),
    devices: devices.facts,
    mud,
    intent,
    updates,
    sbom: { ...(release === undefined ? {} : { release }), present },
    vulnerabilities: vulnerabilityFacts(await deps.products.openVulnerabilities(model, now), now),
    platform: deps.platform,
    ...(probe === undefined ? {} : { probe }),
  };
}

function vulnerabilityFacts(open: readonly OpenVulnerability[], now: Date): EvidenceFacts['vulnerabilities'] {
  const past = open.filter((v) => v.deadline !== undefined && v.deadline.getTime() <= now.getTime());
  return {
    open: open.length,
    pastDeadline: past.length,
    withoutDeadline: open.filter((v) => v.deadline === undefined).length,
    pastDeadlineExamples: past.slice(0, MAX_EXAMPLES).map((v) => ({ id: v.id, component: v.component, deadline: v.deadline as Date })),
  };
}
