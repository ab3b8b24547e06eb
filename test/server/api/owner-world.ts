/**
 * Platforms for the owner settings tests, on the embedded database and, when IOTOPIA_TEST_PG_URL
 * is set, on a fresh PostgreSQL database; each with one API token per role.
 */
import { randomBytes } from 'node:crypto';
import type { RawSettings } from '../../../src/server/platform/config.ts';
import type { Platform, StartOptions } from '../../../src/server/platform/platform.ts';
import type { ApiRole } from '../../../src/store/api-token-repository.ts';
import { PG_SKIP, PG_URL, roleTokens, startTestPlatform } from '../../helpers/platform.ts';
import { postgresHarness, type StoreHarness } from '../../store/harness.ts';

export { bearer } from '../../helpers/platform.ts';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Why the backend's tests are skipped, or false. */
  skip: string | false;
}

export const BACKENDS: readonly Backend[] = [
  { name: 'sqlite', skip: false },
  { name: 'postgres', skip: PG_SKIP },
];

export interface OwnerWorld {
  platform: Platform;
  dir: string;
  tokens: Record<ApiRole, string>;
  close(): Promise<void>;
}

export async function startOwnerWorld(
  backend: Backend['name'],
  settings: RawSettings = {},
  options: StartOptions = {},
): Promise<OwnerWorld> {
  let db: StoreHarness | undefined;
  if (backend === 'postgres') db = await postgresHarness(PG_URL as string);
  const started = await startTestPlatform(
    'iotopia-owner-',
    { autoOwner: false, ...(db === undefined ? {} : { database: db.location }), ...settings },
    { env: { IOTOPIA_MASTER_KEY: randomBytes(32).toString('hex') }, ...options },
  );
  return {
    platform: started.platform,
    dir: started.dir,
    tokens: await roleTokens(started.platform),
    async close() {
      await started.close();
      await db?.destroy();
    },
  };
}
