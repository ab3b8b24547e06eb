/**
 * IoTopia's FDO conformance kit: builds a manufacturer / rendezvous / owner / device world with
 * in-memory stores and deterministic randomness, and runs the protocols in process over the role
 * handlers, round-tripping every session state through JSON between messages (as a server replica
 * or a restarted device would). It returns what happened, message by message.
 *
 * Two ways in: `journey` runs DI → TO0 → TO1 → TO2 over the real roles; `makeTo2World` makes the
 * voucher and credential directly (createVoucher / extendVoucher), for TO2-only tests.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import type { KeyPair, KeyPairType } from '../../../src/crypto/key-generate.ts';
import {
  CipherSuite,
  HashType,
  KexSuite,
  PublicKeyEncoding,
  PublicKeyType,
  type PublicKeyTypeNumber,
} from '../../../src/fdo/constants/crypto.ts';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { RVProtocolValue, TransportProtocol } from '../../../src/fdo/constants/rendezvous.ts';
import type { DeviceCredential } from '../../../src/fdo/credential/device-credential.ts';
import { createDiDevice } from '../../../src/fdo/protocol/di-device.ts';
import { createDiManufacturer } from '../../../src/fdo/protocol/di-manufacturer.ts';
import {
  MemoryManufacturerVoucherStore,
  MemoryOwnerKeyRing,
  MemoryOwnerVoucherStore,
  MemoryRendezvousStore,
} from '../../../src/fdo/protocol/memory-stores.ts';
import type { ClientStep, ProtocolMessage } from '../../../src/fdo/protocol/ports.ts';
import { createTo0Owner } from '../../../src/fdo/protocol/to0-owner.ts';
import { createTo0Rendezvous } from '../../../src/fdo/protocol/to0-rendezvous.ts';
import { createTo1Device } from '../../../src/fdo/protocol/to1-device.ts';
import { createTo1Rendezvous } from '../../../src/fdo/protocol/to1-rendezvous.ts';
import {
  createTo2DeviceClient,
  type To2DeviceOptions,
  type To2DeviceResult,
  type To2DeviceState,
} from '../../../src/fdo/protocol/to2-device.ts';
import {
  createTo2Owner,
  type To2OwnerHandler,
  type To2OwnerOptions,
  type To2OwnerState,
  type To2OwnerStep,
} from '../../../src/fdo/protocol/to2-owner.ts';
import type { To2OwnerPolicy } from '../../../src/fdo/protocol/to2-ports.ts';
import type { DevmodInfo } from '../../../src/fdo/serviceinfo/device-state.ts';
import { hashBytes } from '../../../src/fdo/types/hash.ts';
import { type FdoPublicKey, publicKeyFromKeyObject, samePublicKey } from '../../../src/fdo/types/public-key.ts';
import { type RendezvousInfo, rendezvousDirectiveFromView } from '../../../src/fdo/types/rendezvous-info.ts';
import type { OwnershipVoucher } from '../../../src/fdo/voucher/voucher.ts';
import { createVoucher } from '../../../src/fdo/voucher/voucher-create.ts';
import { encodeVoucher } from '../../../src/fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../../src/fdo/voucher/voucher-extend.ts';
import { parseVoucher } from '../../../src/fdo/voucher/voucher-parse.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { certificateFor, deviceCa } from '../../helpers/pki.ts';
import { seededRandom } from '../../helpers/random.ts';

const E2E_CA_NAME = 'IoTopia e2e device CA';

export const FIXED_NOW = new Date('2030-01-01T00:00:00Z');
export const fixedClock = () => new Date(FIXED_NOW.getTime());

/** Device attestation key types, named by their FDO pkType. */
export const DEVICE_KEY_TYPES = ['SECP256R1', 'SECP384R1', 'RSA2048RESTR', 'RSAPKCS', 'RSAPSS'] as const;
export type DeviceKeyType = (typeof DEVICE_KEY_TYPES)[number];

const DEVICE_KEY: Record<DeviceKeyType, { pair: KeyPairType; pkType: PublicKeyTypeNumber; pss: boolean }> = {
  SECP256R1: { pair: 'secp256r1', pkType: PublicKeyType.SECP256R1, pss: false },
  SECP384R1: { pair: 'secp384r1', pkType: PublicKeyType.SECP384R1, pss: false },
  RSA2048RESTR: { pair: 'rsa2048', pkType: PublicKeyType.RSA2048RESTR, pss: false },
  // RSAPKCS covers 2048 and 3072 bits; the 3072-bit key exercises StRSA3072 and RS384.
  RSAPKCS: { pair: 'rsa3072', pkType: PublicKeyType.RSAPKCS, pss: false },
  RSAPSS: { pair: 'rsa2048', pkType: PublicKeyType.RSAPSS, pss: true },
};

