import type { ApiTokenRepository } from './api-token-repository.ts';
import type { AssessmentRepository } from './assessment-repository.ts';
import type { AuditLog } from './audit-log.ts';
import type { CampaignRepository } from './campaign-repository.ts';
import type { DeviceConfigRepository } from './device-config-repository.ts';
import type { DeviceCredentialRepository } from './device-credential-repository.ts';
import type { DeviceRepository } from './device-repository.ts';
import type { DiTokenRepository } from './di-token-repository.ts';
import type { EvidenceRecordRepository } from './evidence-record-repository.ts';
import type { IntentDeviceRepository } from './intent-device-repository.ts';
import type { IntentFlowRepository } from './intent-flow-repository.ts';
import type { IntentLeaseRepository } from './intent-lease-repository.ts';
import type { IntentQuarantineRepository } from './intent-quarantine-repository.ts';
import type { IntentStatsRepository } from './intent-stats-repository.ts';
import type { IntentViolationRepository } from './intent-violation-repository.ts';
import type { KeyRepository } from './key-repository.ts';
import type { MudFileRepository } from './mud-file-repository.ts';
import type { OnboardingStatsRepository } from './onboarding-stats-repository.ts';
import type { PayloadRepository } from './payload-repository.ts';
import type { ProductRepository } from './product-repository.ts';
import type { ReleaseRepository } from './release-repository.ts';
import type { RendezvousRepository } from './rendezvous-repository.ts';
import type { SbomRepository } from './sbom-repository.ts';
import type { Dialect } from './schema.ts';
import type { SessionRepository } from './session-repository.ts';
import type { SettingsRepository } from './settings-repository.ts';
import type { To0RegistrationRepository } from './to0-registration-repository.ts';
import type { VoucherRepository } from './voucher-repository.ts';
import type { VulnerabilityRepository } from './vulnerability-repository.ts';

/** The tables whose writes a store counts (Store.writeCount). */
export type CountedTable = 'devices' | 'device_credentials' | 'campaign_actions';

/**
 * Counters of changes the device API's caches depend on, in the database and bumped in the same
 * transaction as the change by any replica: `devices` (device records but not their sightings,
 * labels, GUIDs, credentials) and `campaign_actions`.
 */
export interface ChangeGenerations {
  devices: number;
  campaign_actions: number;
}

export interface Repositories {
  vouchers: VoucherRepository;
  devices: DeviceRepository;
  sessions: SessionRepository;
  rendezvous: RendezvousRepository;
  keys: KeyRepository;
  audit: AuditLog;
  apiTokens: ApiTokenRepository;
  settings: SettingsRepository;
  mudFiles: MudFileRepository;
  to0Registrations: To0RegistrationRepository;
  diTokens: DiTokenRepository;
  intentDevices: IntentDeviceRepository;
  intentViolations: IntentViolationRepository;
  intentFlows: IntentFlowRepository;
  intentQuarantine: IntentQuarantineRepository;
  intentLeases: IntentLeaseRepository;
  intentStats: IntentStatsRepository;
  deviceCredentials: DeviceCredentialRepository;
  deviceConfig: DeviceConfigRepository;
  payloads: PayloadRepository;
  releases: ReleaseRepository;
  campaigns: CampaignRepository;
  products: ProductRepository;
  sboms: SbomRepository;
  vulnerabilities: VulnerabilityRepository;
  assessments: AssessmentRepository;
  evidenceRecords: EvidenceRecordRepository;
  onboardingStats: OnboardingStatsRepository;
}

/**
 * The repositories over one database. Outside `transaction` each call commits on its own; inside,
 * `fn` gets repositories bound to one transaction that commits when fn resolves and rolls back when
 * it throws. Do not call `transaction` from inside fn: SQLite has one connection and would wait forever.
 */
export interface Store extends Repositories {
  readonly dialect: Dialect;
  transaction<T>(fn: (repositories: Repositories) => Promise<T>): Promise<T>;
  /**
   * How many writes this process made to the table so far (sql/write-counts.ts): a cache notes it
   * before reading and trusts what it read while it is unchanged. Other replicas' writes do not count.
   */
  writeCount(table: CountedTable): number;
  /**
   * Runs `work` with its writes outside transactions not waiting for the disk, for rows whose loss
   * in a power failure is harmless until a later durable commit covers them: on SQLite in WAL mode
   * such a commit syncs every write before it (sqlite/durability.ts). PostgreSQL commits each
   * write as always. Transactions inside `work` are durable as always.
   */
  unsynced<T>(work: () => Promise<T>): Promise<T>;
  /** The change generations now, in one query (a cache compares them with those it read under). */
  changeGenerations(): Promise<ChangeGenerations>;
  /** Runs pending migrations (openStore already did); returns the names of those that ran. */
  migrate(): Promise<string[]>;
  /**
   * Re-seals every secret column under `newKek` in one transaction; this store uses it from then
   * on. Other replicas must be stopped first and restarted with the new key: their old key no
   * longer opens the database, and sessions in flight start again.
   */
  rekey(newKek: Uint8Array): Promise<void>;
  /**
   * Makes content deleted so far unreadable in the database's files, as far as the dialect can:
   * on SQLite (which zeroes deleted content in its pages, secure_delete) a TRUNCATE checkpoint
   * copies the write-ahead log into the database and empties it, so older page versions holding
   * a deleted secret are gone too; false when another connection's reader kept the log (it is
   * emptied at a later checkpoint). On PostgreSQL nothing: old row versions stay until VACUUM
   * (docs/storage.md). Call it outside `transaction`, after a secret was deleted or replaced.
   */
  eraseFreed(): Promise<boolean>;
  close(): Promise<void>;
}
