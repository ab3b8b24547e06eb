/**
 * `iotopia keys list | generate | import | export-public`: the server's keys, in its data
 * directory (or PostgreSQL database) and its configured keystore, naming the backend of each:
 * software (private half sealed in the store), pkcs11 (private half in the token, a public record
 * in the store) or public (a key the server only trusts). Settings as for `iotopia up`.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { importPrivateKey } from '../../crypto/key-import.ts';
import { spkiOf } from '../../crypto/private-key-handle.ts';
import { IotopiaError } from '../../errors.ts';
import type { Keystore, KeystoreKeyType } from '../../keystore/keystore.ts';
import { isKeystoreKeyType, KEY_NAME, KEYSTORE_KEY_TYPES } from '../../keystore/keystore.ts';
import { openKeystore } from '../../keystore/open-keystore.ts';
import { ConfigError, type RawSettings, resolveConfig, settingsFromEnv } from '../../server/platform/config.ts';
import { openData, SQLITE_FILE } from '../../server/platform/platform.ts';
import type { Store } from '../../store/store.ts';
import { type CliContext, defaultSettings, rootedSettings } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { type KeystoreOptions, keystoreFlags, withKeystoreOptions } from './up-keystore.ts';

interface StoreOptions extends KeystoreOptions {
  dataDir?: string;
  database?: string;
}

interface KeyView {
  name: string;
  type: string;
  backend: 'software' | 'pkcs11' | 'public';
  /** SHA-256 of the SubjectPublicKeyInfo, hex. */
  fingerprint: string;
}

export function registerKeys(program: Command, cli: CliContext): void {
  const { output } = cli;
  const text = output.text;
  const keys = program.command('keys').description("the server's keys and the keystore that holds them (local data directory)");

  withStoreOptions(keys.command('list').description('list the keys, naming the backend of each').option('--json', 'machine output')).action(
    async (o: StoreOptions) =>
      withKeystore(cli, o, async (store, keystore) => {
        const views = await listKeys(store, keystore);
        output.result(views, () =>
          views.length === 0
            ? ['no keys']
            : views.map((v) => `${text(v.name).padEnd(24)} ${v.type.padEnd(10)} ${v.backend.padEnd(8)} ${v.fingerprint}`),
        );
      }),
  );

  withStoreOptions(
    keys
      .command('generate <name>')
      .description('make a key pair in the configured keystore (in the token with --keystore pkcs11)')
      .requiredOption('--type <type>', `key type: ${KEYSTORE_KEY_TYPES.join(', ')}`)
      .option('--json', 'machine output'),
  ).action(async (name: string, o: StoreOptions & { type: string }) => {
    if (!isKeystoreKeyType(o.type)) throw new CliExit(EXIT_USAGE, `--type: one of ${KEYSTORE_KEY_TYPES.join(', ')}`);
    await withKeystore(cli, o, async (store, keystore) => {
      checkName(name);
      const key = await keyStep(() => keystore.generate(name, o.type as KeystoreKeyType));
      if (keystore.backend !== 'software') await store.keys.create({ name, type: o.type, publicKey: spkiOf(key) });
      const view: KeyView = { name, type: o.type, backend: keystore.backend, fingerprint: fingerprint(spkiOf(key)) };
      output.result(view, () => [`made ${view.type} key "${text(name)}" in the ${view.backend} keystore (${view.fingerprint})`]);
    });
  });

  withStoreOptions(
    keys
      .command('import <name> <file>')
      .description('keep an existing private key (PEM or DER) in the software keystore; a token makes its own keys')
      .option('--json', 'machine output'),
  ).action(async (name: string, file: string, o: StoreOptions) => {
    await withKeystore(cli, o, async (_store, keystore) => {
      checkName(name);
      let key: KeyObject;
      try {
        key = importPrivateKey(await readInput(cli, file));
      } catch (e) {
        if (e instanceof IotopiaError) throw new CliExit(EXIT_CHECK_FAILED, `${file}: ${e.message} [${e.code}]`);
        throw e;
      }
      await keyStep(() => keystore.import(name, key));
      const view = { name, backend: keystore.backend, fingerprint: fingerprint(spkiOf(key)) };
      output.result(view, () => [`imported key "${text(name)}" into the ${view.backend} keystore (${view.fingerprint})`]);
    });
  });

  withStoreOptions(
    keys
      .command('export-public <name>')
      .description('print the public key (SPKI PEM) of a key, whatever holds its private half')
      .option('--json', 'machine output'),
  ).action(async (name: string, o: StoreOptions) => {
    await withKeystore(cli, o, async (store, keystore) => {
      const record = await store.keys.get(name);
      const publicKey =
        record === undefined
          ? await keystore.exportPublic(name)
          : createPublicKey({ key: Buffer.from(record.publicKey), format: 'der', type: 'spki' });
      if (publicKey === undefined) throw new CliExit(EXIT_CHECK_FAILED, `no key named ${JSON.stringify(text(name))}`);
      const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
      output.result({ name, publicKey: pem }, () => pem.trimEnd());
    });
  });
}