export const deviceKeyInfo = (t: DeviceKeyType) => DEVICE_KEY[t];

/** The owner key each key exchange needs (FDO 1.1 §3.6 crypto mapping). */
export const OWNER_KEY_FOR_KEX: Record<string, { pair: KeyPairType; pkType: PublicKeyTypeNumber }> = {
  [KexSuite.ECDH256]: { pair: 'secp256r1', pkType: PublicKeyType.SECP256R1 },
  [KexSuite.ECDH384]: { pair: 'secp384r1', pkType: PublicKeyType.SECP384R1 },
  [KexSuite.DHKEXid14]: { pair: 'rsa2048', pkType: PublicKeyType.RSAPKCS },
  [KexSuite.ASYMKEX2048]: { pair: 'rsa2048', pkType: PublicKeyType.RSAPKCS },
  [KexSuite.DHKEXid15]: { pair: 'rsa3072', pkType: PublicKeyType.RSAPKCS },
  [KexSuite.ASYMKEX3072]: { pair: 'rsa3072', pkType: PublicKeyType.RSAPKCS },
};

export const KEX_SUITES = Object.values(KexSuite);
export const CIPHER_SUITES = Object.entries(CipherSuite) as [string, number][];

export const DEVMOD: DevmodInfo = {
  os: 'Linux',
  arch: 'x86_64',
  version: 'IoTopia test OS 1',
  device: 'iotopia-e2e',
  sep: ':',
  bin: 'x86_64',
  sn: 'E2E-0001',
  mudurl: 'https://mud.example.com/e2e.json',
};

export const RV_INFO: RendezvousInfo = [
  rendezvousDirectiveFromView({ dns: 'rv.example.com', devPort: 8041, ownerPort: 8041, protocol: RVProtocolValue.RVProtHttp }),
];

export interface Owner {
  keys: KeyPair;
  publicKey: FdoPublicKey;
  ring: MemoryOwnerKeyRing;
  store: MemoryOwnerVoucherStore;
}

/** An owner with one signing key and empty stores. */
export function makeOwner(keys: KeyPair, pkType?: PublicKeyTypeNumber, extraKeys: KeyPair[] = []): Owner {
  return {
    keys,
    publicKey: publicKeyFromKeyObject(keys.publicKey, {
      encoding: PublicKeyEncoding.X509,
      ...(pkType === undefined ? {} : { type: pkType }),
    }),
    ring: new MemoryOwnerKeyRing([keys.privateKey, ...extraKeys.map((k) => k.privateKey)]),
    store: new MemoryOwnerVoucherStore(),
  };
}

export interface To2World {
  device: { keys: KeyPair; type: DeviceKeyType; credential: DeviceCredential; certificates: X509Certificate[] };
  manufacturer: KeyPair;
  voucher: OwnershipVoucher;
  owner: Owner;
}

export interface MakeTo2WorldOptions {
  deviceKeyType?: DeviceKeyType;
  /** The owner key; default a P-256 key. */
  ownerKeys?: KeyPair;
  ownerPkType?: PublicKeyTypeNumber;
  /** Owners between the manufacturer and the final owner (each adds an entry). */
  intermediateOwners?: number;
  seed?: string;
  hmacSecret?: Uint8Array;
}

