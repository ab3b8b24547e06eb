/** EvidenceFacts of a product that meets every rule, for rule tests to change one fact at a time. */
import type { EvidenceFacts, ReleaseFacts } from '../../../src/compliance/evidence/evidence-facts.ts';
import type { Product } from '../../../src/compliance/products/product-types.ts';

export const AT = new Date('2030-06-01T00:00:00Z');
export const MUD_URL = 'https://mud.example.com/thermo-1.json';

export const product = (): Product => ({
  model: 'thermo-1',
  manufacturer: 'Example Devices',
  name: 'Thermostat',
  mudUrl: MUD_URL,
  disclosurePolicyUrl: 'https://example.com/security',
  securityContact: 'mailto:security@example.com',
  supportEnd: '2035-01-01',
  supportPublished: true,
  updatable: true,
  constrained: false,
  usesPasswords: false,
  hasUserInterface: false,
  processesPersonalData: false,
  createdAt: new Date('2030-01-01T00:00:00Z'),
  updatedAt: new Date('2030-01-01T00:00:00Z'),
});

export const release = (n: number, over: Partial<ReleaseFacts> = {}): ReleaseFacts => ({
  id: `r${n}`,
  version: `1.${n}.0`,
  sequenceNumber: n,
  state: 'published',
  origin: 'signed',
  createdAt: new Date(Date.UTC(2030, 0, n)),
  verifies: true,
  manifestSequence: n,
  ...over,
});

const guid = (n: number) => n.toString(16).padStart(32, '0');

export function metFacts(): EvidenceFacts {
  return {
    model: 'thermo-1',
    at: AT,
    product: product(),
    devices: {
      total: 10,
      inService: 8,
      withDiCredential: 10,
      sharingKey: 0,
      sharedKeys: 0,
      unreadable: 0,
      examples: [guid(1), guid(2)],
      inServiceExamples: [guid(1)],
      sharingExamples: [],
      mudUrlReported: { product: 8, other: 0, otherExamples: [] },
    },
    mud: {
      url: MUD_URL,
      published: { name: 'thermo-1.json', mudUrl: MUD_URL, signer: 'CN=mud.example.com', verifies: true },
      fetchedSigned: 8,
      fetchedUnsigned: 0,
    },
    intent: {
      known: 8,
      enforced: 8,
      quarantined: 0,
      notEnforcedExamples: [],
      quarantinedExamples: [],
      window: { from: new Date(AT.getTime() - 30 * 86_400_000), to: AT },
      violations: 0,
      devicesWithViolations: 0,
      quarantines: 0,
    },
    updates: {
      releases: [release(1), release(2)],
      campaigns: 1,
      campaignExamples: [{ id: 'c1', releaseId: 'r2', state: 'finished' }],
      targeted: 8,
      installedVerified: 8,
      notInstalledExamples: [],
    },
    sbom: { release: { model: 'thermo-1', version: '1.2.0', origin: 'lifecycle', releaseId: 'r2' }, present: true },
    vulnerabilities: { open: 0, pastDeadline: 0, withoutDeadline: 0, pastDeadlineExamples: [] },
    platform: { keysSealed: { sealed: true, backend: 'secret-box' }, tls: { deviceApi: true, managementApi: true } },
    probe: {
      address: '192.0.2.10',
      mudUrl: MUD_URL,
      protocol: 'tcp',
      ports: { from: 1, to: 65535 },
      open: [443],
      allowed: [443],
      unexpected: [],
      startedAt: '2030-05-31T00:00:00Z',
      finishedAt: '2030-05-31T00:01:00Z',
    },
  };
}
