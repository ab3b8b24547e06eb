/**
 * Migrations are code, listed here in order; openStore runs them every time. Kysely's Migrator
 * records what ran and locks while it runs (an advisory lock on PostgreSQL), so re-running is a
 * no-op and two replicas starting together do not both migrate.
 */
import { type Kysely, type Migration, Migrator } from 'kysely';
import type { Database, Dialect } from '../schema.ts';
import { initial } from './0001-initial.ts';
import { auditAppendOnly } from './0002-audit-append-only.ts';
import { voucherRegistration } from './0003-voucher-registration.ts';
import { settings } from './0004-settings.ts';
import { mudFiles } from './0005-mud-files.ts';
import { to0Registrations } from './0006-to0-registrations.ts';
import { sealedSettings } from './0007-sealed-settings.ts';
import { keyCertificates } from './0008-key-certificates.ts';
import { diTokens } from './0009-di-tokens.ts';
import { sessionProtocolIndex } from './0010-session-protocol-index.ts';
import { tokenExpiry } from './0011-token-expiry.ts';
import { deviceOnboardInfo } from './0012-device-onboard-info.ts';
import { intent } from './0013-intent.ts';
import { deviceRegistry } from './0014-device-registry.ts';
import { deviceCredentials } from './0015-device-credentials.ts';
import { releases } from './0016-releases.ts';
import { campaigns } from './0017-campaigns.ts';
import { verifiedReports } from './0018-verified-reports.ts';
import { campaignRetries } from './0019-campaign-retries.ts';
import { deviceLastSeen } from './0020-device-last-seen.ts';
import { deviceGuidsRotationSweep } from './0021-device-guids-rotation-sweep.ts';
import { changeGenerations } from './0022-change-generations.ts';
import { settingsGeneration } from './0023-settings-generation.ts';
import { products } from './0024-products.ts';
import { assessments } from './0025-assessments.ts';
import { voucherDeviceInfoColumn } from './0026-voucher-device-info.ts';
import { deviceFleetColumns } from './0028-device-fleet-columns.ts';
import { onboardingStatsIndexes } from './0029-onboarding-stats-indexes.ts';
import { intentFlows } from './0030-intent-flows.ts';

/** The migrations in order, by name. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-initial': initial(dialect),
    '0002-audit-append-only': auditAppendOnly(dialect),
    '0003-voucher-registration': voucherRegistration(),
    '0004-settings': settings(),
    '0005-mud-files': mudFiles(dialect),
    '0006-to0-registrations': to0Registrations(),
    '0007-sealed-settings': sealedSettings(),
    '0008-key-certificates': keyCertificates(dialect),
    '0009-di-tokens': diTokens(),
    '0010-session-protocol-index': sessionProtocolIndex(),
    '0011-token-expiry': tokenExpiry(),
    '0012-device-onboard-info': deviceOnboardInfo(),
    '0013-intent': intent(dialect),
    '0014-device-registry': deviceRegistry(),
    '0015-device-credentials': deviceCredentials(),
    '0016-releases': releases(dialect),
    '0017-campaigns': campaigns(dialect),
    '0018-verified-reports': verifiedReports(),
    '0019-campaign-retries': campaignRetries(),
    '0020-device-last-seen': deviceLastSeen(),
    '0021-device-guids-rotation-sweep': deviceGuidsRotationSweep(),
    '0022-change-generations': changeGenerations(dialect),
    '0023-settings-generation': settingsGeneration(dialect),
    '0024-products': products(dialect),
    '0025-assessments': assessments(dialect),
    '0026-voucher-device-info': voucherDeviceInfoColumn(),
    '0028-device-fleet-columns': deviceFleetColumns(dialect),
    '0029-onboarding-stats-indexes': onboardingStatsIndexes(),
    '0030-intent-flows': intentFlows(),
  };
}

/** Brings the schema to the latest migration; returns the names of the migrations that ran now. */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(dialect) } });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
