/**
 * Hand-made assessments for the report tests: two markets' worth of catalogs, every outcome,
 * evidence with relative, absolute and hostile hrefs, manual evidence, and device-supplied strings
 * carrying markup, quotes and ampersands.
 */
import type { Assessment, AssessmentDiff, ProvisionResult } from '../../../src/compliance/assessment/result-types.ts';

/** A device name as a hostile device could announce it in devmod. */
export const HOSTILE_DEVICE = `cam "lobby" & <script>alert('x')</script>`;
export const HOSTILE_MUD_URL = 'https://mud.example.com/cam.json?a=1&b="2"';
export const GUID_A = '9b1f0a52-6a2e-4a77-8f0e-2d6c3c0b7e11';

const EN = 'en303645-v3';
const CRA = 'cra-annex-i';

const results: ProvisionResult[] = [
  {
    catalog: EN,
    provision: '5.1-1',
    section: '5.1 No universal default passwords',
    title: 'Passwords are unique per device or set by the user',
    status: 'M C',
    outcome: 'met',
    rules: [
      {
        rule: 'no-default-passwords',
        outcome: 'met',
        detail: 'Devices authenticate with FDO keys; no password is provisioned.',
        evidence: [
          {
            kind: 'setting',
            id: 'device-api.auth',
            detail: 'device API accepts only credentials from TO2',
            href: '/api/v1/settings/device-api',
          },
        ],
      },
    ],
  },
  {
    catalog: EN,
    provision: '5.1-2',
    section: '5.1 No universal default passwords',
    title: 'Pre-installed unique passwords are not guessable',
    status: 'M C',
    outcome: 'not-applicable',
    condition: { id: 'C1', text: 'The product uses pre-installed passwords.' },
    rules: [],
  },
  {
    catalog: EN,
    provision: '5.2-1',
    section: '5.2 Implement a means to manage reports of vulnerabilities',
    title: 'A vulnerability disclosure policy is published',
    status: 'M',
    outcome: 'not-met',
    rules: [
      {
        rule: 'disclosure-policy-published',
        outcome: 'not-met',
        detail: 'No disclosure policy URL is set for the product model.',
        evidence: [
          {
            kind: 'product',
            id: 'acme-cam-2',
            detail: 'securityContact and disclosurePolicy are empty',
            href: '/api/v1/products/acme-cam-2',
          },
        ],
        remedy: 'Publish a disclosure policy and set its URL on the product.',
      },
    ],
    remedy: 'Publish a vulnerability disclosure policy and a security contact.',
  },
  {
    catalog: EN,
    provision: '5.3-1',
    section: '5.3 Keep software updated',
    title: 'Software components are securely updatable',
    status: 'R',
    outcome: 'partially-met',
    rules: [
      {
        rule: 'updates-signed',
        outcome: 'met',
        detail: 'Release 2.1.0 is a SUIT envelope signed by the update authority.',
        evidence: [{ kind: 'release', id: '2.1.0', detail: 'ES256 signature verifies', href: 'api/v1/releases/2.1.0' }],
      },
      {
        rule: 'updates-delivered',
        outcome: 'partially-met',
        detail: `1 of 2 devices took the update; ${HOSTILE_DEVICE} did not report.`,
        evidence: [
          { kind: 'device', id: GUID_A, detail: HOSTILE_DEVICE, href: `/api/v1/devices/${GUID_A}` },
          { kind: 'mud-file', id: HOSTILE_MUD_URL, detail: 'the MUD URL the device announced', href: HOSTILE_MUD_URL },
          { kind: 'campaign', id: 'c-7', detail: 'link to a script URL', href: 'javascript:alert(1)' },
        ],
        remedy: 'Finish campaign c-7 or retire devices that cannot update.',
      },
    ],
    remedy: 'Finish the rollout of signed updates to every device.',
  },
  {
    catalog: EN,
    provision: '5.5-1',
    section: '5.5 Communicate securely',
    title: 'Security-relevant data is sent with best-practice cryptography',
    status: 'M',
    outcome: 'manual-evidence-needed',
    rules: [],
    remedy: 'State how the product protects data in transit, with evidence.',
  },
  {
    catalog: EN,
    provision: '5.6-1',
    section: '5.6 Minimize exposed attack surfaces',
    title: 'Unused interfaces are disabled',
    status: 'M',
    outcome: 'met',
    rules: [],
    manual: {
      id: 'm-1',
      productModel: 'acme-cam-2',
      catalog: EN,
      provision: '5.6-1',
      statement: 'UART & JTAG are fused off at the factory ("production" fuse map).',
      outcome: 'met',
      attachments: [{ name: 'fuse-map <v2>.pdf', mediaType: 'application/pdf', size: 48213, sha256: 'a3f1'.repeat(16) }],
      by: 'Q. Auditor <qa@example.com>',
      at: new Date('2026-11-30T09:15:00Z'),
    },
  },
  {
    catalog: CRA,
    provision: 'I.2(c)',
    section: 'Part I(2) Essential cybersecurity requirements',
    title: 'Vulnerabilities are addressed through security updates',
    status: 'M',
    outcome: 'not-met',
    rules: [
      {
        rule: 'vulnerabilities-remediated',
        outcome: 'not-met',
        detail: 'CVE-2026-0001 in =cmd|"/c calc"!A1 is open past its deadline.',
        evidence: [
          {
            kind: 'vulnerability',
            id: 'CVE-2026-0001',
            detail: 'open since 2026-09-01',
            href: 'https://osv.dev/vulnerability/CVE-2026-0001',
          },
        ],
        remedy: 'Ship a release that fixes CVE-2026-0001.',
      },
    ],
    remedy: 'Remediate the open vulnerabilities of the current release.',
  },
  {
    catalog: CRA,
    provision: 'II.1',
    section: 'Part II Vulnerability handling requirements',
    title: 'Components are identified in an SBOM',
    status: 'M',
    outcome: 'met',
    rules: [
      {
        rule: 'sbom-present',
        outcome: 'met',
        detail: 'Release 2.1.0 has a CycloneDX 1.6 SBOM.',
        evidence: [{ kind: 'sbom', id: 'sbom-2.1.0', detail: '214 components', href: '/api/v1/releases/2.1.0/sbom' }],
      },
    ],
  },
];

