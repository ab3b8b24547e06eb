/**
 * The facts every evidence rule reads: plain data about one product model at one instant, gathered
 * by collect-facts.ts. Rules are pure functions of these facts, so a test can build any situation.
 */
import type { ReleaseOrigin, ReleaseState } from '../../store/release-repository.ts';
import type { PortProbeResult } from '../probe/probe-types.ts';
import type { Product, ProductRelease } from '../products/product-types.ts';
import type { PlatformFacts } from './evidence-ports.ts';

/** How many example GUIDs, keys or records a fact keeps. */
export const MAX_EXAMPLES = 5;

/** The devices of the model: device records whose voucher's DeviceInfo is the model. */
export interface DeviceFacts {
  total: number;
  /** Onboarded, active, quarantined or suspended. */
  inService: number;
  /** With a device certificate from FDO DI in their voucher (OVDevCertChain), so their key can be compared. */
  withDiCredential: number;
  /** Devices whose device public key at least one other device of the model has too. */
  sharingKey: number;
  /** Distinct device keys held by more than one device. */
  sharedKeys: number;
  /** Devices whose voucher could not be read. */
  unreadable: number;
  /** GUIDs (hex) of some devices, some in service, and groups of devices sharing a key. */
  examples: string[];
  inServiceExamples: string[];
  sharingExamples: string[][];
  /** Devices that reported a MUD URL in TO2: the product's, or another. */
  mudUrlReported: { product: number; other: number; otherExamples: string[] };
}

/** The product's MUD file as this server publishes it, and as MUD managers fetched it. */
export interface MudFacts {
  url?: string;
  /** The file published here under the URL's last path segment, re-verified now. */
  published?: { name: string; mudUrl: string; signer: string; verifies: boolean; reason?: string };
  /** Devices of the model whose MUD manager record holds the product's file with a verified signature, or unsigned. */
  fetchedSigned: number;
  fetchedUnsigned: number;
}

/** MUD enforcement of the model's in-service devices, and their conformance over a window. */
export interface IntentFacts {
  /** In-service devices the MUD manager knows (by GUID). */
  known: number;
  /** In-service devices with their policy enforced (quarantined ones included: their policy is the quarantine). */
  enforced: number;
  quarantined: number;
  notEnforcedExamples: string[];
  quarantinedExamples: string[];
  window: { from: Date; to: Date };
  /** Violations seen in the window (the sum of their counts) and the devices they came from. */
  violations: number;
  devicesWithViolations: number;
  /** Quarantine actions (not releases) in the window. */
  quarantines: number;
}

export interface ReleaseFacts {
  id: string;
  version: string;
  sequenceNumber: number;
  state: ReleaseState;
  origin: ReleaseOrigin;
  createdAt: Date;
  /** The stored envelope verifies now against the update anchors. */
  verifies: boolean;
  /** The sequence number in the verified manifest. */
  manifestSequence?: number;
  reason?: string;
}

export interface UpdateFacts {
  /** The model's releases, oldest first. */
  releases: ReleaseFacts[];
  /** Campaigns of the model's releases. */
  campaigns: number;
  campaignExamples: { id: string; releaseId: string; state: string }[];
  /** In-service devices of the model some campaign targeted, and those with a succeeded action whose SUIT report verified. */
  targeted: number;
  installedVerified: number;
  notInstalledExamples: string[];
}

export interface EvidenceFacts {
  model: string;
  at: Date;
  product?: Product;
  devices: DeviceFacts;
  mud: MudFacts;
  intent: IntentFacts;
  updates: UpdateFacts;
  sbom: { release?: ProductRelease; present: boolean };
  vulnerabilities: {
    open: number;
    pastDeadline: number;
    withoutDeadline: number;
    pastDeadlineExamples: { id: string; component: string; deadline: Date }[];
  };
  platform: PlatformFacts;
  probe?: PortProbeResult;
}
