/**
 * `iotopia token create|revoke`: management API tokens, made directly in the server's store (so
 * they work before any token exists). The secret is printed once; the store keeps its hash only.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createApiToken, isApiRole, revokeApiToken } from '../../server/api/tokens.ts';
import { ConfigError, resolveConfig, settingsFromEnv } from '../../server/platform/config.ts';
import { loadMasterKey } from '../../server/platform/master-key.ts';
import { SQLITE_FILE } from '../../server/platform/platform.ts';
import type { ApiRole } from '../../store/api-token-repository.ts';
import { ERR_STORE_NOT_FOUND, StoreError } from '../../store/errors.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';

interface StoreOptions {
  dataDir?: string;
  database?: string;
}

async function withStore<T>(opts: StoreOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  let config: ReturnType<typeof resolveConfig>;
  try {
    config = resolveConfig(
      ['environment', settingsFromEnv(process.env)],
      ['command line', { dataDir: opts.dataDir, database: opts.database }],
    );
  } catch (e) {
    if (e instanceof ConfigError) throw new CliExit(EXIT_USAGE, e.message);
    throw e;
  }
  const file = join(config.dataDir, SQLITE_FILE);
  // A token for a database that does not exist yet would be lost when `iotopia up` makes another.
  if (config.database === undefined && !existsSync(file)) {
    throw new CliExit(EXIT_USAGE, `--data-dir: no IoTopia database in ${config.dataDir}; run \`iotopia up\` there first`);
  }
  const master = loadMasterKey(config.dataDir, process.env);
  const store = await openStore(config.database === undefined ? { path: file } : { url: config.database }, { kek: master.key });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const storeFlags = (cmd: Command): Command =>
  cmd
    .option('--data-dir <dir>', 'the server data directory (default ./.iotopia, or IOTOPIA_DATA_DIR)')
    .option('--database <url>', 'postgres://… when the server runs on PostgreSQL (or IOTOPIA_DATABASE)');

export function registerToken(program: Command): void {
  const token = program.command('token').description('management API tokens: create, revoke').exitOverride();

  storeFlags(token.command('create'))
    .description('make an API token with roles; its secret is printed only now')
    .requiredOption(
      '--role <role>',
      'admin, manufacturer, owner, rendezvous or auditor (repeat for more)',
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--json', 'machine output')
    .action(async (opts: StoreOptions & { role: string[]; name: string; json?: boolean }) => {
      const roles: ApiRole[] = [];
      for (const r of opts.role) {
        if (!isApiRole(r))
          throw new CliExit(EXIT_USAGE, `--role: ${JSON.stringify(r)} is not one of admin, manufacturer, owner, rendezvous, auditor`);
        if (!roles.includes(r)) roles.push(r);
      }
      if (roles.length === 0) throw new CliExit(EXIT_USAGE, '--role: give at least one role');
      const t = await withStore(opts, (store) => createApiToken(store, { name: opts.name, roles }, 'cli'));
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(t)}\n`
          : `token ${t.id} (${t.roles.join(', ')}) created.\nsecret (shown only this once): ${t.secret}\n`,
      );
    });

  storeFlags(token.command('revoke'))
    .description('revoke an API token; requests with it are refused from now on')
    .argument('<id>', 'the token id (not its secret)')
    .option('--json', 'machine output')
    .action(async (id: string, opts: StoreOptions & { json?: boolean }) => {
      try {
        await withStore(opts, (store) => revokeApiToken(store, id, 'cli'));
      } catch (e) {
        if (e instanceof StoreError && e.code === ERR_STORE_NOT_FOUND) throw new CliExit(EXIT_CHECK_FAILED, `no API token with id ${id}`);
        throw e;
      }
      process.stdout.write(opts.json ? `${JSON.stringify({ id, revoked: true })}\n` : `token ${id} revoked\n`);
    });
  for (const c of token.commands) c.exitOverride();
}
