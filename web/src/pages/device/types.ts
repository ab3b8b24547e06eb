/** The shapes the device page reads from the management API (docs/api.md). */
import type { Violation } from '../intent/types.ts';

export interface DeviceView {
  guid: string;
  state: string;
  replacementGuid?: string;
  voucherState: string | null;
  registeredUntil?: string;
  createdAt: string;
  updatedAt: string;
  onboardedAt?: string;
  activatedAt?: string;
  tags: string[];
  groups: string[];
  mudUrl?: string;
  sbomUrl?: string;
  onboardAddress?: string;
  model?: string;
  manufacturer?: string;
  serial?: string;
  firmware?: { version?: string; releaseId?: string; sequenceNumber: number; installedAt: string; reportAction?: string };
  lastSeenAt?: string;
  lastSeenAddress?: string;
  product?: { model: string; supportEnd?: string; outOfSupport: boolean };
}

export interface ChainLink {
  role: 'manufacturer' | 'owner';
  entry?: number;
  keyType: string;
  fingerprint: string | null;
  current: boolean;
  replacement?: boolean;
}

export interface VoucherChainView {
  guid: string;
  side: string;
  state: string;
  deviceInfo: string;
  links: ChainLink[];
  replacement?: { guid: string; state: string };
}

export interface StateOptions {
  state: string;
  offered: ('suspended' | 'active' | 'decommissioned')[];
}

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

/** A recent flow of an intent record: its shape, the latest verdict and the rule that decided. */
export interface RecentFlow {
  direction: 'from-device' | 'to-device';
  protocol: number;
  peer: string;
  peerPort: number;
  localPort: number;
  verdict: 'accept' | 'drop';
  rule: string;
  firstSeen: string;
  lastSeen: string;
  count: number;
}

export interface IntentEntry {
  device: {
    mac: string;
    name?: string;
    ipv4?: string;
    ipv6?: string;
    mudUrl?: string;
    urlSource: string;
    state: string;
    ruleCount: number;
    mud?: { digest: string; signer?: string; signed: boolean };
    lastFetch?: string;
    lastError?: { code: string; message: string; at: string };
  };
  policy?: { sentences: string[] };
  flows: RecentFlow[];
  violations: Violation[];
  violationTotal: number;
}

export interface UpdateRow {
  actionId: string;
  campaignId: string;
  campaignName?: string;
  releaseId?: string;
  version?: string;
  sequenceNumber?: number;
  state: string;
  wave: number;
  attempts: number;
  reason?: string;
  reportVerified: boolean;
  reportError?: string;
  offeredAt?: string;
  updatedAt: string;
}

export interface AssessmentInfo {
  id: string;
  productModel: string;
  market?: string;
  catalogs: string[];
  at: string;
  summary: { met: number; notMet: number; partiallyMet: number; notApplicable: number; manualEvidenceNeeded: number };
}
