import type { KeyObject } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { ERR_STORE_CONFLICT, StoreError } from '../errors.ts';
import { migrateToLatest } from '../migrations/migrate.ts';
import type { Database, Dialect } from '../schema.ts';
import { createSecretBox, type SecretBox } from '../secret-box.ts';
import { fenceFor, type SessionFence } from '../session-fence.ts';
import { runUnsynced } from '../sqlite/durability.ts';
import type { ChangeGenerations, Repositories, Store } from '../store.ts';
import { sqlApiTokenRepository } from './api-token-repository.ts';
import { sqlAssessmentRepository } from './assessment-repository.ts';
import { sqlAuditLog } from './audit-log.ts';
import { sqlCampaignRepository } from './campaign-repository.ts';
import type { SqlContext } from './context.ts';
import { sqlDeviceConfigRepository } from './device-config-repository.ts';
import { sqlDeviceCredentialRepository } from './device-credential-repository.ts';
import { sqlDeviceRepository } from './device-repository.ts';
import { sqlDiTokenRepository } from './di-token-repository.ts';
import { sqlEvidenceRecordRepository } from './evidence-record-repository.ts';
import { sqlIntentDeviceRepository } from './intent-device-repository.ts';
import { sqlIntentFlowRepository } from './intent-flow-repository.ts';
import { sqlIntentLeaseRepository } from './intent-lease-repository.ts';
import { sqlIntentQuarantineRepository } from './intent-quarantine-repository.ts';
import { sqlIntentStatsRepository } from './intent-stats-repository.ts';
import { sqlIntentViolationRepository } from './intent-violation-repository.ts';
import { checkKek } from './kek-check.ts';
import { sqlKeyRepository } from './key-repository.ts';
import { sqlMudFileRepository } from './mud-file-repository.ts';
import { sqlOnboardingStatsRepository } from './onboarding-stats-repository.ts';
import { sqlPayloadRepository } from './payload-repository.ts';
import { preparedQueries } from './prepared-queries.ts';
import { sqlProductRepository } from './product-repository.ts';
import { sqlReleaseRepository } from './release-repository.ts';
import { sqlRendezvousRepository } from './rendezvous-repository.ts';
import { resealAll } from './reseal.ts';
import { sqlSbomRepository } from './sbom-repository.ts';
import { sqlSessionRepository } from './session-repository.ts';
import { settingsCache } from './settings-cache.ts';
import { sqlSettingsRepository } from './settings-repository.ts';
import { sqlTo0RegistrationRepository } from './to0-registration-repository.ts';
import { sqlVoucherRepository } from './voucher-repository.ts';
import { sqlVulnerabilityRepository } from './vulnerability-repository.ts';
import { writeCounts } from './write-counts.ts';

export interface SqlStoreOptions {
  /** The key-encryption key for sealed columns, 32 bytes. */
  kek: Uint8Array | KeyObject;
  clock?: () => Date;
}

function repositories(ctx: SqlContext): Repositories {
  return {
    vouchers: sqlVoucherRepository(ctx),
    devices: sqlDeviceRepository(ctx),
    sessions: sqlSessionRepository(ctx),
    rendezvous: sqlRendezvousRepository(ctx),
    keys: sqlKeyRepository(ctx),
    audit: sqlAuditLog(ctx),
    apiTokens: sqlApiTokenRepository(ctx),
    settings: sqlSettingsRepository(ctx),
    mudFiles: sqlMudFileRepository(ctx),
    to0Registrations: sqlTo0RegistrationRepository(ctx),
    diTokens: sqlDiTokenRepository(ctx),
    intentDevices: sqlIntentDeviceRepository(ctx),
    intentViolations: sqlIntentViolationRepository(ctx),
    intentFlows: sqlIntentFlowRepository(ctx),
    intentQuarantine: sqlIntentQuarantineRepository(ctx),
    intentLeases: sqlIntentLeaseRepository(ctx),
    intentStats: sqlIntentStatsRepository(ctx),
    deviceCredentials: sqlDeviceCredentialRepository(ctx),
    deviceConfig: sqlDeviceConfigRepository(ctx),
    payloads: sqlPayloadRepository(ctx),
    releases: sqlReleaseRepository(ctx),
    campaigns: sqlCampaignRepository(ctx),
    products: sqlProductRepository(ctx),
    sboms: sqlSbomRepository(ctx),
    vulnerabilities: sqlVulnerabilityRepository(ctx),
    assessments: sqlAssessmentRepository(ctx),
    evidenceRecords: sqlEvidenceRecordRepository(ctx),
    onboardingStats: sqlOnboardingStatsRepository(ctx),
  };
}

