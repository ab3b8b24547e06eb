/**
 * The crypto floor of one onboarding: the public-key, key-agreement, hash, HMAC and AES-GCM
 * operations the all-in-one server performs for one device (DI, TO0 in process, TO1, TO2), run
 * with node:crypto alone on pre-imported KeyObjects, so that the server's cost per device can be
 * set against the crypto it cannot avoid. The profile: a P-256 device, a P-256 device CA, P-256
 * manufacturer and owner keys (ES256 everywhere), ECDH256 and A128GCM (FDO 1.1 §3.6, §6.2).
 *
 * The list was derived from src/fdo/protocol (di-manufacturer, to0-owner, to0-rendezvous,
 * to1-rendezvous, to2-owner), src/fdo/session, src/fdo/voucher and the automatic extension to the
 * owner (src/onboarding/auto-owner.ts), and checked by counting the node:crypto calls of the
 * benchmark server over real onboardings (fleet simulator, default service info). Sizes are
 * those seen there. Per onboarding:
 *
 * Signatures made (ECDSA P-256, SHA-256), 5:
 * - DI.AppStart: the device certificate, signed by the device CA (FDO 1.1 §5.1.1).
 * - Auto-owner: OVEntry 0, signed by the manufacturer key to extend the voucher to the owner (§3.4).
 * - TO0.OwnerSign: to1d, the owner's COSE_Sign1 over RVTO2Addr and the to0d hash (§5.3.3).
 * - TO2.ProveOVHdr: the owner's COSE_Sign1 over the header, nonces and xAKeyExchange (§5.5.3).
 * - TO2.SetupDevice: the Owner2Key's COSE_Sign1 over the replacement credentials (§5.5.7).
 * Signatures verified (ECDSA P-256, SHA-256), 6:
 * - DI.AppStart: the self-signature of the device's CSR.
 * - TO0.OwnerSign: OVEntry 0 of the voucher (the rendezvous verifies the voucher, §5.3.3).
 * - TO0.OwnerSign: to1d under the voucher's owner key.
 * - TO1.ProveToRV: the device's EAT (§5.4.3).
 * - TO2.HelloDevice: OVEntry 0 again (the owner verifies the stored voucher before using it).
 * - TO2.ProveDevice: the device's EAT (§5.5.5).
 * Key agreement, 2:
 * - TO2.ProveOVHdr: one P-256 key generation, the owner's ephemeral ECDH key (xA, §6.2.4).
 * - TO2.ProveDevice: one P-256 ECDH derivation (Shx, §6.2.4).
 * HMAC, 1:
 * - TO2.ProveDevice: the session key derivation, SP 800-108 counter mode with HMAC-SHA256; 16 bytes
 *   of SEVK for A128GCM take one PRF block (§6.3).
 * AES-128-GCM, 11 (COSE_Encrypt0, §6.4):
 * - seal: TO2.SetupDevice, OwnerServiceInfoReady, three OwnerServiceInfo, Done2 (6).
 * - open: DeviceServiceInfoReady, three DeviceServiceInfo, Done (5).
 * Hashes, 18 SHA-256 and 1 SHA-1:
 * - OVDevCertChainHash over the device chain, 4: DI.AppStart (header), DI.SetHMAC (the voucher
 *   made again from the header), TO0 and TO2 voucher verification.
 * - OVEHashPrevEntry (header and HMAC) and OVEHashHdrInfo (GUID and DeviceInfo), 3 each: made once
 *   by the extension, checked by the TO0 and TO2 voucher verifications.
 * - to0d hash, 2: made by the owner for to1d, checked by the rendezvous.
 * - HelloDeviceHash in TO2.ProveOVHdr, 1.
 * - The stored voucher's digest that binds the TO2 session to it, 5: TO2.HelloDevice and each
 *   later step that loads the voucher again.
 * - SHA-1 subject key identifier of the device certificate (RFC 5280 §4.2.1.2), 1.
 *
 * Not in the floor (seen in the same count, outside the protocol's crypto): key imports (owner
 * private keys read from their records 4 times, peer points, per-message session KeyObjects, the
 * ECDH scalar imported once more with its public point recomputed), the store's protection of
 * session state (AES-256-GCM, about 18 seals and 14 opens) and of session tokens (about 30 SHA-256),
 * key-record and policy fingerprints, and the credential token hashes of the device API.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  diffieHellman,
  generateKeyPairSync,
  hash,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';

export interface FloorOperation {
  name: string;
  count: number;
  usEach: number;
}

export interface OnboardingCryptoFloor {
  msPerOnboarding: number;
  operations: FloorOperation[];
}

interface Step {
  name: string;
  count: number;
  run: () => unknown;
}

const p256 = (): { privateKey: KeyObject; publicKey: KeyObject } => generateKeyPairSync('ec', { namedCurve: 'P-256' });

/**
 * ECDSA P-256 over messages of these sizes, signed with `key` (each call takes the next size). The
 * floor is node's fastest plain call: the bare KeyObject, DER signatures (an options object makes
 * node prepare the key on every call).
 */
function signer(key: KeyObject, sizes: readonly number[]): () => unknown {
  const data = sizes.map((n) => randomBytes(n));
  let i = 0;
  return () => sign('sha256', data[i++ % data.length] as Buffer, key);
}

/** ECDSA P-256 verifications of valid signatures over messages of these sizes. */
function verifier(sizes: readonly number[]): () => unknown {
  const { privateKey, publicKey } = p256();
  const data = sizes.map((n) => randomBytes(n));
  const sigs = data.map((d) => sign('sha256', d, privateKey));
  let i = 0;
  return () => {
    const k = i++ % data.length;
    if (!verify('sha256', data[k] as Buffer, publicKey, sigs[k] as Buffer)) throw new Error('floor: signature does not verify');
  };
}

