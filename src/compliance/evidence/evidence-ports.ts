/**
 * What evidence collection asks of the rest of the platform beside the store: the product service
 * (products, releases, SBOMs, vulnerabilities), the open-port probe, and the platform's own
 * configuration. The composition root implements them; the evidence rules never see them.
 */
import type { CoseKey } from '../../codec/cose/key.ts';
import type { Repositories } from '../../store/store.ts';
import type { PortProbeResult } from '../probe/probe-types.ts';
import type { Product, ProductRelease } from '../products/product-types.ts';

/** A known vulnerability of the current release that is still open (applies, not fixed, not VEX'd away). */
export interface OpenVulnerability {
  /** The vulnerability id (an OSV id, CVE-…, GHSA-…). */
  id: string;
  /** The affected component as the SBOM names it (a purl, or name@version). */
  component: string;
  /** When it must be remediated by; absent when no deadline applies. */
  deadline?: Date;
}

export interface ProductFactsPort {
  product(model: string): Promise<Product | undefined>;
  /** The release the product ships now, when there is one. */
  currentRelease(model: string): Promise<ProductRelease | undefined>;
  sbomPresent(model: string, version: string): Promise<boolean>;
  openVulnerabilities(model: string, now: Date): Promise<OpenVulnerability[]>;
}

export interface ProbeFactsPort {
  /** The latest open-port probe of a test device of the model. */
  latest(model: string): Promise<PortProbeResult | undefined>;
}

/** How this server runs: its keys at rest and its listeners. */
export interface PlatformFacts {
  /** Whether private keys and secrets are sealed at rest, and by what (`secret-box`, `pkcs11`…). */
  keysSealed: { sealed: boolean; backend: string };
  /** Whether the device API and the management API listeners serve TLS. */
  tls: { deviceApi: boolean; managementApi: boolean };
}

/** The repositories evidence collection reads (interfaces only). */
export type EvidenceStore = Pick<
  Repositories,
  'devices' | 'vouchers' | 'mudFiles' | 'intentDevices' | 'intentViolations' | 'intentQuarantine' | 'releases' | 'campaigns'
>;

export interface EvidenceDeps {
  store: EvidenceStore;
  products: ProductFactsPort;
  probes: ProbeFactsPort;
  platform: PlatformFacts;
  /** The keys a release envelope must verify with: the update authority's, then any extra anchors. */
  updateAnchors: readonly CoseKey[];
  /** How far back the MUD conformance history reaches, ms (default 30 days). */
  intentWindowMs?: number;
}
