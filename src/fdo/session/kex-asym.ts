/**
 * ASYMKEX2048 and ASYMKEX3072 (FDO 1.1 §3.6.4): key transport to the owner's RSA key.
 *
 *   xAKeyExchange = OwnerRandom                              (signed in TO2.ProveOVHdr, not secret)
 *   xBKeyExchange = RSA-OAEP(owner public key, DeviceRandom)
 *   ShSe = DeviceRandom,   ContextRand = OwnerRandom
 *
 * The key is the owner key of the voucher (the one TO2.ProveOVHdr is signed with): a 2048-bit RSA
 * key for ASYMKEX2048, a 3072-bit one for ASYMKEX3072. Both randoms are 256 bits for ASYMKEX2048
 * and 768 bits for ASYMKEX3072. OAEP uses SHA-256 with MGF1-SHA-256 and an empty label for both
 * suites, as the reference implementations do.
 */
import { KeyObject } from 'node:crypto';
import { CryptoError } from '../../crypto/errors.ts';
import { isKeyHandle, type PrivateKeyLike, publicKeyOf } from '../../crypto/private-key-handle.ts';
import { rsaOaepDecrypt, rsaOaepEncrypt } from '../../crypto/rsa-oaep.ts';
import type { KexSuiteName } from '../constants/crypto.ts';
import { sessionError } from './errors.ts';
import { draw } from './lib/bytes.ts';
import type { KexFamily } from './lib/kex-family.ts';

interface AsymParams {
  modulusBits: number;
  randomLength: number;
}

const SUITES: Partial<Record<KexSuiteName, AsymParams>> = {
  ASYMKEX2048: { modulusBits: 2048, randomLength: 32 },
  ASYMKEX3072: { modulusBits: 3072, randomLength: 96 },
};

const OAEP = { hash: 'sha256' } as const;

export const asymKex: KexFamily = {
  ownerStart(suite, options) {
    const s = params(suite);
    if (options.ownerKey !== undefined) checkOwnerKey(suite, s, options.ownerKey);
    if (options.privateKey !== undefined) throw new TypeError(`${suite} has no ephemeral private key to inject; inject random instead`);
    return { xA: draw(options.random, s.randomLength), secret: new Uint8Array(0) };
  },

  deviceRespond(suite, xA, options) {
    const s = params(suite);
    if (!(xA instanceof Uint8Array)) throw new TypeError('xAKeyExchange must be a Uint8Array');
    if (xA.length !== s.randomLength) {
      throw sessionError('ERR_FDO_KEX_MALFORMED', `xAKeyExchange: OwnerRandom is ${xA.length} bytes; ${suite} uses ${s.randomLength}`);
    }
    if (options.ownerPublicKey === undefined) throw new TypeError(`${suite} needs ownerPublicKey, the owner key of the voucher`);
    if (options.privateKey !== undefined) throw new TypeError(`${suite} has no ephemeral private key to inject; inject random instead`);
    checkOwnerKey(suite, s, options.ownerPublicKey);
    const deviceRandom = draw(options.random, s.randomLength);
    const xB = rsaOaepEncrypt(options.ownerPublicKey, deviceRandom, OAEP);
    return { xB, shared: { shSe: deviceRandom, contextRand: new Uint8Array(xA) } };
  },

  ownerFinish(suite, xA, _secret, xB, options) {
    const s = params(suite);
    if (options.ownerPrivateKey === undefined) throw new TypeError(`${suite} needs ownerPrivateKey to decrypt xBKeyExchange`);
    if (!(xB instanceof Uint8Array)) throw new TypeError('xBKeyExchange must be a Uint8Array');
    checkOwnerKey(suite, s, options.ownerPrivateKey);
    let deviceRandom: Uint8Array;
    try {
      deviceRandom = rsaOaepDecrypt(options.ownerPrivateKey, xB, OAEP);
    } catch (cause) {
      if (cause instanceof CryptoError) throw sessionError('ERR_FDO_KEX_DECRYPT', 'xBKeyExchange does not decrypt with the owner key');
      throw cause;
    }
    // The same error as a failed decryption: the length of what OAEP hid is no business of the peer's.
    if (deviceRandom.length !== s.randomLength)
      throw sessionError('ERR_FDO_KEX_DECRYPT', 'xBKeyExchange does not decrypt with the owner key');
    return { shSe: deviceRandom, contextRand: new Uint8Array(xA) };
  },

  secretFits(_suite, secret) {
    return secret.length === 0;
  },
};

function params(suite: KexSuiteName): AsymParams {
  const s = SUITES[suite];
  if (s === undefined) throw new TypeError(`${suite} is not an ASYMKEX suite`);
  return s;
}

function checkOwnerKey(suite: KexSuiteName, s: AsymParams, owner: PrivateKeyLike): void {
  if (!(owner instanceof KeyObject) && !isKeyHandle(owner)) throw new TypeError('the owner key must be a KeyObject or a KeyHandle');
  const key = publicKeyOf(owner);
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || bits !== s.modulusBits) {
    throw sessionError(
      'ERR_FDO_KEX_OWNER_KEY',
      `${suite} needs a ${s.modulusBits}-bit RSA owner key, not ${key.asymmetricKeyType}${bits === undefined ? '' : ` of ${bits} bits`}`,
    );
  }
}
