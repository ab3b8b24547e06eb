/**
 * Every device of the product got its own key in FDO DI (FDO 1.1 §5.2: the manufacturer certifies
 * the key from the device's CSR), and no two devices hold the same one. The HMAC secret is made by
 * the device itself in DI and never leaves it, and device API credentials are stored by their
 * unique hash, so neither is compared here.
 */
import type { EvidenceItem, RuleResult } from '../../assessment/result-types.ts';
import type { EvidenceFacts } from '../evidence-facts.ts';
import { count, deviceItem, unregistered } from '../rule-result.ts';

const RULE = 'unique-device-credentials';

export function uniqueDeviceCredentials(facts: EvidenceFacts): RuleResult {
  if (facts.product === undefined) return unregistered(RULE, facts);
  const d = facts.devices;
  if (d.total === 0)
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: `No device of model ${facts.model} is known.`,
      evidence: [],
      remedy: 'Make the devices through FDO DI so that each gets its own certified device key.',
    };
  if (d.sharingKey > 0) {
    const evidence: EvidenceItem[] = d.sharingExamples.flatMap((group) =>
      group.map((guid) => deviceItem(guid, `shares its device key with ${count(group.length - 1, 'other device')}`)),
    );
    return {
      rule: RULE,
      outcome: 'not-met',
      detail: `${d.sharingKey} of ${count(d.total, 'device')} share a device key with another device (${count(d.sharedKeys, 'shared key')}).`,
      evidence,
      remedy: 'Give every device its own key pair, generated on the device, before DI.',
    };
  }
  const uncertified = d.total - d.withDiCredential;
  const examples = d.examples.map((guid) => deviceItem(guid, 'has a device key certified at DI'));
  if (uncertified > 0)
    return {
      rule: RULE,
      outcome: 'partially-met',
      detail: `${d.withDiCredential} of ${count(d.total, 'device')} have distinct device keys certified at DI; ${uncertified} carry no device certificate, so their keys cannot be compared.`,
      evidence: examples,
      remedy: 'Make the remaining devices through FDO DI with a device certificate chain in their vouchers.',
    };
  return {
    rule: RULE,
    outcome: 'met',
    detail: `${d.total} of ${count(d.total, 'device')} have distinct device keys certified at DI; each made its own HMAC secret in DI.`,
    evidence: examples,
  };
}
