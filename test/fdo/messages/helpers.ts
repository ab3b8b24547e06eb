/** Assertions and key fixtures shared by the FDO message tests. */
import { Algorithm } from '../../../src/codec/cose/algorithms.ts';
import { generateKeyPair, type KeyPairType } from '../../../src/crypto/key-generate.ts';
import { ErrorCode, type ErrorCodeNumber } from '../../../src/fdo/constants/error-codes.ts';
import { FdoError } from '../../../src/fdo/errors.ts';
import { buildFixtures, type FixtureKeys, type Fixtures } from './fixtures.ts';

/** A predicate for assert.throws: an FdoError with `code` and spec code `fdoCode`, its message matching `where`. */
export const fdoError =
  (code = 'ERR_FDO_MESSAGE_BODY', where?: RegExp, fdoCode: ErrorCodeNumber = ErrorCode.MESSAGE_BODY_ERROR) =>
  (e: unknown): boolean => {
    if (!(e instanceof FdoError)) return false;
    if (e.code !== code || e.fdoCode !== fdoCode) throw new Error(`expected ${code}/${fdoCode}, got ${e.code}/${e.fdoCode}: ${e.message}`);
    if (where !== undefined && !where.test(e.message)) throw new Error(`message ${JSON.stringify(e.message)} does not match ${where}`);
    return true;
  };

const keys = async (type: KeyPairType, _slot: number) => generateKeyPair(type);

let cached: Promise<{ keys: FixtureKeys; fixtures: Fixtures }> | undefined;

/** Fixtures with distinct keys: P-256 manufacturer and device, P-384 owner, P-256 next owner. */
export function fixtures(): Promise<{ keys: FixtureKeys; fixtures: Fixtures }> {
  cached ??= (async () => {
    const k: FixtureKeys = {
      manufacturer: { key: (await keys('secp256r1', 0)).privateKey, alg: Algorithm.ES256 },
      owner: { key: (await keys('secp384r1', 0)).privateKey, alg: Algorithm.ES384 },
      nextOwner: { key: (await keys('secp256r1', 1)).privateKey, alg: Algorithm.ES256 },
      device: { key: (await keys('secp256r1', 2)).privateKey, alg: Algorithm.ES256 },
    };
    return { keys: k, fixtures: buildFixtures(k) };
  })();
  return cached;
}

export const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