/** A device credential and a voucher extended to an owner, made directly (no DI). */
export async function makeTo2World(o: MakeTo2WorldOptions = {}): Promise<To2World> {
  const type = o.deviceKeyType ?? 'SECP256R1';
  const info = DEVICE_KEY[type];
  const deviceKeys = await cachedKeys(info.pair, 1);
  const ca = await deviceCa(E2E_CA_NAME);
  const deviceCert = certificateFor(deviceKeys, {
    commonName: `IoTopia e2e device ${type}`,
    issuer: ca,
    notAfter: new Date('2054-01-01T00:00:00Z'),
  });
  const random = seededRandom(o.seed ?? 'world');
  const guid = random(16);
  const hmacSecret = o.hmacSecret ?? random(32);
  const manufacturer = await cachedKeys('secp256r1', 2);
  const mfgPk = publicKeyFromKeyObject(manufacturer.publicKey, { encoding: PublicKeyEncoding.X509 });
  let voucher = createVoucher({
    guid,
    rvInfo: RV_INFO,
    deviceInfo: 'IoTopia e2e device',
    manufacturerKey: mfgPk,
    devCertChain: [deviceCert, ca.certificate],
    hmac: { secret: hmacSecret },
  });
  let signer = manufacturer.privateKey;
  for (let i = 0; i < (o.intermediateOwners ?? 0); i++) {
    const mid = await cachedKeys('secp256r1', 10 + i);
    voucher = extendVoucher(voucher, { ownerPrivateKey: signer, nextOwner: mid.publicKey });
    signer = mid.privateKey;
  }
  const owner = makeOwner(o.ownerKeys ?? (await cachedKeys('secp256r1', 3)), o.ownerPkType);
  voucher = extendVoucher(voucher, { ownerPrivateKey: signer, nextOwner: owner.publicKey });
  await owner.store.add(guid, encodeVoucher(voucher));
  const rawPk = voucher.raw.pubKey;
  const credential: DeviceCredential = {
    active: true,
    protVer: 101,
    hmacSecret,
    deviceInfo: 'IoTopia e2e device',
    guid,
    rvInfo: RV_INFO,
    pubKeyHash: hashBytes(HashType.SHA256, rawPk),
    deviceKey: { pkcs8: new Uint8Array(deviceKeys.privateKey.export({ format: 'der', type: 'pkcs8' })) },
  };
  return { device: { keys: deviceKeys, type, credential, certificates: [deviceCert, ca.certificate] }, manufacturer, voucher, owner };
}

export interface To2RunOptions {
  credential: DeviceCredential;
  owner: Owner;
  kexSuite?: string;
  cipherSuite?: number;
  deviceKeyType?: DeviceKeyType;
  to1d?: Uint8Array;
  seed?: string;
  policy?: To2OwnerPolicy;
  ownerOptions?: Partial<To2OwnerOptions>;
  deviceOptions?: Partial<To2DeviceOptions>;
  /** Owner handler instances; messages go to them in turn (two replicas sharing one state). */
  replicas?: number;
  /**
   * Sees every message (`from` is who sent it) and may replace it, e.g. to tamper with it; the
   * states seen are the JSON the next handler gets.
   */
  intercept?: (m: ProtocolMessage, from: 'device' | 'owner', index: number) => ProtocolMessage | Promise<ProtocolMessage>;
  /** May change the device state before it handles the next owner message. */
  deviceStateHook?: (s: To2DeviceState) => To2DeviceState;
  /** May change the owner state before it handles the next device message. */
  ownerStateHook?: (s: To2OwnerState) => To2OwnerState;
  maxMessages?: number;
}

export interface TranscriptEntry {
  from: 'device' | 'owner';
  msgType: number;
  bytes: number;
  replica?: number;
}

