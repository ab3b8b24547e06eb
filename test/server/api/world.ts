/** A started platform on a temp directory, with one token per role and devices made by DI. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDi } from '../../../src/agent/flows.ts';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { guidToHex } from '../../../src/fdo/types/guid.ts';
import { createApiToken } from '../../../src/server/api/tokens.ts';
import { resolveConfig } from '../../../src/server/platform/config.ts';
import { type Platform, startPlatform } from '../../../src/server/platform/platform.ts';
import type { ApiRole } from '../../../src/store/api-token-repository.ts';
import { systemRandom } from '../../helpers/random.ts';

export interface ApiWorld {
  platform: Platform;
  dir: string;
  tokens: Record<ApiRole, string>;
  close(): Promise<void>;
}

export async function startApiWorld(settings: { autoOwner?: boolean } = {}): Promise<ApiWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-api-'));
  const platform = await startPlatform(
    resolveConfig([
      'test',
      { listen: '127.0.0.1:0', dataDir: join(dir, 'server'), logLevel: 'silent', autoOwner: settings.autoOwner ?? false },
    ]),
  );
  const admin = platform.firstAdminToken;
  if (admin === undefined) throw new Error('the first start made no admin token');
  const tokens = { admin } as Record<ApiRole, string>;
  for (const role of ['manufacturer', 'owner', 'rendezvous', 'auditor'] as const) {
    tokens[role] = (await createApiToken(platform.store, { name: role, roles: [role] })).secret;
  }
  const world: ApiWorld = {
    platform,
    dir,
    tokens,
    // A test may restart the platform on the same data; the current one is closed.
    async close() {
      await world.platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Runs DI against the platform; returns the new device's GUID in hex. */
export async function manufacture(platform: Platform): Promise<string> {
  const { privateKey } = await generateKeyPair('secp256r1');
  const credential = await runDi(platform.url, {
    random: systemRandom,
    deviceKey: privateKey,
    serialNumber: `T-${randomBytes(4).toString('hex')}`,
    model: 'api test device',
  });
  return guidToHex(credential.guid);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
