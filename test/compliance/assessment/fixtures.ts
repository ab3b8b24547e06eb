/** A small catalog and rule results made for the assessment tests; no real catalog's text. */

import type { ManualEvidence, RuleResult } from '../../../src/compliance/assessment/result-types.ts';
import type { Catalog, Provision } from '../../../src/compliance/catalogs/catalog-types.ts';
import type { EvidenceRuleId } from '../../../src/compliance/evidence/rule-ids.ts';

const provision = (id: string, status: Provision['status'], rules: EvidenceRuleId[], conditions?: string[]): Provision => ({
  id,
  section: `S ${id}`,
  title: `title ${id}`,
  summary: `summary ${id}`,
  status,
  ...(conditions === undefined ? {} : { conditions }),
  rules,
  guidance: `guidance ${id}`,
});

export const CATALOG: Catalog = {
  id: 'test-cat',
  title: 'Test catalog',
  source: { publisher: 'IoTopia', document: 'test', version: '1.0', date: '2030-01', url: 'https://example.org/test' },
  conditions: [
    { id: 'C-upd', text: 'the software is updatable', when: { fact: 'updatable', equals: true } },
    { id: 'C-pw', text: 'passwords are used', when: { fact: 'usesPasswords', equals: true } },
    { id: 'C-free', text: 'the device has a battery' },
  ],
  provisions: [
    provision('P-met', 'M', ['unique-device-credentials', 'no-default-passwords']),
    provision('P-not', 'R', ['sbom-present']),
    provision('P-part', 'M', ['unique-device-credentials', 'sbom-present']),
    provision('P-manual', 'M', []),
    provision('P-na', 'M C', ['updates-signed'], ['C-upd']),
    provision('P-cond-unknown', 'R C', ['updates-signed'], ['C-pw']),
    provision('P-cond-free', 'M C', ['tls-on-apis'], ['C-free']),
    provision('P-missing', 'M', ['keys-sealed-at-rest']),
    provision('P-rnot', 'R', ['vulnerabilities-remediated']),
  ],
};

export const rule = (id: EvidenceRuleId, outcome: RuleResult['outcome'], detail = `${id} is ${outcome}`): RuleResult => ({
  rule: id,
  outcome,
  detail,
  evidence: [{ kind: 'setting', id, detail }],
  ...(outcome === 'met' ? {} : { remedy: `fix ${id}` }),
});

export const RULES = new Map<EvidenceRuleId, RuleResult>([
  ['unique-device-credentials', rule('unique-device-credentials', 'met')],
  ['no-default-passwords', rule('no-default-passwords', 'met')],
  ['sbom-present', rule('sbom-present', 'not-met')],
  ['updates-signed', rule('updates-signed', 'met')],
  ['tls-on-apis', rule('tls-on-apis', 'met')],
  ['vulnerabilities-remediated', rule('vulnerabilities-remediated', 'not-met')],
]);

export const manual = (id: string, provision: string, outcome: ManualEvidence['outcome'], at = 0): ManualEvidence => ({
  id,
  productModel: 'bulb',
  catalog: 'test-cat',
  provision,
  statement: `statement ${id}`,
  outcome,
  attachments: [],
  by: 'maker',
  at: new Date(Date.parse('2030-01-01T00:00:00Z') + at),
});

export const FACTS = {
  updatable: false,
  constrained: false,
  usesPasswords: undefined,
  hasUserInterface: true,
  processesPersonalData: true,
};

/** An open-port probe result of a test device at a documentation address. */
export const PROBE = {
  address: '192.0.2.10',
  mudUrl: 'https://example.org/bulb.json',
  protocol: 'tcp',
  ports: { from: 1, to: 1024 },
  open: [80, 443],
  allowed: [443],
  unexpected: [80],
  startedAt: '2030-03-01T00:00:00Z',
  finishedAt: '2030-03-01T00:01:00Z',
};