export interface To2RunResult {
  result?: To2DeviceResult;
  /** The device's failure (a FdoPeerError when the owner sent an error message). */
  deviceError?: unknown;
  /** The owner's step that ended the session with an error message, if any. */
  ownerError?: unknown;
  ownerSteps: To2OwnerStep[];
  transcript: TranscriptEntry[];
}

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Runs TO2 between a device client and owner handler(s), JSON round-tripping both states. */
export async function runTo2(o: To2RunOptions): Promise<To2RunResult> {
  const random = seededRandom(o.seed ?? 'to2');
  const type = o.deviceKeyType ?? 'SECP256R1';
  const device = createTo2DeviceClient({
    kexSuite: o.kexSuite ?? KexSuite.ECDH256,
    cipherSuite: o.cipherSuite ?? CipherSuite.A128GCM,
    random,
    serviceInfo: { devmod: DEVMOD, modules: [] },
    rsaPss: DEVICE_KEY[type].pss,
    ...o.deviceOptions,
  });
  const servers: To2OwnerHandler[] = [];
  for (let i = 0; i < (o.replicas ?? 1); i++) {
    servers.push(
      createTo2Owner({
        vouchers: o.owner.store,
        keys: o.owner.ring,
        random,
        clock: fixedClock,
        ...(o.policy === undefined ? {} : { policy: o.policy }),
        ...o.ownerOptions,
      }),
    );
  }
  const out: To2RunResult = { ownerSteps: [], transcript: [] };
  let step: ClientStep<To2DeviceState, To2DeviceResult>;
  try {
    step = await device.start(o.credential, o.to1d);
  } catch (e) {
    out.deviceError = e;
    return out;
  }
  let ownerState: To2OwnerState | null = null;
  let index = 0;
  for (let n = 0; n < (o.maxMessages ?? 10_000); n++) {
    if (step.result !== undefined) {
      out.result = step.result;
      return out;
    }
    const deviceState = o.deviceStateHook ? o.deviceStateHook(json(step.state)) : json(step.state);
    let request = step.request;
    if (o.intercept) request = await o.intercept(request, 'device', index);
    out.transcript.push({ from: 'device', msgType: request.msgType, bytes: request.body.length, replica: n % servers.length });
    index++;
    const server = servers[n % servers.length] as To2OwnerHandler;
    const given = ownerState === null ? undefined : o.ownerStateHook ? o.ownerStateHook(json(ownerState)) : json(ownerState);
    const ownerStep = await server(given, request);
    out.ownerSteps.push(ownerStep);
    ownerState = ownerStep.state === null ? null : json(ownerStep.state);
    let reply = ownerStep.reply;
    if (reply.msgType === MsgType.Error) out.ownerError = ownerStep.error;
    if (o.intercept) reply = await o.intercept(reply, 'owner', index);
    out.transcript.push({ from: 'owner', msgType: reply.msgType, bytes: reply.body.length });
    index++;
    try {
      step = await device.receive(deviceState, reply);
    } catch (e) {
      out.deviceError = e;
      return out;
    }
    if (ownerStep.state === null && step.result === undefined) {
      // The owner ended the session but the device wants to go on: nothing would answer it.
      out.deviceError ??= new Error('the owner ended the session early');
      return out;
    }
  }
  throw new Error('TO2 did not finish within maxMessages');
}

/** Keys an owner needs for a kex suite, from the cache (`slot` for distinct owners). */
export async function ownerKeysFor(kex: string, slot = 0): Promise<{ keys: KeyPair; pkType: PublicKeyTypeNumber }> {
  const k = OWNER_KEY_FOR_KEX[kex];
  if (k === undefined) throw new TypeError(`no owner key type for ${kex}`);
  return { keys: await cachedKeys(k.pair, 20 + slot), pkType: k.pkType };
}

/** Runs a client role against a server handler, JSON round-tripping both states between messages. */
export async function drive<CS, SS, R>(
  first: ClientStep<CS, R>,
  receive: (state: CS, message: ProtocolMessage) => Promise<ClientStep<CS, R>>,
  handle: (state: SS | undefined, message: ProtocolMessage) => Promise<{ state: SS | null; reply: ProtocolMessage }>,
  transcript: TranscriptEntry[] = [],
): Promise<R> {
  let step = first;
  let serverState: SS | undefined;
  for (let n = 0; n < 1000; n++) {
    if (step.result !== undefined) return step.result;
    const { state, request } = step as { state: CS; request: ProtocolMessage };
    const clientState = json(state);
    transcript.push({ from: 'device', msgType: request.msgType, bytes: request.body.length });
    const answer = await handle(serverState === undefined ? undefined : json(serverState), request);
    transcript.push({ from: 'owner', msgType: answer.reply.msgType, bytes: answer.reply.body.length });
    serverState = answer.state === null ? undefined : json(answer.state);
    step = await receive(clientState, answer.reply);
  }
  throw new Error('the protocol did not finish');
}

export interface JourneyOptions {
  deviceKeyType: DeviceKeyType;
  kexSuite: string;
  cipherSuite: number;
  /** The owner; default one whose key fits `kexSuite`. */
  owner?: Owner;
  seed?: string;
  policy?: To2OwnerPolicy;
  replicas?: number;
}

export interface JourneyResult {
  /** The credential DI gave the device, and the voucher the manufacturer kept. */
  di: { credential: DeviceCredential; voucher: Uint8Array; transcript: TranscriptEntry[] };
  /** The voucher extended to the owner (the sale). */
  sold: OwnershipVoucher;
  to0: { waitSeconds: number; transcript: TranscriptEntry[] };
  to1: { to1d: Uint8Array; transcript: TranscriptEntry[] };
  to2: To2RunResult;
  owner: Owner;
  manufacturer: KeyPair;
  rendezvous: MemoryRendezvousStore;
}

const MANUFACTURER_SLOT = 50;

