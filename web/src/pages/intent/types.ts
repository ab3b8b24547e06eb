/** What the intent routes of the management API answer (docs/api.md). */
export const ENFORCEMENT_STATES = ['enforced', 'default-deny', 'allowed', 'pending', 'quarantined', 'failed', 'removed'] as const;
export type EnforcementState = (typeof ENFORCEMENT_STATES)[number];

export interface IntentStats {
  devices: Record<EnforcementState, number>;
  total: number;
  hours: { hour: string; firstSeen: number; lastSeen: number }[];
}

export interface IntentDevice {
  mac: string;
  guid?: string;
  name?: string;
  ipv4?: string;
  ipv6?: string;
  mudUrl?: string;
  state: EnforcementState;
  ruleCount: number;
  mud?: { digest: string; signer?: string; signed: boolean };
  updatedAt: string;
}

export interface Violation {
  id: string;
  mac: string;
  direction: 'from-device' | 'to-device';
  protocol: number;
  peer: string;
  peerPort: number;
  localPort: number;
  acl: string;
  firstSeen: string;
  lastSeen: string;
  count: number;
}

export interface QuarantineAction {
  id: number;
  mac: string;
  action: 'quarantine' | 'release';
  actor: string;
  reason: string;
  at: string;
}

export interface MudFileInfo {
  name: string;
  mudUrl: string;
  cacheValidity: number;
  signer: string;
  publishedAt: string;
  updatedAt: string;
  bytes: number;
  signatureBytes: number;
}

export interface MudRuleRow {
  policy: string;
  acl: string;
  ace: string;
  family: string;
  peer: string;
  protocol: string;
  ports: string;
  initiatedBy?: 'device' | 'remote';
  action: string;
}

export interface MudDescription {
  device: {
    mudUrl: string;
    manufacturer?: string;
    model?: string;
    systeminfo?: string;
    lastUpdate: string;
    cacheValidityHours: number;
    supported: boolean;
  };
  sentences: string[];
  rows: MudRuleRow[];
}

const PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6' };

/** A protocol number as its name where it has a common one. */
export const protocolName = (n: number): string => PROTOCOLS[n] ?? (n === 0 ? 'not IP' : `IP protocol ${n}`);

/** A flow in one line: who sent what to whom. */
export function flowText(v: Pick<Violation, 'direction' | 'protocol' | 'peer' | 'peerPort' | 'localPort'>): string {
  const port = (p: number) => (p === 0 ? '' : ` port ${p}`);
  const proto = protocolName(v.protocol);
  return v.direction === 'from-device'
    ? `${proto} from the device${port(v.localPort)} to ${v.peer}${port(v.peerPort)}`
    : `${proto} from ${v.peer}${port(v.peerPort)} to the device${port(v.localPort)}`;
}
