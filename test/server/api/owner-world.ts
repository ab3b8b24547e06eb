/**
 * Platforms for the owner settings tests, on the embedded database and, when IOTOPIA_TEST_PG_URL
 * is set, on a fresh PostgreSQL database; each with one API token per role.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiToken } from '../../../src/platform/tokens.ts';
import { type RawSettings, resolveConfig } from '../../../src/server/platform/config.ts';
import { type Platform, type StartOptions, startPlatform } from '../../../src/server/platform/platform.ts';
import type { ApiRole } from '../../../src/store/api-token-repository.ts';
import { postgresHarness, type StoreHarness } from '../../store/harness.ts';

const pgUrl = process.env['IOTOPIA_TEST_PG_URL'];

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Why the backend's tests are skipped, or false. */
  skip: string | false;
}

export const BACKENDS: readonly Backend[] = [
  { name: 'sqlite', skip: false },
  {
    name: 'postgres',
    skip: pgUrl === undefined || pgUrl === '' ? 'IOTOPIA_TEST_PG_URL is not set (.ci/run starts a PostgreSQL and sets it)' : false,
  },
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
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-owner-'));
  mkdirSync(join(dir, 'server'));
  let db: StoreHarness | undefined;
  if (backend === 'postgres') db = await postgresHarness(pgUrl as string);
  const platform = await startPlatform(
    resolveConfig([
      'test',
      {
        listen: '127.0.0.1:0',
        dataDir: join(dir, 'server'),
        logLevel: 'silent',
        autoOwner: false,
        ...(db === undefined ? {} : { database: db.location }),
        ...settings,
      },
    ]),
    { env: { IOTOPIA_MASTER_KEY: randomBytes(32).toString('hex') }, ...options },
  );
  const admin = platform.firstAdminToken;
  if (admin === undefined) throw new Error('the first start made no admin token');
  const tokens = { admin } as Record<ApiRole, string>;
  for (const role of ['manufacturer', 'owner', 'rendezvous', 'auditor'] as const) {
    tokens[role] = (await createApiToken(platform.store, { name: role, roles: [role] })).secret;
  }
  return {
    platform,
    dir,
    tokens,
    async close() {
      await platform.close();
      await db?.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
