/**
 * `iotopia token create|list|revoke`: management API tokens (optionally expiring), two ways. Through the management API
 * of a running server (`--server`/`--token` or IOTOPIA_SERVER/IOTOPIA_TOKEN, an admin token), or
 * directly in the server's store (`--data-dir`/`--database`), which works before any token exists.
 * The secret is printed once; the server keeps only its hash.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadMasterKey } from '../../platform/master-key.ts';
import {
  API_ROLES,
  type ApiTokenView,
  createApiToken,
  isApiRole,
  type NewApiToken,
  parseTokenExpiry,
  revokeApiToken,
  TokenExpiryError,
  tokenStatus,
  tokenView,
} from '../../platform/tokens.ts';
import { ConfigError, resolveConfig, settingsFromEnv } from '../../server/platform/config.ts';
import { SQLITE_FILE } from '../../server/platform/platform.ts';
import type { ApiRole, ApiTokenRecord } from '../../store/api-token-repository.ts';
import { ERR_STORE_NOT_FOUND, StoreError } from '../../store/errors.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { type CliContext, defaultSettings, rootedSettings } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { type ApiTarget, apiRequest, apiTarget, listAll } from './voucher-admin-client.ts';

interface TargetOptions {
  dataDir?: string;
  database?: string;
  server?: string;
  token?: string;
}

type Target = { api: ApiTarget } | { store: { dataDir?: string; database?: string } };

/**
 * Flags decide: store flags mean the store, API flags the API, both is a usage error. Without
 * flags, IOTOPIA_SERVER set means the API; otherwise the store (IOTOPIA_DATA_DIR or ./.iotopia).
 */
function targetOf(opts: TargetOptions, env: NodeJS.ProcessEnv): Target {
  const storeFlags = opts.dataDir !== undefined || opts.database !== undefined;
  const apiFlags = opts.server !== undefined || opts.token !== undefined;
  if (storeFlags && apiFlags) {
    throw new CliExit(EXIT_USAGE, 'give --data-dir/--database (the store) or --server/--token (the management API), not both');
  }
  if (apiFlags || (!storeFlags && env.IOTOPIA_SERVER !== undefined && env.IOTOPIA_SERVER !== '')) return { api: apiTarget(opts, env) };
  return {
    store: {
      ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }),
      ...(opts.database === undefined ? {} : { database: opts.database }),
    },
  };
}

