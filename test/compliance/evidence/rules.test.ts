/**
 * Each evidence rule over constructed facts: met, partially met and not met, with the numbers its
 * detail must carry, the evidence it links and the remedy it gives.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EVIDENCE_RULES } from '../../../src/compliance/evidence/evaluate-rules.ts';
import type { EvidenceFacts } from '../../../src/compliance/evidence/evidence-facts.ts';
import type { EvidenceRuleId } from '../../../src/compliance/evidence/rule-ids.ts';
import { AT, MUD_URL, metFacts, release } from './facts-fixture.ts';

interface Case {
  name: string;
  change: (f: EvidenceFacts) => void;
  outcome: 'met' | 'not-met' | 'partially-met';
  /** Text the detail must contain. */
  detail: string;
  /** An evidence href one item must have. */
  href?: string;
}

const CASES: Record<EvidenceRuleId, Case[]> = {
  'unique-device-credentials': [
    {
      name: 'distinct keys',
      change: () => {},
      outcome: 'met',
      detail: '10 of 10 devices have distinct device keys',
      href: '/api/v1/devices/00000000000000000000000000000001',
    },
    {
      name: 'two share a key',
      change: (f) => Object.assign(f.devices, { sharingKey: 2, sharedKeys: 1, sharingExamples: [['aa', 'bb']] }),
      outcome: 'not-met',
      detail: '2 of 10 devices share a device key with another device (1 shared key)',
      href: '/api/v1/devices/bb',
    },
    {
      name: 'some without certificate',
      change: (f) => (f.devices.withDiCredential = 7),
      outcome: 'partially-met',
      detail: '7 of 10 devices have distinct device keys certified at DI; 3 carry no device certificate',
    },
    { name: 'no device', change: (f) => (f.devices.total = 0), outcome: 'not-met', detail: 'No device of model thermo-1' },
  ],
  'no-default-passwords': [
    {
      name: 'no passwords, keys from DI',
      change: () => {},
      outcome: 'met',
      detail: 'declares no passwords; 10 of 10 devices authenticate',
    },
    {
      name: 'passwords declared',
      change: (f) => ((f.product as { usesPasswords: boolean }).usesPasswords = true),
      outcome: 'partially-met',
      detail: 'uses passwords',
    },
    {
      name: 'devices without DI key',
      change: (f) => (f.devices.withDiCredential = 4),
      outcome: 'partially-met',
      detail: 'only 4 of 10 devices authenticate',
    },
  ],
  'mud-signed-published': [
    {
      name: 'published and verifies',
      change: () => {},
      outcome: 'met',
      detail: `The MUD file at ${MUD_URL} is published, signed`,
      href: '/api/v1/mud-files/thermo-1.json',
    },
    {
      name: 'fetched signed only',
      change: (f) => delete f.mud.published,
      outcome: 'met',
      detail: 'is published, signed',
    },
    {
      name: 'signature fails, none fetched',
      change: (f) => {
        Object.assign(f.mud.published ?? {}, { verifies: false, reason: 'ERR_MUD_SIG_DIGEST: digest' });
        f.mud.fetchedSigned = 0;
      },
      outcome: 'not-met',
      detail: 'is published here but its signature does not verify',
    },
    {
      name: 'nothing published',
      change: (f) => {
        delete f.mud.published;
        f.mud.fetchedSigned = 0;
        f.mud.fetchedUnsigned = 2;
      },
      outcome: 'not-met',
      detail: 'is neither published here nor fetched signed (2 device MUD records hold it unsigned)',
    },
    { name: 'no MUD URL', change: (f) => delete f.mud.url, outcome: 'not-met', detail: 'declares no MUD URL' },
    {
      name: 'devices report another URL',
      change: (f) => Object.assign(f.devices.mudUrlReported, { other: 3, otherExamples: ['cc'] }),
      outcome: 'partially-met',
      detail: '3 devices reported another MUD URL',
      href: '/api/v1/devices/cc',
    },
  ],
  'mud-enforced': [
    {
      name: 'all enforced',
      change: () => {},
      outcome: 'met',
      detail:
        '8 of 8 in-service devices have their MUD policy enforced, 0 quarantined; 0 violations from 0 devices and 0 quarantines in the last 30 days',
    },
    {
      name: 'some not enforced',
      change: (f) => Object.assign(f.intent, { enforced: 5, notEnforcedExamples: ['dd'], violations: 12, devicesWithViolations: 2 }),
      outcome: 'partially-met',
      detail: '5 of 8 in-service devices have their MUD policy enforced, 0 quarantined; 12 violations from 2 devices',
      href: '/api/v1/devices/dd',
    },
    {
      name: 'one quarantined',
      change: (f) => Object.assign(f.intent, { quarantined: 1, quarantines: 1, quarantinedExamples: ['ee'] }),
      outcome: 'partially-met',
      detail: '1 quarantined; 0 violations from 0 devices and 1 quarantine',
    },
    { name: 'none enforced', change: (f) => (f.intent.enforced = 0), outcome: 'not-met', detail: '0 of 8 in-service devices' },
    {
      name: 'none in service',
      change: (f) => (f.devices.inService = 0),
      outcome: 'not-met',
      detail: 'No device of model thermo-1 is in service',
    },
  ],
  'open-ports-match-mud': [
    { name: 'all allowed', change: () => {}, outcome: 'met', detail: 'All 1 open ports (tcp 1-65535) are allowed' },
    {
      name: 'an unexpected port',
      change: (f) => Object.assign(f.probe ?? {}, { open: [22, 443], unexpected: [22] }),
      outcome: 'not-met',
      detail: '1 of 2 open ports (tcp 1-65535) are not allowed by the MUD file: 22',
    },
    {
      name: 'part of the ports probed',
      change: (f) => Object.assign(f.probe ?? {}, { ports: { from: 1, to: 1024 } }),
      outcome: 'partially-met',
      detail: 'but only 1024 of 65535 ports were probed',
    },
    {
      name: 'no port answered',
      change: (f) => Object.assign(f.probe ?? {}, { open: [], allowed: [], filtered: 65535 }),
      outcome: 'not-met',
      detail: 'No port of tcp 1-65535 answered',
    },
    { name: 'no probe', change: (f) => delete f.probe, outcome: 'not-met', detail: 'No open-port probe' },
    {
      name: 'probed against another file',
      change: (f) => Object.assign(f.probe ?? {}, { mudUrl: 'https://other.example/x.json' }),
      outcome: 'not-met',
      detail: 'compared the ports with https://other.example/x.json',
    },
  ],
  'updates-signed': [
    { name: 'all verify', change: () => {}, outcome: 'met', detail: 'All 2 releases of model thermo-1', href: '/api/v1/releases/r2' },
    {
      name: 'one does not verify',
      change: (f) => (f.updates.releases = [release(1), release(2, { verifies: false, reason: 'ERR_SUIT_AUTH_FAILED: x' })]),
      outcome: 'not-met',
      detail: '1 of 2 releases have an envelope that does not verify',
      href: '/api/v1/releases/r2',
    },
    { name: 'no release', change: (f) => (f.updates.releases = []), outcome: 'not-met', detail: 'has no release' },
  ],
  'updates-anti-rollback': [
    { name: 'rising', change: () => {}, outcome: 'met', detail: 'The sequence numbers of 2 releases rise strictly, from 1 to 2' },
    {
      name: 'a later release with a lower number',
      change: (f) => (f.updates.releases = [release(5), release(3, { createdAt: new Date(Date.UTC(2030, 1, 1)) })]),
      outcome: 'not-met',
      detail: 'Release 1.3.0 breaks anti-rollback: its sequence number is not above 5 of 1.5.0',
    },
    {
      name: 'manifest disagrees',
      change: (f) => (f.updates.releases = [release(1), release(2, { manifestSequence: 1 })]),
      outcome: 'not-met',
      detail: 'its manifest carries sequence number 1, not 2',
    },
    { name: 'no release', change: (f) => (f.updates.releases = []), outcome: 'not-met', detail: 'has no release' },
  ],
  'updates-delivered': [
    {
      name: 'all installed',
      change: () => {},
      outcome: 'met',
      detail: '8 of 8 targeted in-service devices installed with a verified SUIT report, over 1 campaign',
      href: '/api/v1/campaigns/c1',
    },
    {
      name: 'some installed',
      change: (f) => Object.assign(f.updates, { installedVerified: 3, notInstalledExamples: ['ff'] }),
      outcome: 'partially-met',
      detail: '3 of 8 targeted',
      href: '/api/v1/devices/ff',
    },
    { name: 'none installed', change: (f) => (f.updates.installedVerified = 0), outcome: 'not-met', detail: '0 of 8 targeted' },
    {
      name: 'no campaign',
      change: (f) => Object.assign(f.updates, { campaigns: 0, campaignExamples: [], targeted: 0, installedVerified: 0 }),
      outcome: 'not-met',
      detail: '(2 releases, 0 campaigns)',
    },
  ],
  'software-updatable': [
    { name: 'updatable', change: () => {}, outcome: 'met', detail: 'declares its software updatable', href: '/api/v1/products/thermo-1' },
    {
      name: 'not updatable',
      change: (f) => ((f.product as { updatable: boolean }).updatable = false),
      outcome: 'not-met',
      detail: 'not updatable',
    },
  ],
  'disclosure-policy-published': [
    { name: 'both', change: () => {}, outcome: 'met', detail: 'A disclosure policy and a security contact are published' },
    { name: 'no contact', change: (f) => delete f.product?.securityContact, outcome: 'partially-met', detail: 'but no security contact' },
    {
      name: 'neither',
      change: (f) => {
        delete f.product?.securityContact;
        delete f.product?.disclosurePolicyUrl;
      },
      outcome: 'not-met',
      detail: 'Neither a disclosure policy nor a security contact',
    },
  ],
  'support-period-published': [
    { name: 'published, running', change: () => {}, outcome: 'met', detail: 'published and ends 2035-01-01' },
    {
      name: 'not published',
      change: (f) => ((f.product as { supportPublished: boolean }).supportPublished = false),
      outcome: 'partially-met',
      detail: 'ends 2035-01-01 but is not published',
    },
    {
      name: 'ended with devices in service',
      change: (f) => ((f.product as { supportEnd: string }).supportEnd = '2030-01-01'),
      outcome: 'partially-met',
      detail: 'ended 2030-01-01; 8 in-service devices are past it',
    },
    {
      name: 'ended, none in service',
      change: (f) => {
        (f.product as { supportEnd: string }).supportEnd = '2030-01-01';
        f.devices.inService = 0;
      },
      outcome: 'met',
      detail: 'ends 2030-01-01',
    },
    { name: 'no end', change: (f) => delete f.product?.supportEnd, outcome: 'not-met', detail: 'No support period with an end date' },
    {
      name: 'end not a date',
      change: (f) => ((f.product as { supportEnd: string }).supportEnd = 'soon'),
      outcome: 'not-met',
      detail: 'No support period with an end date',
    },
  ],
  'sbom-present': [
    { name: 'present', change: () => {}, outcome: 'met', detail: 'Release 1.2.0 has an SBOM' },
    { name: 'absent', change: (f) => (f.sbom.present = false), outcome: 'not-met', detail: 'Release 1.2.0 has no SBOM' },
    { name: 'no release', change: (f) => (f.sbom = { present: false }), outcome: 'not-met', detail: 'no current release' },
  ],
  'vulnerabilities-remediated': [
    { name: 'none open', change: () => {}, outcome: 'met', detail: 'None of 0 open vulnerabilities in release 1.2.0' },
    {
      name: 'open within deadline',
      change: (f) => Object.assign(f.vulnerabilities, { open: 3, withoutDeadline: 1 }),
      outcome: 'met',
      detail: 'None of 3 open vulnerabilities in release 1.2.0 (1 without a deadline)',
    },
    {
      name: 'past deadline',
      change: (f) =>
        Object.assign(f.vulnerabilities, {
          open: 3,
          pastDeadline: 2,
          pastDeadlineExamples: [{ id: 'OSV-1', component: 'pkg:npm/a@1.0.0', deadline: new Date(AT.getTime() - 1) }],
        }),
      outcome: 'not-met',
      detail: '2 of 3 open vulnerabilities in release 1.2.0 (0 without a deadline) are past',
    },
    {
      name: 'no SBOM',
      change: (f) => (f.sbom.present = false),
      outcome: 'not-met',
      detail: 'has no SBOM to match vulnerabilities against',
    },
  ],
  'keys-sealed-at-rest': [
    { name: 'sealed', change: () => {}, outcome: 'met', detail: 'sealed at rest (secret-box)' },
    {
      name: 'not sealed',
      change: (f) => (f.platform = { ...f.platform, keysSealed: { sealed: false, backend: 'software' } }),
      outcome: 'not-met',
      detail: 'not sealed at rest (software)',
    },
  ],
  'tls-on-apis': [
    { name: 'both', change: () => {}, outcome: 'met', detail: 'The device API and the management API are served over TLS' },
    {
      name: 'device only',
      change: (f) => (f.platform = { ...f.platform, tls: { deviceApi: true, managementApi: false } }),
      outcome: 'partially-met',
      detail: 'The device API is served over TLS, the management API is not',
    },
    {
      name: 'neither',
      change: (f) => (f.platform = { ...f.platform, tls: { deviceApi: false, managementApi: false } }),
      outcome: 'not-met',
      detail: 'Neither',
    },
  ],
};

