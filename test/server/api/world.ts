/** A started platform on a temp directory, with one token per role and devices made by DI. */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { generateKeyPair } from '../../../src/crypto/key-generate.ts';
import { runDi } from '../../../src/fdo/client/flows.ts';
import { guidToHex } from '../../../src/fdo/types/guid.ts';
import type { Platform } from '../../../src/server/platform/platform.ts';
import type { ApiRole } from '../../../src/store/api-token-repository.ts';
import { roleTokens, startTestPlatform } from '../../helpers/platform.ts';
import { systemRandom } from '../../helpers/random.ts';

export { bearer } from '../../helpers/platform.ts';

export interface ApiWorld {
  platform: Platform;
  dir: string;
  tokens: Record<ApiRole, string>;
  close(): Promise<void>;
}

export async function startApiWorld(settings: { autoOwner?: boolean } = {}): Promise<ApiWorld> {
  const { platform, dir } = await startTestPlatform('iotopia-api-', { autoOwner: settings.autoOwner ?? false });
  const world: ApiWorld = {
    platform,
    dir,
    tokens: await roleTokens(platform),
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
