/**
 * What every start of the server opens the same way: the configuration settled (a free port picked
 * when 0 was asked), the data directory made private, the master key and the store.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { openTokenKeystore } from '../../keystore/open-keystore.ts';
import { loadMasterKey } from '../../platform/master-key.ts';
import { tokenMasterKey } from '../../platform/token-master-key.ts';
import { openStore } from '../../store/open-store.ts';
import { type PlatformConfig, resolveTransport, type TransportConfig } from './config.ts';
import { logTightened, secureDataDir } from './data-dir.ts';

export const SQLITE_FILE = 'iotopia.db';

/**
 * The data directory made private, the master key, and the store: what `iotopia up` and the local
 * admin commands (`iotopia keys`) open the same way. A PKCS#11 token opens first: it may hold what
 * seals the store's master key. The caller closes the store, then the token.
 */
export async function openData(config: PlatformConfig, env: NodeJS.ProcessEnv, logger?: FastifyBaseLogger) {
  const token = config.keystore?.backend === 'pkcs11' ? openTokenKeystore(config.keystore, env) : undefined;
  const database = config.database ?? join(config.dataDir, SQLITE_FILE);
  try {
    const master =
      token !== undefined && config.keystore?.backend === 'pkcs11' && config.keystore.sealMasterKey === true
        ? (tokenMasterKey(token)(config.dataDir, env) as ReturnType<typeof loadMasterKey>)
        : loadMasterKey(config.dataDir, env);
    logTightened(logger, [...master.tightened, ...secureDataDir(config.dataDir, config.database === undefined ? database : undefined)]);
    const store = await openStore(config.database === undefined ? { path: database } : { url: config.database }, { kek: master.key });
    return { store, token, master, database };
  } catch (e) {
    await token?.close();
    throw e;
  }
}

export type SettledConfig = PlatformConfig & { transport: TransportConfig };

/** The configuration with its transport resolved and "any free port" requests settled: devices are told ports in vouchers. */
export async function settledConfig(requested: PlatformConfig): Promise<SettledConfig> {
  const port = requested.port === 0 ? await freePort(requested.host) : requested.port;
  const transport = requested.transport ?? resolveTransport({ host: requested.host, port }, []);
  const factory = transport.factoryListen;
  const factoryListen = factory === undefined || factory.port !== 0 ? factory : { ...factory, port: await freePort(factory.host) };
  return { ...requested, port, transport: { ...transport, ...(factoryListen === undefined ? {} : { factoryListen }) } };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A database URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
