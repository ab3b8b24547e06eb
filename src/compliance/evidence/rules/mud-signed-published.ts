/**
 * The product's MUD file (RFC 8520) is published with a detached signature that verifies (§13):
 * published by this server and verified again now, or fetched and verified by the MUD manager for
 * the model's devices. Devices that report another MUD URL weaken it.
 */
import type { EvidenceItem, RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { count, deviceItem, hrefs, unregistered } from '../rule-result.ts';

const RULE = 'mud-signed-published';

function notMet(detail: string, remedy: string, evidence: EvidenceItem[] = []): RuleResult {
  return { rule: RULE, outcome: 'not-met', detail, evidence, remedy };
}

export function mudSignedPublished(facts: EvidenceFacts): RuleResult {
  if (facts.product === undefined) return unregistered(RULE, facts);
  const m = facts.mud;
  if (m.url === undefined)
    return notMet('The product declares no MUD URL.', "Declare the product's MUD URL and publish its signed MUD file.");
  const evidence: EvidenceItem[] = [];
  const p = m.published;
  if (p !== undefined)
    evidence.push({
      kind: 'mud-file',
      id: p.name,
      detail: p.verifies ? `signed by ${p.signer}; the signature verifies` : `the signature does not verify: ${p.reason ?? 'unknown'}`,
      href: hrefs.mudFile(p.name),
    });
  if (m.fetchedSigned > 0)
    evidence.push({ kind: 'mud-file', id: m.url, detail: `${m.fetchedSigned} device MUD records hold it with a verified signature` });
  const verified = p?.verifies === true || m.fetchedSigned > 0;
  if (!verified) {
    const unsigned = m.fetchedUnsigned > 0 ? ` (${count(m.fetchedUnsigned, 'device MUD record')} hold it unsigned)` : '';
    const why = `${p !== undefined ? 'is published here but its signature does not verify' : 'is neither published here nor fetched signed'}${unsigned}`;
    return notMet(`The MUD file at ${m.url} ${why}.`, 'Publish the MUD file with a detached signature that verifies.', evidence);
  }
  const other = facts.devices.mudUrlReported;
  if (other.other > 0)
    return {
      rule: RULE,
      outcome: 'partially-met',
      detail: `The MUD file at ${m.url} is signed and verifies, but ${count(other.other, 'device')} reported another MUD URL in TO2.`,
      evidence: [...evidence, ...other.otherExamples.map((g) => deviceItem(g, 'reported another MUD URL'))],
      remedy: "Make every device report the product's MUD URL.",
    };
  return { rule: RULE, outcome: 'met', detail: `The MUD file at ${m.url} is published, signed, and its signature verifies.`, evidence };
}
