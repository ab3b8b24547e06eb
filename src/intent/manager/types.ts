/** The MUD manager's options and interface (docs/intent.md, "The manager"). */

import type { CertificateInput } from '../../crypto/x509-parse.ts';
import type { IntentDeviceRecord, IntentUrlSource } from '../../store/intent-device-repository.ts';
import type { IntentFlowInput } from '../../store/intent-flow-repository.ts';
import type { IntentQuarantineRecord } from '../../store/intent-quarantine-repository.ts';
import type { IntentViolationDirection } from '../../store/intent-violation-repository.ts';
import type { Store } from '../../store/store.ts';
import type { Enforcer, NameResolver } from '../enforcement-ports.ts';
import type { BackoffOptions } from '../mud-cache.ts';
import type { FetchMudOptions, MudFetchResult } from '../mud-fetch.ts';
import type { ResolvedPolicy } from '../resolve-types.ts';
import type { SnoopedName } from './snoop.ts';

export interface IntentFetchSettings {
  /** Trust anchors (PEM) for MUD servers' TLS certificates; default the system's roots. */
  serverCa?: string | Uint8Array;
  /** Trust anchors for MUD file signers (RFC 8520 §13). */
  signerTrustAnchors?: readonly CertificateInput[];
  /** An unsigned file: 'refuse' (default) or 'warn'. */
  unsigned?: 'refuse' | 'warn';
  /** Read fetched files with the lenient MUD reader. */
  lenient?: boolean;
  timeoutMs?: number;
  backoff?: BackoffOptions;
}

export interface IntentNetworkContext {
  /** RFC 8520 §8.4: controller class URI → addresses. */
  controllers?: Map<string, string[]>;
  /** RFC 8520 §8.5: MUD URL → the addresses of that device type's own controllers. */
  myControllers?: Map<string, string[]>;
  /** RFC 8520 §8.6: the prefixes this network calls local. */
  localNetworks?: string[];
  /** The resolvers devices may query (allowed with the network basics). */
  dnsServers?: string[];
  /** Allow the network basics (IPv6 ND/RA, DHCP, DNS to dnsServers); default true. */
  basics?: boolean;
  /** The gateway interfaces the devices sit behind (NftCompileOptions.deviceInterfaces); none by default. */
  deviceInterfaces?: string[];
}

/** Counters and timings the manager reports; all optional. */
export interface IntentManagerMetrics {
  /** A device's enforcement state and rule count after a change. */
  state?(mac: string, state: string, rules: number): void;
  /** One nft transaction, its duration in seconds. */
  applied?(seconds: number): void;
  fetchFailed?(code: string): void;
  violations?(count: number): void;
}

export type IntentLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface IntentManagerOptions {
  store: Store;
  enforcer: Enforcer;
  resolver: NameResolver;
  fetch?: IntentFetchSettings;
  context?: IntentNetworkContext;
  /** What a device that never had a good MUD file gets: 'deny' (default: the basics only) or 'allow' (no rules). */
  neverGood?: 'deny' | 'allow';
  quarantine?: {
    /** Violations (summed counts) of a device that quarantine it; default 10; 0 turns it off. */
    threshold?: number;
    /** For a file without a quarantine policy: 'basics' (default) or 'block' (not even the basics). */
    policy?: 'basics' | 'block';
  };
  /**
   * Replicas: the gateway whose nftables this manager programs and this replica's id. Only the
   * lease holder applies rules; without `lease` this manager always does.
   */
  lease?: { gateway: string; holder: string; ttlMs?: number };
  /** Resolve with the lenient resolver (unresolvable ACEs left out, narrowing the policy); default true. */
  lenientResolve?: boolean;
  clock?: () => Date;
  log?: IntentLog;
  metrics?: IntentManagerMetrics;
  /**
   * Told when a device that has an FDO GUID (hex) is quarantined or released, so that its device
   * record follows (the lifecycle registry). A failure is logged; the quarantine stands.
   */
  onQuarantine?: (guid: string, action: 'quarantine' | 'release', actor: string, reason: string) => Promise<void>;
  /** The MUD fetcher; fetchMud unless a test passes another. */
  fetcher?: (url: string, options: FetchMudOptions) => Promise<MudFetchResult>;
}

/** What a source tells the manager about a device. */
export interface IntentObservation {
  mac?: string;
  ipv4?: string;
  ipv6?: string;
  mudUrl?: string;
  /** FDO GUID, hex. */
  guid?: string;
  name?: string;
  source: IntentUrlSource;
}

export interface IntentViolationReport {
  direction: IntentViolationDirection;
  protocol: number;
  peer: string;
  peerPort?: number;
  localPort?: number;
  acl: string;
  at: Date;
  count?: number;
}

export interface IntentTickResult {
  leader: boolean;
  /** Devices looked at in this tick. */
  refreshed: number;
}

export interface IntentManager {
  /** Registers or updates a device; returns it, or undefined when no MAC is known yet (kept pending by address). */
  observe(o: IntentObservation, actor?: string): Promise<IntentDeviceRecord | undefined>;
  refresh(mac: string, options?: { force?: boolean; actor?: string }): Promise<IntentDeviceRecord>;
  remove(mac: string, actor?: string): Promise<IntentDeviceRecord>;
  /** A decommissioned FDO device (GUID, hex): every intent device carrying it is removed. */
  decommission(guid: string, actor?: string): Promise<IntentDeviceRecord[]>;
  reportViolations(mac: string, violations: IntentViolationReport[]): Promise<IntentDeviceRecord>;
  /** Adds flows a traffic watch judged (accepted or dropped) to the devices' recent flows; resolves with how many. */
  recordFlows(flows: IntentFlowInput[]): Promise<number>;
  quarantine(mac: string, actor: string, reason: string): Promise<IntentQuarantineRecord>;
  release(mac: string, actor: string, reason?: string): Promise<IntentQuarantineRecord>;
  tick(now?: Date): Promise<IntentTickResult>;
  /** DNS answers the device received (seen in a capture): addresses of its file's names are learned. */
  learnNames(mac: string, answers: SnoopedName[]): Promise<IntentDeviceRecord | undefined>;
  /** The resolved policies the firewall enforces now, one per device with rules (for the traffic watch). */
  policies(): Promise<ResolvedPolicy[]>;
  /** Re-applies every device's current state (on gaining the lease). */
  reconcile(): Promise<number>;
  /** Gives the lease up (on shutdown). */
  close(): Promise<void>;
}