function hasher(algorithm: 'sha256' | 'sha1', size: number): () => unknown {
  const data = randomBytes(size);
  return () => hash(algorithm, data, 'buffer');
}

// COSE_Encrypt0 additional data: Enc_structure ["Encrypt0", protected {1: 1}, h''] (RFC 9052 §5.3).
const ENC_STRUCTURE = Buffer.from('8368456e63727970743043a1010140', 'hex');

function gcmSeal(key: KeyObject, sizes: readonly number[]): () => unknown {
  const data = sizes.map((n) => randomBytes(n));
  const ivs = data.map(() => randomBytes(12));
  let i = 0;
  return () => {
    const c = createCipheriv('aes-128-gcm', key, ivs[i % ivs.length] as Buffer);
    c.setAAD(ENC_STRUCTURE);
    const out = Buffer.concat([c.update(data[i++ % data.length] as Buffer), c.final(), c.getAuthTag()]);
    return out;
  };
}

function gcmOpen(key: KeyObject, sizes: readonly number[]): () => unknown {
  const sealed = sizes.map((n) => {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-128-gcm', key, iv);
    c.setAAD(ENC_STRUCTURE);
    const body = Buffer.concat([c.update(randomBytes(n)), c.final()]);
    return { iv, body, tag: c.getAuthTag() };
  });
  let i = 0;
  return () => {
    const m = sealed[i++ % sealed.length] as { iv: Buffer; body: Buffer; tag: Buffer };
    const d = createDecipheriv('aes-128-gcm', key, m.iv);
    d.setAAD(ENC_STRUCTURE);
    d.setAuthTag(m.tag);
    return Buffer.concat([d.update(m.body), d.final()]);
  };
}

function steps(): Step[] {
  const deviceCa = p256().privateKey;
  const manufacturer = p256().privateKey;
  const owner = p256().privateKey;
  const device = p256();
  const sek = createSecretKey(randomBytes(16));
  // Shx, DeviceRandom and OwnerRandom; the PRF input is counter, label, separator, context and length.
  const shSe = createSecretKey(randomBytes(32 + 16 + 16));
  const kdfInput = randomBytes(34);
  return [
    { name: 'ES256 sign: device certificate (device CA)', count: 1, run: signer(deviceCa, [321]) },
    { name: 'ES256 sign: OVEntry (manufacturer)', count: 1, run: signer(manufacturer, [189]) },
    { name: 'ES256 sign: to1d, TO2.ProveOVHdr, TO2.SetupDevice (owner)', count: 3, run: signer(owner, [68, 407, 176]) },
    { name: 'ES256 verify: CSR, OVEntry ×2, to1d, TO1 EAT, TO2 EAT', count: 6, run: verifier([127, 189, 189, 68, 59, 151]) },
    { name: 'P-256 key generation (owner ECDH key)', count: 1, run: p256 },
    {
      name: 'ECDH P-256 derivation',
      count: 1,
      run: () => diffieHellman({ privateKey: owner, publicKey: device.publicKey }),
    },
    {
      name: 'HMAC-SHA256 (session key derivation)',
      count: 1,
      run: () => createHmac('sha256', shSe).update(kdfInput).digest(),
    },
    { name: 'AES-128-GCM seal (owner TO2 messages)', count: 6, run: gcmSeal(sek, [232, 2, 30, 255, 4, 18]) },
    { name: 'AES-128-GCM open (device TO2 messages)', count: 5, run: gcmOpen(sek, [38, 202, 61, 27, 18]) },
    { name: 'SHA-256 OVDevCertChainHash (907 B)', count: 4, run: hasher('sha256', 907) },
    { name: 'SHA-256 OVEHashPrevEntry (238 B)', count: 3, run: hasher('sha256', 238) },
    { name: 'SHA-256 OVEHashHdrInfo (39 B)', count: 3, run: hasher('sha256', 39) },
    { name: 'SHA-256 to0d (1426 B)', count: 2, run: hasher('sha256', 1426) },
    { name: 'SHA-256 HelloDeviceHash (48 B)', count: 1, run: hasher('sha256', 48) },
    { name: 'SHA-256 stored voucher digest (1403 B)', count: 5, run: hasher('sha256', 1403) },
    { name: 'SHA-1 certificate key identifier (65 B)', count: 1, run: hasher('sha1', 65) },
  ];
}

/**
 * Microseconds per call of `run`: the fastest of five rounds over about `seconds` in all, after a
 * short warm-up. A floor takes the best round, so that other work on a shared machine, which only
 * ever slows a round down, weighs as little as possible.
 */
function usEach(run: () => unknown, seconds: number): number {
  for (let i = 0; i < 16; i++) run();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const end = performance.now() + (seconds * 1000) / 5;
    const start = performance.now();
    let n = 0;
    do {
      for (let i = 0; i < 8; i++) run();
      n += 8;
    } while (performance.now() < end);
    best = Math.min(best, ((performance.now() - start) * 1000) / n);
  }
  return best;
}

export function onboardingCryptoFloor(seconds: number): OnboardingCryptoFloor {
  const list = steps();
  const per = Math.max(0.01, seconds / list.length);
  const operations = list.map((s) => ({ name: s.name, count: s.count, usEach: Number(usEach(s.run, per).toFixed(2)) }));
  const totalUs = operations.reduce((t, o) => t + o.count * o.usEach, 0);
  return { msPerOnboarding: Number((totalUs / 1000).toFixed(3)), operations };
}
