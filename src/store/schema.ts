/**
 * The tables as Kysely sees them. Times are integer milliseconds since the epoch (PostgreSQL
 * bigint comes back as a string, hence `number | string` on reads); GUIDs are lowercase hex text so
 * both dialects index and order them the same way; bytes are blob/bytea.
 */
import type { ColumnType, Generated } from 'kysely';

type Millis = ColumnType<number | string, number, number>;
type NullableMillis = ColumnType<number | string | null, number | null, number | null>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export interface VouchersTable {
  side: string;
  guid: string;
  voucher: Bytes;
  state: string;
  created_at: Millis;
  updated_at: Millis;
  registered_until: NullableMillis;
  /** Manufacturer side: how DI was authorised (`factory`, `token:<id>`, `loopback`); null when unknown. */
  di_authorised_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** From 0026: the header's DeviceInfo, read from `voucher` when written; null when the bytes are not a voucher. */
  device_info: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface DevicesTable {
  guid: string;
  state: string;
  replacement_guid: string | null;
  created_at: Millis;
  updated_at: Millis;
  onboarded_at: NullableMillis;
  mud_url: ColumnType<string | null, string | null | undefined, string | null>;
  sbom_url: ColumnType<string | null, string | null | undefined, string | null>;
  onboard_address: ColumnType<string | null, string | null | undefined, string | null>;
  activated_at: ColumnType<number | string | null, number | null | undefined, number | null>;
  /** From 0020. */
  last_seen_at: ColumnType<number | string | null, number | null | undefined, number | null>;
  last_seen_address: ColumnType<string | null, string | null | undefined, string | null>;
  /** From 0028, kept by triggers (sql/device-fleet-columns.ts): what the device list sorts and filters by. */
  fleet_model: ColumnType<string | null, string | null | undefined, string | null>;
  fleet_firmware: ColumnType<string | null, string | null | undefined, string | null>;
  intent_state: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface DeviceLabelsTable {
  guid: string;
  kind: string;
  label: string;
}

export interface SessionsTable {
  token_hash: string;
  role: string;
  protocol: string;
  state: Bytes;
  version: ColumnType<number | string, number, number>;
  expires_at: Millis;
  created_at: Millis;
  updated_at: Millis;
}

export interface RendezvousTable {
  guid: string;
  to1d: Bytes;
  voucher: Bytes;
  expires_at: Millis;
  updated_at: Millis;
}

export interface KeysTable {
  name: string;
  type: string;
  public_key: Bytes;
  fingerprint: string;
  private_key: ColumnType<Uint8Array | null, Uint8Array | null, Uint8Array | null>;
  certificate: ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array | null>;
  created_at: Millis;
}

export interface AuditLogTable {
  id: Generated<number | string>;
  at: Millis;
  actor: string;
  action: string;
  subject: string;
  details: string;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  roles: string;
  secret_hash: string;
  created_at: Millis;
  revoked_at: NullableMillis;
  /** From 0011: the first moment the token is refused; null when it does not expire. */
  expires_at: NullableMillis;
}

export interface SettingsTable {
  scope: string;
  key: string;
  value: string;
  /** 1: `value` is the JSON sealed under the KEK, base64; 0: plain JSON. */
  sealed: ColumnType<number | string, number | undefined, number>;
  updated_at: Millis;
}

export interface MudFilesTable {
  name: string;
  content: Bytes;
  signature: Bytes;
  content_digest: string;
  signature_digest: string;
  content_bytes: ColumnType<number | string, number, number>;
  signature_bytes: ColumnType<number | string, number, number>;
  cache_validity: ColumnType<number | string, number, number>;
  mud_url: string;
  signer: string;
  published_at: Millis;
  updated_at: Millis;
}

export interface To0RegistrationsTable {
  guid: string;
  rendezvous: string | null;
  wait_seconds: ColumnType<number | string | null, number | null, number | null>;
  registered_at: NullableMillis;
  registered_until: NullableMillis;
  refresh_at: NullableMillis;
  last_attempt_at: Millis;
  failures: ColumnType<number | string, number, number>;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: NullableMillis;
  retry_at: NullableMillis;
  updated_at: Millis;
}

export interface DiTokensTable {
  id: string;
  name: string;
  secret_hash: string;
  max_devices: ColumnType<number | string | null, number | null, number | null>;
  used: ColumnType<number | string, number | undefined, number>;
  expires_at: NullableMillis;
  created_at: Millis;
  revoked_at: NullableMillis;
}

type Int = ColumnType<number | string, number, number>;
type NullableText = ColumnType<string | null, string | null | undefined, string | null>;

/** From 0013: the MUD manager's devices, by MAC. `names` is JSON: [{name, addresses, expiresAt}]. */
export interface IntentDevicesTable {
  mac: string;
  guid: NullableText;
  name: NullableText;
  ipv4: NullableText;
  ipv6: NullableText;
  mud_url: NullableText;
  url_source: string;
  mud_json: NullableText;
  mud_digest: NullableText;
  mud_signer: NullableText;
  mud_signed: Int;
  fetch_etag: NullableText;
  fetched_at: NullableMillis;
  valid_until: NullableMillis;
  fetch_failures: Int;
  next_attempt: NullableMillis;
  last_error_code: NullableText;
  last_error_message: NullableText;
  last_error_at: NullableMillis;
  names: string;
  state: string;
  rule_count: Int;
  due_at: NullableMillis;
  created_at: Millis;
  updated_at: Millis;
}

/** From 0013: violations, one row per flow shape; `key` joins the shape's fields. */
export interface IntentViolationsTable {
  key: string;
  mac: string;
  direction: string;
  protocol: Int;
  peer: string;
  peer_port: Int;
  local_port: Int;
  acl: string;
  first_seen: Millis;
  last_seen: Millis;
  count: Int;
}

/** From 0030: recent flows, one row per device and flow shape; `key` joins the shape's fields. */
export interface IntentFlowsTable {
  key: string;
  mac: string;
  direction: string;
  protocol: Int;
  peer: string;
  peer_port: Int;
  local_port: Int;
  verdict: string;
  rule: string;
  first_seen: Millis;
  last_seen: Millis;
  count: Int;
}

/** From 0013: quarantine and release, append-only. */
export interface IntentQuarantineActionsTable {
  id: Generated<number | string>;
  mac: string;
  action: string;
  actor: string;
  reason: string;
  at: Millis;
}

/** From 0013: which replica programs a gateway's nftables, until when. */
export interface IntentLeasesTable {
  gateway: string;
  holder: string;
  expires_at: Millis;
}

/** From 0021: each GUID TO2 gave a device, the record it belongs to, and the GUID that TO2 ran with. */
export interface DeviceGuidsTable {
  guid: string;
  device_guid: string;
  ran_with: string;
  created_at: Millis;
}

/** From 0015: device API bearer credentials by SHA-256 of the token; `activated_at` null while pending. */
export interface DeviceCredentialsTable {
  token_hash: string;
  guid: string;
  created_at: Millis;
  activated_at: NullableMillis;
  expires_at: NullableMillis;
  revoked_at: NullableMillis;
  /** From 0021. */
  rotation_requested_at: ColumnType<number | string | null, number | null | undefined, number | null>;
}

/** From 0015: what a device reports about itself on the device API, JSON. */
export interface DeviceConfigTable {
  guid: string;
  config: string;
  updated_at: Millis;
}

/** From 0016: payloads by SHA-256 (hex); `chunk_digests` is the SHA-256 of each chunk, concatenated. */
export interface PayloadsTable {
  digest: string;
  size: Int;
  media_type: string;
  location: string;
  blob_id: string;
  chunk_size: Int;
  chunk_digests: Bytes;
  created_at: Millis;
}

/** From 0016: the chunks of payloads kept in the database, by blob id and index from 0. */
export interface PayloadChunksTable {
  blob_id: string;
  n: Int;
  bytes: Bytes;
  /** From 0021; null for chunks written before. */
  written_at: ColumnType<number | string | null, number | null | undefined, number | null>;
}

/** From 0016: releases; `components` is JSON: [{id, digest, size}]. */
export interface ReleasesTable {
  id: string;
  model: string;
  version: string;
  sequence_number: Int;
  components: string;
  envelope: Bytes;
  envelope_digest: string;
  envelope_size: Int;
  sbom_ref: NullableText;
  vendor_domain: NullableText;
  state: string;
  origin: string;
  created_at: Millis;
  updated_at: Millis;
}

/** From 0017: update campaigns; `waves`, `target_guids` and `maintenance_window` are JSON. */
export interface CampaignsTable {
  id: string;
  name: string;
  release_id: string;
  target_query: NullableText;
  target_guids: NullableText;
  waves: string;
  action_type: string;
  confirm: Int;
  maintenance_window: NullableText;
  error_threshold: Int;
  success_threshold: NullableMillis;
  timeout_seconds: Int;
  state: string;
  current_wave: Int;
  acknowledged_failures: Int;
  reason: NullableText;
  /** From 0019: how often a failed action is offered again, and the first wait before it. */
  retry_attempts: ColumnType<number | string, number | undefined, number>;
  retry_backoff_seconds: ColumnType<number | string, number | undefined, number>;
  created_at: Millis;
  updated_at: Millis;
}

/** From 0017: one device's action in a campaign; `guid` is hex, `report` a SUIT report as received. */
export interface CampaignActionsTable {
  id: string;
  campaign_id: string;
  guid: string;
  wave: Int;
  state: string;
  attempts: Int;
  reason: NullableText;
  report: ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array | null>;
  offered_at: NullableMillis;
  /** From 0019: a rescheduled action is not offered before this time. */
  not_before: NullableMillis;
  updated_at: Millis;
  /** From 0018: 1 once the kept report verified. */
  report_verified: ColumnType<number | null, number | null | undefined, number | null>;
  /** From 0018: why the last report sent for the action was refused. */
  report_error: NullableText;
}

/** From 0017: the release a device last reported installed, by GUID (hex). */
export interface DeviceInstalledTable {
  guid: string;
  release_id: NullableText;
  version: NullableText;
  sequence_number: Int;
  updated_at: Millis;
  /** From 0018: JSON list of the components a verified report proved installed. */
  components: NullableText;
  /** From 0018: the action whose verified report this is. */
  report_action: NullableText;
}

export interface StoreMetaTable {
  name: string;
  value: Bytes;
}

/** From 0022: a counter per kind of change, bumped by triggers (migrations/0022-change-generations.ts). */
export interface ChangeGenerationsTable {
  name: string;
  generation: ColumnType<number | string, number, number>;
}

/** From 0024: products by model; `document` is the product's JSON (src/compliance/products). */
export interface ProductsTable {
  model: string;
  document: string;
  support_end: NullableText;
  created_at: Millis;
  updated_at: Millis;
}

/** From 0024: releases a maker declared, by model and version. */
export interface ProductReleasesTable {
  model: string;
  version: string;
  released_at: NullableMillis;
  created_at: Millis;
}

/** From 0024: one SBOM per (model, version), its bytes as imported. */
export interface SbomDocumentsTable {
  id: string;
  model: string;
  version: string;
  format: string;
  spec_version: string;
  serial: NullableText;
  source: string;
  digest: string;
  size: Int;
  bytes: Bytes;
  imported_by: string;
  imported_at: Millis;
}

/** From 0024: an SBOM's components in document order; `licenses` is JSON. */
export interface SbomComponentsTable {
  sbom_id: string;
  n: Int;
  ref: string;
  name: string;
  version: NullableText;
  purl: NullableText;
  supplier: NullableText;
  licenses: NullableText;
}

/** From 0024: OSV records whole (`document` is the record's JSON). */
export interface OsvRecordsTable {
  id: string;
  modified: string;
  published: NullableText;
  withdrawn: NullableText;
  document: string;
  source: string;
  imported_by: string;
  imported_at: Millis;
}

/** From 0024: which OSV records affect a package, by (ecosystem, name). */
export interface OsvPackagesTable {
  ecosystem: string;
  name: string;
  id: string;
}

/** From 0024: VEX statements; `statement` is the statement's JSON. */
export interface VexStatementsTable {
  id: string;
  vulnerability: string;
  statement: string;
  document: string;
  author: NullableText;
  imported_by: string;
  imported_at: Millis;
}

/** From 0025: an assessment of a product; `catalogs` is a JSON list of ids, `result` the assessment as JSON. */
export interface AssessmentsTable {
  id: string;
  model: string;
  market: string | null;
  catalogs: string;
  at: Millis;
  met: Int;
  not_met: Int;
  partially_met: Int;
  not_applicable: Int;
  manual_evidence_needed: Int;
  result: string;
}

/** From 0025: a maker's statement about one provision of a catalog. */
export interface ManualEvidenceTable {
  id: string;
  model: string;
  catalog: string;
  provision: string;
  statement: string;
  outcome: string;
  by: string;
  at: Millis;
}

/** From 0025: a file attached to a statement, `n` its place in the statement's list. */
export interface EvidenceAttachmentsTable {
  evidence_id: string;
  n: Int;
  name: string;
  media_type: string;
  size: ColumnType<number | string, number, number>;
  sha256: string;
  bytes: Bytes;
}

/** From 0025: an open-port probe's result (JSON) for a product. */
export interface ProbeResultsTable {
  id: string;
  model: string;
  result: string;
  by: string;
  at: Millis;
}

export interface Database {
  vouchers: VouchersTable;
  devices: DevicesTable;
  device_labels: DeviceLabelsTable;
  sessions: SessionsTable;
  rendezvous: RendezvousTable;
  keys: KeysTable;
  audit_log: AuditLogTable;
  api_tokens: ApiTokensTable;
  settings: SettingsTable;
  mud_files: MudFilesTable;
  to0_registrations: To0RegistrationsTable;
  di_tokens: DiTokensTable;
  store_meta: StoreMetaTable;
  intent_devices: IntentDevicesTable;
  intent_violations: IntentViolationsTable;
  intent_flows: IntentFlowsTable;
  intent_quarantine_actions: IntentQuarantineActionsTable;
  intent_leases: IntentLeasesTable;
  device_credentials: DeviceCredentialsTable;
  device_guids: DeviceGuidsTable;
  device_config: DeviceConfigTable;
  payloads: PayloadsTable;
  payload_chunks: PayloadChunksTable;
  releases: ReleasesTable;
  campaigns: CampaignsTable;
  campaign_actions: CampaignActionsTable;
  device_installed: DeviceInstalledTable;
  change_generations: ChangeGenerationsTable;
  products: ProductsTable;
  product_releases: ProductReleasesTable;
  sbom_documents: SbomDocumentsTable;
  sbom_components: SbomComponentsTable;
  osv_records: OsvRecordsTable;
  osv_packages: OsvPackagesTable;
  vex_statements: VexStatementsTable;
  assessments: AssessmentsTable;
  manual_evidence: ManualEvidenceTable;
  evidence_attachments: EvidenceAttachmentsTable;
  probe_results: ProbeResultsTable;
}

export type Dialect = 'sqlite' | 'postgres';
