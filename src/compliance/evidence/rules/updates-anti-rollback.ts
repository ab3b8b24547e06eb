/**
 * SUIT anti-rollback (draft-ietf-suit-manifest §8.4.2, suit-manifest-sequence-number): each release
 * of the model carries a sequence number above every earlier one, as its verified manifest says, so a
 * device that applies the check refuses any older manifest.
 */
import type { RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts, ReleaseFacts } from '../evidence-facts.ts';
import { count, noRelease, releaseItem, unregistered } from '../rule-result.ts';

const RULE = 'updates-anti-rollback';

/** The first release whose sequence number is not above the one before it, or not the one its manifest carries. */
function firstBreak(releases: readonly ReleaseFacts[]): { release: ReleaseFacts; why: string } | undefined {
  let previous: ReleaseFacts | undefined;
  for (const r of releases) {
    if (r.manifestSequence === undefined) return { release: r, why: 'its manifest does not verify, so its sequence number is unknown' };
    if (r.manifestSequence !== r.sequenceNumber)
      return { release: r, why: `its manifest carries sequence number ${r.manifestSequence}, not ${r.sequenceNumber}` };
    if (previous !== undefined && r.sequenceNumber <= previous.sequenceNumber)
      return { release: r, why: `its sequence number is not above ${previous.sequenceNumber} of ${previous.version}, released before it` };
    previous = r;
  }
  return undefined;
}

export function updatesAntiRollback(facts: EvidenceFacts): RuleResult {
  if (facts.product === undefined) return unregistered(RULE, facts);
  const releases = facts.updates.releases;
  if (releases.length === 0) return noRelease(RULE, facts);
  const broken = firstBreak(releases);
  if (broken !== undefined)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: `Release ${broken.release.version} breaks anti-rollback: ${broken.why}.`,
      evidence: [releaseItem(broken.release, broken.why)],
      remedy: 'Give every new release a sequence number above all earlier ones of the model.',
    };
  const first = releases[0] as ReleaseFacts;
  const last = releases[releases.length - 1] as ReleaseFacts;
  return {
    rule: RULE,
    outcome: 'met',
    detail: `The sequence numbers of ${count(releases.length, 'release')} rise strictly, from ${first.sequenceNumber} to ${last.sequenceNumber}.`,
    evidence: [releaseItem(last, 'latest release')],
  };
}
