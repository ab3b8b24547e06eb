/**
 * What `iotopia up --workers N` does once, in the primary process, before it forks the workers
 * (ADR 0032): it settles the configuration (a free port is picked here, so every worker listens on
 * the same one), opens the store once, which migrates it, and makes what a first start makes: the
 * master key, the server's keys, the first admin token, the platform TLS certificate, the sealing
 * of secret settings stored plain. The workers then find all of it made and only open it.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Keystore } from '../../keystore/keystore.ts';
import { openKeystore } from '../../keystore/open-keystore.ts';
import { sealPlainSecretSettings } from '../../onboarding/secret-settings.ts';
import { ensurePlatformKeys } from '../../platform/keys.ts';
import { ensureFirstAdminToken } from '../../platform/tokens.ts';
import type { PlatformConfig } from './config.ts';
import { openData, redact, type SettledConfig, settledConfig } from './open-data.ts';
import { serverTls } from './tls.ts';

/** What the first start made, for the start-up message; the workers report the rest. */
export interface FirstStart {
  config: SettledConfig;
  database: string;
  masterKey: { created: boolean; source: string };
  keysCreated: string[];
  firstAdminToken?: string;
  tls?: { caFile?: string; created: string[] };
}

export async function prepareFirstStart(
  requested: PlatformConfig,
  options: { env: NodeJS.ProcessEnv; logger?: FastifyBaseLogger; clock?: () => Date },
): Promise<FirstStart> {
  const config = await settledConfig(requested);
  const { store, token, master, database } = await openData(config, options.env, options.logger);
  const keystore: Keystore = token ?? openKeystore({ backend: 'software' }, store.keys, options.env);
  try {
    const keys = await ensurePlatformKeys(store, config.keyType, keystore);
    const firstAdmin = await ensureFirstAdminToken(store);
    const now = (options.clock ?? (() => new Date()))();
    const tls = config.transport.tls ? await serverTls(config, store, now, options.logger) : undefined;
    tls?.close();
    const sealedNow = await sealPlainSecretSettings(store);
    if (sealedNow.length > 0) options.logger?.info({ settings: sealedNow }, 'secret settings stored plain are sealed now');
    return {
      config,
      database: config.database === undefined ? database : redact(config.database),
      masterKey: { created: master.created, source: master.source },
      keysCreated: keys.created,
      ...(firstAdmin === undefined ? {} : { firstAdminToken: firstAdmin.secret }),
      ...(tls === undefined ? {} : { tls: { ...(tls.caFile === undefined ? {} : { caFile: tls.caFile }), created: tls.created } }),
    };
  } finally {
    await store.close();
    await keystore.close();
  }
}