async function withStore<T>(cli: CliContext, opts: { dataDir?: string; database?: string }, fn: (store: Store) => Promise<T>): Promise<T> {
  let config: ReturnType<typeof resolveConfig>;
  try {
    config = resolveConfig(
      ...defaultSettings(cli),
      ['environment', rootedSettings(cli, settingsFromEnv(cli.env))],
      ['command line', rootedSettings(cli, { dataDir: opts.dataDir, database: opts.database })],
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
  const master = loadMasterKey(config.dataDir, cli.env);
  const store = await openStore(config.database === undefined ? { path: file } : { url: config.database }, { kek: master.key });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const targetFlags = (cmd: Command): Command =>
  cmd
    .option('--server <url>', 'through the management API of this server (or IOTOPIA_SERVER); needs an admin --token')
    .option('--token <token>', 'an admin API token, with --server (or IOTOPIA_TOKEN)')
    .option('--data-dir <dir>', "directly in the server's store: its data directory (default ./.iotopia, or IOTOPIA_DATA_DIR)")
    .option('--database <url>', "directly in the server's store on PostgreSQL: postgres://… (or IOTOPIA_DATABASE)");

const HELP = `
Where the tokens are:
  --server URL --token ADMIN_TOKEN   through the management API of a running server
                                     (or IOTOPIA_SERVER and IOTOPIA_TOKEN in the environment)
  --data-dir DIR | --database URL    directly in the server's store, no token needed: for the
                                     first token, or when the API is unreachable; needs the
                                     master key (DIR/master.key or IOTOPIA_MASTER_KEY)
Without flags: the API when IOTOPIA_SERVER is set, else the store in IOTOPIA_DATA_DIR or ./.iotopia.
`;

/** active, revoked <time>, expired <time> or active until <time>, by this machine's clock. */
function statusText(t: ApiTokenView, text: (s: string) => string, now: Date): string {
  const at = (iso: string | undefined) => text(iso ?? '');
  const expiresAt = t.expiresAt === undefined ? undefined : new Date(t.expiresAt);
  switch (
    tokenStatus(
      { ...(t.revokedAt === undefined ? {} : { revokedAt: new Date(t.revokedAt) }), ...(expiresAt === undefined ? {} : { expiresAt }) },
      now,
    )
  ) {
    case 'revoked':
      return `revoked ${at(t.revokedAt)}`;
    case 'expired':
      return `expired ${at(t.expiresAt)}`;
    default:
      return t.expiresAt === undefined ? 'active' : `active until ${at(t.expiresAt)}`;
  }
}

const listLine = (t: ApiTokenView, text: (s: string) => string, now: Date) =>
  `${text(t.id)}  ${text(t.name).padEnd(16)}  ${text(t.roles.join(',')).padEnd(24)}  ${statusText(t, text, now)}`;

/** --expires: a duration from now or an RFC 3339 time; a usage error naming the option otherwise. */
function expiryOption(value: string | undefined, now: Date): Date | undefined {
  if (value === undefined) return undefined;
  try {
    return parseTokenExpiry(value, now);
  } catch (e) {
    if (e instanceof TokenExpiryError) throw new CliExit(EXIT_USAGE, `--expires: ${e.message}`);
    throw e;
  }
}

async function listStore(store: Store): Promise<ApiTokenRecord[]> {
  const items: ApiTokenRecord[] = [];
  let after: string | undefined;
  do {
    const page = await store.apiTokens.list({ limit: 1000, ...(after === undefined ? {} : { after }) });
    items.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return items;
}

export function registerToken(program: Command, cli: CliContext): void {
  const { output } = cli;
  const token = program
    .command('token')
    .description('management API tokens: create, list, revoke')
    .addHelpText('after', HELP)
    .exitOverride();

  targetFlags(token.command('create'))
    .description('make an API token with roles; its secret is printed only now')
    .requiredOption('--role <role>', `${API_ROLES.join(', ')} (repeat for more)`, (v: string, prev: string[]) => [...prev, v], [])
    .option('--name <name>', 'what the token is for', 'cli')
    .option(
      '--expires <when>',
      'when the token stops working: a duration from now (30d, 8h, 90m, 2w) or an RFC 3339 time with offset (default: never)',
    )
    .option('--json', 'machine output')
    .addHelpText('after', HELP)
    .action(async (opts: TargetOptions & { role: string[]; name: string; expires?: string; json?: boolean }) => {
      const roles: ApiRole[] = [];
      for (const r of opts.role) {
        if (!isApiRole(r)) throw new CliExit(EXIT_USAGE, `--role: ${JSON.stringify(r)} is not one of ${API_ROLES.join(', ')}`);
        if (!roles.includes(r)) roles.push(r);
      }
      if (roles.length === 0) throw new CliExit(EXIT_USAGE, '--role: give at least one role');
      const expiresAt = expiryOption(opts.expires, new Date());
      const target = targetOf(opts, cli.env);
      let t: NewApiToken;
      if ('api' in target) {
        const request = { name: opts.name, roles, ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }) };
        const body = { data: JSON.stringify(request), type: 'application/json' };
        const made = (await (await apiRequest(target.api, 'POST', '/tokens', body)).json()) as ApiTokenView & { secret: string };
        t = {
          id: made.id,
          name: made.name,
          roles: made.roles,
          secret: made.secret,
          ...(made.expiresAt === undefined ? {} : { expiresAt: new Date(made.expiresAt) }),
        };
      } else {
        t = await withStore(cli, target.store, (store) =>
          createApiToken(store, { name: opts.name, roles, ...(expiresAt === undefined ? {} : { expiresAt }) }, 'cli'),
        );
      }
      const { text } = output;
      output.result(t, () => [
        `token ${text(t.id)} (${text(t.roles.join(', '))}) created${t.expiresAt === undefined ? '' : `, expires ${t.expiresAt.toISOString()}`}.`,
        `secret (shown only this once): ${text(t.secret)}`,
      ]);
    });

  targetFlags(token.command('list'))
    .description('list API tokens (ids, names, roles, revocation; never secrets)')
    .option('--json', 'machine output: a JSON array')
    .addHelpText('after', HELP)
    .action(async (opts: TargetOptions & { json?: boolean }) => {
      const target = targetOf(opts, cli.env);
      const items =
        'api' in target
          ? await listAll<ApiTokenView>(target.api, '/tokens', { limit: '1000' })
          : (await withStore(cli, target.store, listStore)).map(tokenView);
      const now = new Date();
      output.result(items, () => (items.length === 0 ? 'no tokens' : items.map((t) => listLine(t, output.text, now))));
    });

  targetFlags(token.command('revoke'))
    .description('revoke an API token; requests with it are refused from now on')
    .argument('<id>', 'the token id (not its secret)')
    .option('--json', 'machine output')
    .addHelpText('after', HELP)
    .action(async (id: string, opts: TargetOptions & { json?: boolean }) => {
      if (!/^[0-9a-f]{1,64}$/.test(id))
        throw new CliExit(EXIT_USAGE, `<id>: ${JSON.stringify(id)} is not a token id (hex digits; not the secret)`);
      const target = targetOf(opts, cli.env);
      if ('api' in target) {
        await apiRequest(target.api, 'POST', `/tokens/${id}/revoke`);
      } else {
        try {
          await withStore(cli, target.store, (store) => revokeApiToken(store, id, 'cli'));
        } catch (e) {
          if (e instanceof StoreError && e.code === ERR_STORE_NOT_FOUND) throw new CliExit(EXIT_CHECK_FAILED, `no API token with id ${id}`);
          throw e;
        }
      }
      output.result({ id, revoked: true }, () => `token ${id} revoked`);
    });
  for (const c of token.commands) c.exitOverride();
}