/** The server's data directory and database, and its keystore options as `iotopia up` takes them. */
function withStoreOptions(command: Command): Command {
  return withKeystoreOptions(
    command
      .option('--data-dir <dir>', "the server's data directory (default ./.iotopia)")
      .option('--database <url>', 'postgres://… when the server uses PostgreSQL'),
  );
}

async function withKeystore(cli: CliContext, o: StoreOptions, fn: (store: Store, keystore: Keystore) => Promise<void>): Promise<void> {
  const flags: RawSettings = { dataDir: o.dataDir, database: o.database, ...keystoreFlags(cli, o) };
  let config: ReturnType<typeof resolveConfig>;
  try {
    config = resolveConfig(
      ...defaultSettings(cli),
      ['environment', rootedSettings(cli, settingsFromEnv(cli.env))],
      ['command line', rootedSettings(cli, flags)],
    );
  } catch (e) {
    if (e instanceof ConfigError) throw new CliExit(EXIT_USAGE, e.message);
    throw e;
  }
  const file = join(config.dataDir, SQLITE_FILE);
  if (config.database === undefined && !existsSync(file)) {
    throw new CliExit(EXIT_USAGE, `--data-dir: no IoTopia database in ${config.dataDir}; run \`iotopia up\` there first`);
  }
  const { store, token } = await openStep(() => openData(config, cli.env));
  try {
    await fn(store, token ?? openKeystore({ backend: 'software' }, store.keys, cli.env));
  } finally {
    await store.close();
    await token?.close();
  }
}

/** Every key the store records, and for a token the keys in it that the store does not record yet. */
async function listKeys(store: Store, keystore: Keystore): Promise<KeyView[]> {
  const views: KeyView[] = [];
  for (const r of await store.keys.list()) {
    const full = await store.keys.get(r.name);
    const backend =
      full?.privateKey !== undefined ? 'software' : keystore.backend === 'pkcs11' && (await keystore.get(r.name)) ? 'pkcs11' : 'public';
    views.push({ name: r.name, type: r.type, backend, fingerprint: fingerprint(r.publicKey) });
  }
  if (keystore.backend === 'pkcs11') {
    for (const e of await keystore.list()) {
      if (!views.some((v) => v.name === e.name))
        views.push({ name: e.name, type: e.type, backend: 'pkcs11', fingerprint: fingerprint(spkiOf(e.publicKey)) });
    }
  }
  return views.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const fingerprint = (spki: Uint8Array): string => createHash('sha256').update(spki).digest('hex');

function checkName(name: string): void {
  if (!KEY_NAME.test(name))
    throw new CliExit(EXIT_USAGE, '<name>: 1 to 64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit');
}

async function keyStep<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof IotopiaError) throw new CliExit(EXIT_CHECK_FAILED, `${e.message} [${e.code}]`);
    throw e;
  }
}

/** Opening the token, the master key or the store fails as a usage error: the options name what is wrong. */
async function openStep<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof IotopiaError) throw new CliExit(EXIT_USAGE, `${e.message} [${e.code}]`);
    throw e;
  }
}
