/** Key-exchange suite names (FDO 1.1 §3.6.1, sent in TO2.HelloDevice) to the family that runs them. */
import { KexSuite, type KexSuiteName } from '../constants/crypto.ts';
import { sessionError } from './errors.ts';
import { asymKex } from './kex-asym.ts';
import { dhKex } from './kex-dh.ts';
import { ecdhKex } from './kex-ecdh.ts';
import type { KexFamily } from './lib/kex-family.ts';

const FAMILIES = new Map<string, KexFamily>([
  [KexSuite.ECDH256, ecdhKex],
  [KexSuite.ECDH384, ecdhKex],
  [KexSuite.DHKEXid14, dhKex],
  [KexSuite.DHKEXid15, dhKex],
  [KexSuite.ASYMKEX2048, asymKex],
  [KexSuite.ASYMKEX3072, asymKex],
]);

/** The family of `suite`; an unknown name (it comes from the peer) is ERR_FDO_KEX_UNSUPPORTED. */
export function kexFamily(suite: unknown): { suite: KexSuiteName; family: KexFamily } {
  const family = typeof suite === 'string' ? FAMILIES.get(suite) : undefined;
  if (family === undefined) throw sessionError('ERR_FDO_KEX_UNSUPPORTED', `key exchange suite ${JSON.stringify(suite)} is not supported`);
  return { suite: suite as KexSuiteName, family };
}

/** Whether IoTopia implements the key-exchange suite `name`. */
export function isKexSuiteSupported(name: unknown): name is KexSuiteName {
  return typeof name === 'string' && FAMILIES.has(name);
}