/** The manufacturer keys, one per FDO key type class; DI picks the one that fits the device. */
async function manufacturerKeys(): Promise<Record<'p256' | 'p384' | 'rsa2048' | 'rsa3072', KeyPair>> {
  return {
    p256: await cachedKeys('secp256r1', MANUFACTURER_SLOT),
    p384: await cachedKeys('secp384r1', MANUFACTURER_SLOT),
    rsa2048: await cachedKeys('rsa2048', MANUFACTURER_SLOT),
    rsa3072: await cachedKeys('rsa3072', MANUFACTURER_SLOT),
  };
}

/** DI → sale (extend) → TO0 → TO1 → TO2 over the role handlers, every state through JSON. */
export async function journey(o: JourneyOptions): Promise<JourneyResult> {
  const seed = o.seed ?? `journey/${o.deviceKeyType}/${o.kexSuite}/${o.cipherSuite}`;
  const random = seededRandom(seed);
  const info = DEVICE_KEY[o.deviceKeyType];
  const deviceKeys = await cachedKeys(info.pair, 1);
  const ca = await deviceCa(E2E_CA_NAME);
  const mfg = await manufacturerKeys();
  const mfgStore = new MemoryManufacturerVoucherStore();
  const manufacturer = createDiManufacturer({
    random,
    clock: fixedClock,
    store: mfgStore,
    rvInfo: RV_INFO,
    deviceCa: ca,
    manufacturerKeys: [mfg.p256, mfg.p384, mfg.rsa2048, mfg.rsa3072].map((k) => ({ privateKey: k.privateKey })),
  });
  const diDevice = createDiDevice({
    random,
    deviceKey: deviceKeys.privateKey,
    serialNumber: `SN-${o.deviceKeyType}`,
    model: 'IoTopia e2e device',
    keyType: info.pkType,
  });
  const diTranscript: TranscriptEntry[] = [];
  const credential = await drive(diDevice.start(), diDevice.receive, manufacturer, diTranscript);
  const mfgVoucherBytes = await mfgStore.getVoucher(credential.guid);
  if (mfgVoucherBytes === undefined) throw new Error('DI stored no voucher');
  const mfgVoucher = parseVoucher(mfgVoucherBytes);
  const mfgKey = [mfg.p256, mfg.p384, mfg.rsa2048, mfg.rsa3072].find((k) => samePublicKey(k.publicKey, mfgVoucher.header.pubKey));
  if (mfgKey === undefined) throw new Error('the voucher names an unknown manufacturer key');

  const owner =
    o.owner ??
    (await (async () => {
      const k = await ownerKeysFor(o.kexSuite);
      return makeOwner(k.keys, k.pkType);
    })());
  const sold = extendVoucher(mfgVoucher, { ownerPrivateKey: mfgKey.privateKey, nextOwner: owner.publicKey });
  const soldBytes = encodeVoucher(sold);
  await owner.store.add(credential.guid, soldBytes);

  const rendezvous = new MemoryRendezvousStore();
  const to0Owner = createTo0Owner({ keyRing: owner.ring });
  const to0Transcript: TranscriptEntry[] = [];
  const to0 = await drive(
    to0Owner.start({ voucher: soldBytes, rvTo2Addr: [{ dns: 'owner.example.com', port: 8043, protocol: TransportProtocol.ProtHTTP }] }),
    to0Owner.receive,
    createTo0Rendezvous({ random, clock: fixedClock, store: rendezvous }),
    to0Transcript,
  );

  const to1Device = createTo1Device({ credential, deviceKey: deviceKeys.privateKey });
  const to1Transcript: TranscriptEntry[] = [];
  const to1 = await drive(
    to1Device.start(),
    to1Device.receive,
    createTo1Rendezvous({ random, clock: fixedClock, store: rendezvous }),
    to1Transcript,
  );

  const to2 = await runTo2({
    credential,
    owner,
    kexSuite: o.kexSuite,
    cipherSuite: o.cipherSuite,
    deviceKeyType: o.deviceKeyType,
    to1d: to1.to1d,
    seed: `${seed}/to2`,
    ...(o.policy === undefined ? {} : { policy: o.policy }),
    ...(o.replicas === undefined ? {} : { replicas: o.replicas }),
  });
  return {
    di: { credential, voucher: mfgVoucherBytes, transcript: diTranscript },
    sold,
    to0: { waitSeconds: to0.waitSeconds, transcript: to0Transcript },
    to1: { to1d: to1.to1d, transcript: to1Transcript },
    to2,
    owner,
    manufacturer: mfgKey,
    rendezvous,
  };
}

export type { KeyObject };
