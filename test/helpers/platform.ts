/**
 * Platforms for tests, started as `iotopia up` starts them: on loopback at a free port, logs
 * silent, data in a temporary directory that closing removes.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchTrusting } from '../../src/fdo/client/tls-fetch.ts';
import { createApiToken } from '../../src/platform/tokens.ts';
import { type PlatformConfig, type RawSettings, resolveConfig } from '../../src/server/platform/config.ts';
import { type Platform, type StartOptions, startPlatform } from '../../src/server/platform/platform.ts';
import type { ApiRole } from '../../src/store/api-token-repository.ts';
import { postgresHarness } from '../store/harness.ts';

const pgUrl = process.env['IOTOPIA_TEST_PG_URL'];

/** The PostgreSQL server the tests may create databases on, when one is given. */
export const PG_URL: string | undefined = pgUrl === '' ? undefined : pgUrl;

/** The skip reason of a PostgreSQL test, or false when it can run. */
export const PG_SKIP: string | false =
  PG_URL === undefined ? 'IOTOPIA_TEST_PG_URL is not set (.ci/run starts a PostgreSQL and sets it)' : false;

/** A test platform's configuration: `settings` over loopback at a free port with silent logs. */
export function testConfig(settings: RawSettings): PlatformConfig {
  return resolveConfig(['test', { listen: '127.0.0.1:0', logLevel: 'silent', ...settings }]);
}

/** What a client of a TLS test platform needs: the platform TLS CA and a fetch that trusts it. */
export interface TestTls {
  /** <dataDir>/tls/ca.pem, for `--tls-ca` and SSL_CERT_FILE. */
  caFile: string;
  /** Its PEM, for the FDO client's `tlsCa`. */
  ca: string;
  /** A fetch that trusts the CA (and only it) for https. */
  fetch: typeof fetch;
}

export interface TestPlatform {
  platform: Platform;
  /** The base URL: https://127.0.0.1:<port> with TLS, http:// without. */
  url: string;
  /** Set when the platform serves TLS (settings `tls: true`, or the `startTlsTestPlatform` helper). */
  tls?: TestTls;
  /** The temporary directory: the data directory is its `server` folder; tests may use the rest. */
  dir: string;
  dataDir: string;
  /** Closes the platform and removes the directory. */
  close(): Promise<void>;
}

/** Starts a platform on a fresh temporary directory (`prefix` names it). */
export async function startTestPlatform(prefix: string, settings: RawSettings = {}, options: StartOptions = {}): Promise<TestPlatform> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(dir, 'server');
  // Made here, as the platform makes it, for runs that never write a master key file into it.
  mkdirSync(dataDir, { mode: 0o700 });
  const platform = await startPlatform(testConfig({ dataDir, ...settings }), options);
  const tls = platform.tls?.caFile === undefined ? undefined : trustOf(platform.tls.caFile);
  return {
    platform,
    url: platform.url,
    ...(tls === undefined ? {} : { tls }),
    dir,
    dataDir,
    async close() {
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function trustOf(caFile: string): TestTls {
  const ca = readFileSync(caFile, 'utf8');
  return { caFile, ca, fetch: fetchTrusting(ca) };
}

/**
 * A platform serving HTTPS on loopback (`iotopia up --tls`) with a certificate from its platform TLS
 * CA; `tls` says where that CA is and gives a fetch that trusts it.
 */
export async function startTlsTestPlatform(
  prefix: string,
  settings: RawSettings = {},
  options: StartOptions = {},
): Promise<TestPlatform & { tls: TestTls }> {
  const t = await startTestPlatform(prefix, { ...settings, tls: true }, options);
  if (t.tls === undefined || !t.url.startsWith('https://')) {
    await t.close();
    throw new Error('the platform did not start with TLS and its own CA');
  }
  return t as TestPlatform & { tls: TestTls };
}

export interface ReplicaPair {
  a: Platform;
  b: Platform;
  /** Closes both, drops the database and removes both data directories. */
  close(): Promise<void>;
}

/**
 * Two platforms sharing a fresh PostgreSQL database and nothing else: each its own data
 * directory, both the same master key (as the documentation asks of replicas).
 */
export async function startReplicaPair(prefix: string, settings: RawSettings = {}): Promise<ReplicaPair> {
  if (PG_URL === undefined) throw new TypeError('startReplicaPair needs IOTOPIA_TEST_PG_URL');
  const db = await postgresHarness(PG_URL);
  const dirs = [mkdtempSync(join(tmpdir(), `${prefix}a-`)), mkdtempSync(join(tmpdir(), `${prefix}b-`))] as const;
  const env = { IOTOPIA_MASTER_KEY: randomBytes(32).toString('hex') };
  const config = (dataDir: string) => testConfig({ dataDir, database: db.location, ...settings });
  const a = await startPlatform(config(dirs[0]), { env });
  const b = await startPlatform(config(dirs[1]), { env });
  return {
    a,
    b,
    async close() {
      await a.close();
      await b.close();
      await db.destroy();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** An API token for every role: the first start's admin token and one made for each other role. */
export async function roleTokens(platform: Platform): Promise<Record<ApiRole, string>> {
  const admin = platform.firstAdminToken;
  if (admin === undefined) throw new Error('the first start made no admin token');
  const tokens = { admin } as Record<ApiRole, string>;
  for (const role of ['manufacturer', 'owner', 'rendezvous', 'auditor'] as const) {
    tokens[role] = (await createApiToken(platform.store, { name: role, roles: [role] })).secret;
  }
  return tokens;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