/** The session message's fence, first in each of its transactions: a copy that lost the race rolls back here. */
async function advanceFenced(r: Repositories, fence: SessionFence): Promise<void> {
  if (!(await r.sessions.advance(fence.token, fence.version))) {
    throw new StoreError(ERR_STORE_CONFLICT, `session version ${fence.version} moved on: another copy of this message was handled`);
  }
}

async function readGenerations(db: Kysely<Database>): Promise<ChangeGenerations> {
  const rows = await db.selectFrom('change_generations').select(['name', 'generation']).execute();
  const of = (name: string) => Number(rows.find((r) => r.name === name)?.generation ?? 0);
  return { devices: of('devices'), campaign_actions: of('campaign_actions') };
}

/**
 * A Store over a Kysely handle of either dialect: migrates, checks the KEK, builds the repositories.
 * `release` gives the handle back when the store closes (or fails to open).
 */
export async function createSqlStore(
  db: Kysely<Database>,
  dialect: Dialect,
  options: SqlStoreOptions,
  release: () => Promise<void>,
): Promise<Store> {
  // Repositories seal through this indirection, so that rekey switches every one of them at once.
  let box: SecretBox;
  const current: SecretBox = { seal: (p, c) => box.seal(p, c), open: (v, c) => box.open(v, c) };
  const writes = writeCounts();
  const counted = db.withPlugin(writes.plugin);
  const ctx: SqlContext = {
    db: counted,
    dialect,
    box: current,
    clock: options?.clock ?? (() => new Date()),
    prepared: preparedQueries(writes.bump),
    settingsCache: settingsCache(),
  };
  let closing: Promise<void> | undefined;
  try {
    box = createSecretBox(options?.kek);
    await migrateToLatest(db, dialect);
    await checkKek(ctx);
  } catch (e) {
    await release();
    throw e;
  }
  const top = repositories(ctx);
  return {
    dialect,
    ...top,
    async transaction(fn) {
      const fence = fenceFor(top.sessions);
      const out = await counted.transaction().execute(async (trx) => {
        const r = repositories({ ...ctx, db: trx });
        if (fence !== undefined) await advanceFenced(r, fence);
        return fn(r);
      });
      // Only a committed advance counts: a rolled-back one left the version where it was.
      if (fence !== undefined) fence.version++;
      return out;
    },
    // Only SQLite's connection consults the scope (sqlite/durability.ts); PostgreSQL commits as always.
    unsynced: (work) => (dialect === 'sqlite' ? runUnsynced(work) : work()),
    writeCount: writes.count,
    changeGenerations: () => readGenerations(db),
    migrate: () => migrateToLatest(db, dialect),
    async rekey(newKek) {
      const next = createSecretBox(newKek);
      await db.transaction().execute((trx) => resealAll(trx, box, next));
      box = next;
    },
    async eraseFreed() {
      if (dialect !== 'sqlite') return true;
      // busy = 1 when a reader on another connection still needs the log; the log then stays.
      const r = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
      return Number(r.rows[0]?.busy ?? 0) === 0;
    },
    close() {
      // Idempotent: a second close (a shutdown path and a finally, say) waits for the first.
      closing ??= release();
      return closing;
    },
  };
}