const PLATFORM_RULES: readonly EvidenceRuleId[] = ['keys-sealed-at-rest', 'tls-on-apis'];

for (const [rule, cases] of Object.entries(CASES) as [EvidenceRuleId, Case[]][]) {
  describe(`evidence rule ${rule}`, () => {
    for (const c of cases) {
      test(`${c.name}: ${c.outcome}`, () => {
        const facts = metFacts();
        c.change(facts);
        const r = EVIDENCE_RULES[rule](facts);
        assert.equal(r.rule, rule);
        assert.equal(r.outcome, c.outcome, r.detail);
        assert.ok(r.detail.includes(c.detail), `detail "${r.detail}" lacks "${c.detail}"`);
        if (c.outcome === 'met') assert.equal(r.remedy, undefined);
        else assert.ok((r.remedy ?? '').length > 0, 'a remedy when not met');
        if (c.href !== undefined)
          assert.ok(
            r.evidence.some((e) => e.href === c.href),
            `no evidence at ${c.href}: ${JSON.stringify(r.evidence)}`,
          );
      });
    }
    test('without a product', () => {
      const facts = metFacts();
      delete facts.product;
      const r = EVIDENCE_RULES[rule](facts);
      if (PLATFORM_RULES.includes(rule)) assert.equal(r.outcome, 'met');
      else assert.deepEqual([r.outcome, r.remedy], ['not-met', 'Register the product.']);
    });
  });
}

test('every case list covers met and a failing outcome', () => {
  for (const [rule, cases] of Object.entries(CASES)) {
    assert.ok(
      cases.some((c) => c.outcome === 'met'),
      `${rule} has no met case`,
    );
    assert.ok(
      cases.some((c) => c.outcome !== 'met'),
      `${rule} has no failing case`,
    );
  }
});

test('device strings stay data: a MUD URL with markup is reported as it is', () => {
  const facts = metFacts();
  const url = 'https://mud.example.com/<b>x</b>.json';
  facts.mud.url = url;
  assert.ok(EVIDENCE_RULES['mud-signed-published'](facts).detail.includes(url));
});
