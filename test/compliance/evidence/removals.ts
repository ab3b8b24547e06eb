/**
 * One removal per piece of evidence: what it takes out of facts that meet every rule, and the rules
 * that then stop being met. The rules are independent except where one piece of evidence truly
 * underlies several (an SBOM for vulnerability matching, a verified manifest for its sequence number).
 */
import type { EvidenceFacts } from '../../../src/compliance/evidence/evidence-facts.ts';
import type { EvidenceRuleId } from '../../../src/compliance/evidence/rule-ids.ts';
import { release } from './facts-fixture.ts';

export interface EvidenceRemoval {
  evidence: string;
  remove: (f: EvidenceFacts) => void;
  flips: EvidenceRuleId[];
}

export const REMOVALS: EvidenceRemoval[] = [
  {
    evidence: 'distinct device keys',
    remove: (f) => Object.assign(f.devices, { sharingKey: 2, sharedKeys: 1 }),
    flips: ['unique-device-credentials'],
  },
  {
    evidence: 'device certificates from DI',
    remove: (f) => (f.devices.withDiCredential = 0),
    flips: ['unique-device-credentials', 'no-default-passwords'],
  },
  {
    evidence: 'the password-free declaration',
    remove: (f) => ((f.product as { usesPasswords: boolean }).usesPasswords = true),
    flips: ['no-default-passwords'],
  },
  {
    evidence: 'the signed MUD file',
    remove: (f) => {
      delete f.mud.published;
      f.mud.fetchedSigned = 0;
    },
    flips: ['mud-signed-published'],
  },
  { evidence: 'MUD enforcement', remove: (f) => (f.intent.enforced = 0), flips: ['mud-enforced'] },
  { evidence: 'the open-port probe', remove: (f) => delete f.probe, flips: ['open-ports-match-mud'] },
  {
    evidence: 'release signatures',
    remove: (f) =>
      (f.updates.releases = f.updates.releases.map((r) => ({ ...r, verifies: false, manifestSequence: undefined }) as typeof r)),
    flips: ['updates-signed', 'updates-anti-rollback'],
  },
  {
    evidence: 'rising sequence numbers',
    remove: (f) => (f.updates.releases = [release(2), release(1, { createdAt: new Date(Date.UTC(2030, 2, 1)) })]),
    flips: ['updates-anti-rollback'],
  },
  { evidence: 'verified installs', remove: (f) => (f.updates.installedVerified = 0), flips: ['updates-delivered'] },
  {
    evidence: 'the updatable declaration',
    remove: (f) => ((f.product as { updatable: boolean }).updatable = false),
    flips: ['software-updatable'],
  },
  {
    evidence: 'the disclosure policy and contact',
    remove: (f) => {
      delete f.product?.disclosurePolicyUrl;
      delete f.product?.securityContact;
    },
    flips: ['disclosure-policy-published'],
  },
  { evidence: 'the support period', remove: (f) => delete f.product?.supportEnd, flips: ['support-period-published'] },
  { evidence: 'the SBOM', remove: (f) => (f.sbom.present = false), flips: ['sbom-present', 'vulnerabilities-remediated'] },
  {
    evidence: 'remediation in time',
    remove: (f) => Object.assign(f.vulnerabilities, { open: 1, pastDeadline: 1 }),
    flips: ['vulnerabilities-remediated'],
  },
  {
    evidence: 'sealed keys',
    remove: (f) => (f.platform = { ...f.platform, keysSealed: { sealed: false, backend: 'software' } }),
    flips: ['keys-sealed-at-rest'],
  },
  {
    evidence: 'TLS',
    remove: (f) => (f.platform = { ...f.platform, tls: { deviceApi: false, managementApi: false } }),
    flips: ['tls-on-apis'],
  },
];