export function assessmentFixture(): Assessment {
  return {
    id: 'as-2026-12-07-001',
    productModel: 'acme-cam-2',
    market: 'eu',
    catalogs: [
      { id: EN, title: 'ETSI EN 303 645', version: '3.1.3' },
      { id: CRA, title: 'EU Cyber Resilience Act, Annex I', version: '2024/2847' },
    ],
    at: new Date('2026-12-07T12:00:00Z'),
    results: structuredClone(results),
    summary: { met: 3, notMet: 2, partiallyMet: 1, notApplicable: 1, manualEvidenceNeeded: 1 },
    gaps: [
      { catalog: CRA, provision: 'I.2(c)', outcome: 'not-met', remedy: 'Remediate the open vulnerabilities of the current release.' },
      { catalog: EN, provision: '5.2-1', outcome: 'not-met', remedy: 'Publish a vulnerability disclosure policy and a security contact.' },
      {
        catalog: EN,
        provision: '5.5-1',
        outcome: 'manual-evidence-needed',
        remedy: 'State how the product protects data in transit, with evidence.',
      },
      { catalog: EN, provision: '5.3-1', outcome: 'partially-met', remedy: 'Finish the rollout of signed updates to every device.' },
    ],
  };
}

export function diffFixture(): AssessmentDiff {
  return {
    from: 'as-2026-11-01-004',
    to: 'as-2026-12-07-001',
    changes: [
      {
        catalog: EN,
        provision: '5.3-1',
        before: 'not-met',
        after: 'partially-met',
        why: 'Release 2.1.0 was signed and reached 1 of 2 devices.',
      },
      {
        catalog: CRA,
        provision: 'I.2(c)',
        before: 'met',
        after: 'not-met',
        why: `CVE-2026-0001 was published against ${HOSTILE_DEVICE}'s firmware.`,
      },
      { catalog: EN, provision: '5.6-1', after: 'met', why: 'Manual evidence m-1 was added.' },
      { catalog: EN, provision: '5.4-1', before: 'met', why: 'The provision left the catalog.' },
    ],
  };
}

/** An assessment of one non-EN catalog, for the ICS refusal. */
export function craOnlyFixture(): Assessment {
  const a = assessmentFixture();
  a.catalogs = a.catalogs.filter((c) => c.id === CRA);
  a.results = a.results.filter((r) => r.catalog === CRA);
  a.gaps = a.gaps.filter((g) => g.catalog === CRA);
  a.summary = { met: 1, notMet: 1, partiallyMet: 0, notApplicable: 0, manualEvidenceNeeded: 0 };
  delete a.market;
  return a;
}
