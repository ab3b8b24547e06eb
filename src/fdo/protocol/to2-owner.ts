/**
 * The owner's side of TO2 (FDO 1.1 §5.5) as a server state machine: one call per device message,
 * returning the reply and the state to keep. The state is plain JSON (bytes as base64, secrets
 * included: the server layer encrypts it at rest), so consecutive messages of one session may be
 * served by different replicas. Any failure ends the session: the reply is an error message with
 * the spec code only, and the error itself is returned beside it for the log.
 */
import { createHash, type KeyObject, X509Certificate } from 'node:crypto';
import { bytesEqual } from '../../codec/bytes.ts';
import { HashType } from '../constants/crypto.ts';
import { ErrorCode } from '../constants/error-codes.ts';
import { MsgType } from '../constants/message-types.ts';
import { FdoError } from '../errors.ts';
import {
  decodeTO2DeviceServiceInfoReady,
  decodeTO2Done,
  decodeTO2GetOVNextEntry,
  decodeTO2HelloDevice,
  decodeTO2ProveDevice,
  decodeTO2SetupDevice,
  encodeTO2Done2,
  encodeTO2OVNextEntry,
  encodeTO2OwnerServiceInfoReady,
  encodeTO2ProveOVHdr,
  encodeTO2SetupDevice,
} from '../messages/to2.ts';
import { createOwnerServiceInfo } from '../serviceinfo/create-owner-service-info.ts';
import { resolveMaxServiceInfoSize } from '../serviceinfo/max-size.ts';
import { nextOwnerServiceInfo } from '../serviceinfo/next-owner-service-info.ts';
import type { Devmod, OwnerServiceInfoState, PlanOutcome } from '../serviceinfo/owner-state.ts';
import type { OwnerPorts } from '../serviceinfo/ports.ts';
import {
  createOwnerKex,
  createSessionState,
  deriveSessionKeys,
  isCipherSuiteSupported,
  isKexSuiteSupported,
  type OwnerKexState,
  ownerFinishKex,
  type SessionState,
} from '../session/index.ts';
import { generateGuid } from '../types/guid.ts';
import { type FdoHmac, hashBytes } from '../types/hash.ts';
import { generateNonce } from '../types/nonce.ts';
import { type FdoPublicKey, publicKeyToKeyObject, signatureAlgorithmFor } from '../types/public-key.ts';
import { rawArrayElements } from '../types/read.ts';
import type { DeviceSgTypeNumber, SigInfo } from '../types/sig-info.ts';
import type { OwnershipVoucher } from '../voucher/voucher.ts';
import { encodeVoucher } from '../voucher/voucher-encode.ts';
import { voucherOwner } from '../voucher/voucher-owner.ts';
import { parseVoucher } from '../voucher/voucher-parse.ts';
import { verifyVoucher } from '../voucher/voucher-verify.ts';
import { guardServer, outOfOrder } from './lib/server-step.ts';
import { checkKexForOwner, deviceVerifyAlgorithms, verifySigned } from './lib/to2-crypto.ts';
import { openBody, sealBody } from './lib/to2-envelope.ts';
import { to2Error } from './lib/to2-errors.ts';
import { replacementHeaderBytes, replacementVoucher } from './lib/to2-replacement.ts';
import { b64, bytesField, checkState } from './lib/to2-state-fields.ts';
import type { Clock, OwnerKeyRing, OwnerVoucherStore, ProtocolMessage, RandomSource, ServerStep } from './ports.ts';
import type { To2OwnerPolicy } from './to2-ports.ts';

/**
 * The owner's voucher store, optionally told when a device has proved (TO2.ProveDevice verified)
 * that it holds the credential of a GUID. A device switches to its replacement credential only once
 * TO2.Done2 arrives (§5.5, TO2.Done2), so proof under a replacement GUID is the owner's first sign that the switch
 * happened and that the voucher it replaced may retire (docs/decisions/0009).
 */
export interface To2OwnerVoucherStore extends OwnerVoucherStore {
  deviceProved?(guid: Uint8Array): Promise<void>;
}

export interface To2OwnerOptions {
  vouchers: To2OwnerVoucherStore;
  keys: OwnerKeyRing;
  random: RandomSource;
  clock: Clock;
  policy?: To2OwnerPolicy;
  /** Ports of the owner's ServiceInfo modules (files to download, where uploads go). */
  serviceInfoPorts?: OwnerPorts;
  /** maxDeviceServiceInfoSz announced in TO2.OwnerServiceInfoReady; null (the default) means 1300. */
  maxDeviceServiceInfoSz?: number | null;
  /** maxOwnerMessageSize of TO2.ProveOVHdr; 0 (the default) means the transport's default. */
  maxOwnerMessageSize?: number;
  /**
   * When given, the device certificate chain of the voucher must validate as an X.509 path to one
   * of these anchors (at the clock's time) before the owner answers.
   */
  deviceTrustAnchors?: readonly X509Certificate[];
}

interface Replacement {
  guid: string;
  /** RendezvousInfo and Owner2Key items of TO2.SetupDevice as signed, base64. */
  rvInfo: string;
  owner2Key: string;
  reuse: boolean;
}

/** Owner session state between two device messages (JSON-safe; holds secrets). */
export interface To2OwnerState {
  v: 1;
  role: 'to2-owner';
  /** The message type the device must send next. */
  expect: number;
  guid: string;
  /** SHA-256 of the stored voucher: the voucher must not change under a running session. */
  voucherHash: string;
  cipherSuite: number;
  sigInfo: { sgType: number; info: string };
  numEntries: number;
  nextEntry: number;
  nonceProveDv: string;
  kex: OwnerKexState | null;
  nonceSetupDv: string | null;
  session: SessionState | null;
  replacement: Replacement | null;
  replacementHmac: { type: number; value: string } | null;
  /** The device's maxOwnerServiceInfoSz, resolved. */
  maxOwnerServiceInfoSz: number | null;
  serviceInfo: OwnerServiceInfoState | null;
}

/** What the owner learned in a ServiceInfo round, for the layers above. */
export interface To2ServiceInfoReport {
  devmod?: Devmod;
  plans: PlanOutcome[];
}

export interface To2Onboarded {
  guid: Uint8Array;
  replacementGuid: Uint8Array;
  reused: boolean;
  replacementVoucher?: Uint8Array;
}

export interface To2OwnerStep extends ServerStep<To2OwnerState> {
  /** Why the session ended with an error message (for the log; never sent). */
  error?: unknown;
  /** After a TO2.DeviceServiceInfo: devmod once complete, and every plan's outcome so far. */
  serviceInfo?: To2ServiceInfoReport;
  /** Set on the TO2.Done2 reply, after the voucher store recorded the outcome. */
  onboarded?: To2Onboarded;
}

/** The owner's TO2 handler: the session state so far (undefined for a new session) and the next message. */
export type To2OwnerHandler = (state: To2OwnerState | null | undefined, message: ProtocolMessage) => Promise<To2OwnerStep>;

interface Loaded {
  voucher: OwnershipVoucher;
  ownerPk: FdoPublicKey;
  ownerKey: KeyObject;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('base64');

/** Creates the owner's TO2 handler. */
export function createTo2Owner(options: To2OwnerOptions): To2OwnerHandler {
  const { vouchers, keys, random, clock } = options;
  const policy = options.policy ?? {};
  const nonce = () => generateNonce(random);

  async function privateKey(
    pk: FdoPublicKey | KeyObject,
    code: 'ERR_FDO_TO2_NOT_OWNER' | 'ERR_FDO_TO2_KEY_UNAVAILABLE',
  ): Promise<KeyObject> {
    const pub = 'type' in pk && typeof pk.type === 'number' ? publicKeyToKeyObject(pk as FdoPublicKey).key : (pk as KeyObject);
    const key = await keys.privateKeyFor(pub);
    if (key === undefined) throw to2Error(code, 'the owner key ring holds no private key for the voucher owner key');
    return key;
  }

  function deviceKeyOf(voucher: OwnershipVoucher): KeyObject {
    const leaf = voucher.devCertChain?.[0];
    if (leaf === undefined)
      throw to2Error('ERR_FDO_TO2_DEVICE_KEY', 'the voucher has no device certificate chain, so the device key is unknown');
    return new X509Certificate(leaf).publicKey;
  }

  async function load(s: To2OwnerState): Promise<Loaded> {
    const guid = bytesField(s.guid, 'guid', 16);
    const rec = await vouchers.get(guid);
    if (rec === undefined || sha256(rec.voucher) !== s.voucherHash) {
      throw to2Error('ERR_FDO_TO2_VOUCHER_CHANGED', 'the stored voucher changed or vanished during the session');
    }
    const voucher = parseVoucher(rec.voucher);
    const ownerPk = voucherOwner(voucher);
    return { voucher, ownerPk, ownerKey: publicKeyToKeyObject(ownerPk).key };
  }

  async function helloDevice(message: ProtocolMessage): Promise<{ state: To2OwnerState; reply: ProtocolMessage }> {
    const hello = decodeTO2HelloDevice(message.body);
    const rec = await vouchers.get(hello.guid);
    if (rec === undefined) throw to2Error('ERR_FDO_TO2_UNKNOWN_GUID', 'no voucher for the GUID of TO2.HelloDevice');
    const voucher = parseVoucher(rec.voucher);
    verifyVoucher(
      voucher,
      options.deviceTrustAnchors === undefined ? {} : { deviceChain: { time: clock(), trustAnchors: options.deviceTrustAnchors } },
    );
    if (!bytesEqual(voucher.header.guid, hello.guid)) throw to2Error('ERR_FDO_TO2_UNKNOWN_GUID', 'the stored voucher is for another GUID');
    const ownerPk = voucherOwner(voucher);
    const ownerPriv = await privateKey(ownerPk, 'ERR_FDO_TO2_NOT_OWNER');
    deviceVerifyAlgorithms(deviceKeyOf(voucher), hello.eASigInfo);
    if (!isCipherSuiteSupported(hello.cipherSuiteName)) {
      throw new FdoError(
        'ERR_FDO_CIPHER_UNSUPPORTED',
        ErrorCode.INVALID_MESSAGE_ERROR,
        `cipher suite ${hello.cipherSuiteName} is not supported`,
      );
    }
    if (!isKexSuiteSupported(hello.kexSuiteName)) {
      throw new FdoError(
        'ERR_FDO_KEX_UNSUPPORTED',
        ErrorCode.INVALID_MESSAGE_ERROR,
        `key exchange ${JSON.stringify(hello.kexSuiteName)} is not supported`,
      );
    }
    checkKexForOwner(hello.kexSuiteName, publicKeyToKeyObject(ownerPk).key);
    const kex = createOwnerKex(hello.kexSuiteName, { random, ownerKey: ownerPriv });
    const nonceProveDv = nonce();
    // The spec leaves the hash of helloDeviceHash to the owner; the device checks whichever it gets.
    const hashType = voucher.header.devCertChainHash?.type ?? HashType.SHA256;
    const body = encodeTO2ProveOVHdr({
      ovHeader: voucher.raw.header,
      numOVEntries: voucher.entries.length,
      ovHeaderHmac: voucher.headerHmac,
      nonceTO2ProveOV: hello.nonceTO2ProveOV,
      eBSigInfo: hello.eASigInfo,
      xAKeyExchange: kex.xA,
      helloDeviceHash: hashBytes(hashType, hello.bytes),
      maxOwnerMessageSize: options.maxOwnerMessageSize ?? 0,
      nonceTO2ProveDv: nonceProveDv,
      ownerPubKey: ownerPk,
      signer: { key: ownerPriv, alg: signatureAlgorithmFor(ownerPk.type, ownerPriv) },
    });
    const state: To2OwnerState = {
      v: 1,
      role: 'to2-owner',
      expect: voucher.entries.length > 0 ? MsgType.TO2_GetOVNextEntry : MsgType.TO2_ProveDevice,
      guid: b64(hello.guid),
      voucherHash: sha256(rec.voucher),
      cipherSuite: hello.cipherSuiteName,
      sigInfo: { sgType: hello.eASigInfo.sgType, info: b64(hello.eASigInfo.info) },
      numEntries: voucher.entries.length,
      nextEntry: 0,
      nonceProveDv: b64(nonceProveDv),
      kex: kex.state,
      nonceSetupDv: null,
      session: null,
      replacement: null,
      replacementHmac: null,
      maxOwnerServiceInfoSz: null,
      serviceInfo: null,
    };
    return { state, reply: { msgType: MsgType.TO2_ProveOVHdr, body } };
  }

  async function getOVNextEntry(s: To2OwnerState, message: ProtocolMessage): Promise<{ state: To2OwnerState; reply: ProtocolMessage }> {
    const req = decodeTO2GetOVNextEntry(message.body);
    // Entries are asked for in order; anything else is a device out of step (or a replay).
    if (req.ovEntryNum !== s.nextEntry) {
      throw to2Error('ERR_FDO_TO2_ENTRY_NUMBER', `TO2.GetOVNextEntry asks for entry ${req.ovEntryNum}, the next is ${s.nextEntry}`);
    }
    const { voucher } = await load(s);
    const entry = voucher.entries[req.ovEntryNum];
    if (entry === undefined) throw to2Error('ERR_FDO_TO2_ENTRY_NUMBER', `the voucher has no entry ${req.ovEntryNum}`);
    const nextEntry = s.nextEntry + 1;
    return {
      state: { ...s, nextEntry, expect: nextEntry < s.numEntries ? MsgType.TO2_GetOVNextEntry : MsgType.TO2_ProveDevice },
      reply: { msgType: MsgType.TO2_OVNextEntry, body: encodeTO2OVNextEntry({ ovEntryNum: req.ovEntryNum, ovEntry: entry.raw }) },
    };
  }

  async function proveDevice(s: To2OwnerState, message: ProtocolMessage): Promise<{ state: To2OwnerState; reply: ProtocolMessage }> {
    const proof = decodeTO2ProveDevice(message.body);
    const { voucher, ownerPk, ownerKey } = await load(s);
    const deviceKey = deviceKeyOf(voucher);
    const sigInfo: SigInfo = { sgType: s.sigInfo.sgType as DeviceSgTypeNumber, info: bytesField(s.sigInfo.info, 'sigInfo.info') };
    verifySigned(message.body, deviceKey, deviceVerifyAlgorithms(deviceKey, sigInfo), 'TO2.ProveDevice');
    if (!bytesEqual(proof.nonceTO2ProveDv, bytesField(s.nonceProveDv, 'nonceProveDv'))) {
      throw to2Error('ERR_FDO_TO2_NONCE', 'EAT-NONCE of TO2.ProveDevice is not the NonceTO2ProveDv of TO2.ProveOVHdr');
    }
    const guid = bytesField(s.guid, 'guid', 16);
    if (!bytesEqual(proof.guid, guid)) throw to2Error('ERR_FDO_TO2_GUID', 'EAT-UEID of TO2.ProveDevice names another GUID');
    await vouchers.deviceProved?.(guid);
    if (s.kex === null) throw to2Error('ERR_FDO_TO2_STATE', 'stored TO2 state is unusable: no key exchange');
    const ownerPriv = await privateKey(ownerKey, 'ERR_FDO_TO2_NOT_OWNER');
    const shared = ownerFinishKex(s.kex, proof.xBKeyExchange, { ownerPrivateKey: ownerPriv });
    let session = createSessionState(deriveSessionKeys(shared, s.cipherSuite), { random });

    const reuse = (await policy.reuseCredential?.(guid, voucher)) === true;
    const replacementGuid = reuse ? guid : generateGuid(random);
    const rvInfo = reuse || policy.replacementRvInfo === undefined ? voucher.header.rvInfo : await policy.replacementRvInfo(guid, voucher);
    const owner2 = reuse || policy.replacementOwnerKey === undefined ? ownerPk : await policy.replacementOwnerKey(guid, voucher);
    const owner2Priv = reuse ? ownerPriv : await privateKey(owner2, 'ERR_FDO_TO2_KEY_UNAVAILABLE');
    const setup = encodeTO2SetupDevice({
      rendezvousInfo: rvInfo,
      guid: replacementGuid,
      nonceTO2SetupDv: proof.nonceTO2SetupDv,
      owner2Key: owner2,
      signer: { key: owner2Priv, alg: signatureAlgorithmFor(owner2.type, owner2Priv) },
    });
    // The replacement header is built later from these items exactly as the device received them.
    const [rvRaw, , , keyRaw] = rawArrayElements(decodeTO2SetupDevice(setup).sign1.payload, 'TO2SetupDevicePayload') as Uint8Array[];
    const sealed = sealBody(session, MsgType.TO2_SetupDevice, setup, random);
    session = sealed.session;
    return {
      state: {
        ...s,
        expect: MsgType.TO2_DeviceServiceInfoReady,
        kex: null,
        session,
        nonceSetupDv: b64(proof.nonceTO2SetupDv),
        replacement: { guid: b64(replacementGuid), rvInfo: b64(rvRaw as Uint8Array), owner2Key: b64(keyRaw as Uint8Array), reuse },
      },
      reply: sealed.message,
    };
  }

  function sessionOf(s: To2OwnerState): SessionState {
    if (s.session === null) throw to2Error('ERR_FDO_TO2_STATE', 'stored TO2 state is unusable: no session');
    return s.session;
  }

  async function deviceServiceInfoReady(
    s: To2OwnerState,
    message: ProtocolMessage,
  ): Promise<{ state: To2OwnerState; reply: ProtocolMessage }> {
    const opened = openBody(sessionOf(s), message, MsgType.TO2_DeviceServiceInfoReady);
    const ready = decodeTO2DeviceServiceInfoReady(opened.plaintext);
    const reuse = s.replacement?.reuse === true;
    if (reuse !== (ready.replacementHmac === null)) {
      throw to2Error(
        'ERR_FDO_TO2_REUSE_MISMATCH',
        reuse
          ? 'the owner offered credential reuse but the device sent a replacement HMAC'
          : 'the device sent no replacement HMAC but the owner gave it a new credential',
      );
    }
    const maxOwnerServiceInfoSz = resolveMaxServiceInfoSize(ready.maxOwnerServiceInfoSz);
    const maxDeviceServiceInfoSz = options.maxDeviceServiceInfoSz ?? null;
    const { voucher } = await load(s);
    const plans = (await policy.serviceInfoPlans?.(bytesField(s.guid, 'guid', 16), voucher)) ?? [];
    const serviceInfo = createOwnerServiceInfo({ plans, limits: { maxBodyBytes: resolveMaxServiceInfoSize(maxDeviceServiceInfoSz) } });
    const sealed = sealBody(
      opened.session,
      MsgType.TO2_OwnerServiceInfoReady,
      encodeTO2OwnerServiceInfoReady({ maxDeviceServiceInfoSz }),
      random,
    );
    const hmac: FdoHmac | null = ready.replacementHmac;
    return {
      state: {
        ...s,
        expect: MsgType.TO2_DeviceServiceInfo,
        session: sealed.session,
        replacementHmac: hmac === null ? null : { type: hmac.type, value: b64(hmac.value) },
        maxOwnerServiceInfoSz,
        serviceInfo,
      },
      reply: sealed.message,
    };
  }

  async function deviceServiceInfo(s: To2OwnerState, message: ProtocolMessage): Promise<To2OwnerStep> {
    const opened = openBody(sessionOf(s), message, MsgType.TO2_DeviceServiceInfo);
    if (s.serviceInfo === null || s.maxOwnerServiceInfoSz === null)
      throw to2Error('ERR_FDO_TO2_STATE', 'stored TO2 state is unusable: no ServiceInfo');
    const step = await nextOwnerServiceInfo(s.serviceInfo, opened.plaintext, s.maxOwnerServiceInfoSz, options.serviceInfoPorts);
    const sealed = sealBody(opened.session, MsgType.TO2_OwnerServiceInfo, step.body, random);
    return {
      state: {
        ...s,
        expect: step.done ? MsgType.TO2_Done : MsgType.TO2_DeviceServiceInfo,
        session: sealed.session,
        serviceInfo: step.state,
      },
      reply: sealed.message,
      serviceInfo: { ...(step.devmod === undefined ? {} : { devmod: step.devmod }), plans: step.plans },
    };
  }

  async function done(s: To2OwnerState, message: ProtocolMessage): Promise<To2OwnerStep> {
    const opened = openBody(sessionOf(s), message, MsgType.TO2_Done);
    const msg = decodeTO2Done(opened.plaintext);
    if (!bytesEqual(msg.nonceTO2ProveDv, bytesField(s.nonceProveDv, 'nonceProveDv'))) {
      throw to2Error('ERR_FDO_TO2_NONCE', 'TO2.Done does not carry the NonceTO2ProveDv of TO2.ProveOVHdr');
    }
    const r = s.replacement;
    if (r === null || s.nonceSetupDv === null) throw to2Error('ERR_FDO_TO2_STATE', 'stored TO2 state is unusable: no replacement');
    const guid = bytesField(s.guid, 'guid', 16);
    const replacementGuid = bytesField(r.guid, 'replacement.guid', 16);
    let replacement: Uint8Array | undefined;
    if (!r.reuse) {
      if (s.replacementHmac === null) throw to2Error('ERR_FDO_TO2_STATE', 'stored TO2 state is unusable: no replacement HMAC');
      const { voucher } = await load(s);
      const header = replacementHeaderBytes(voucher.raw.header, {
        guid: replacementGuid,
        rvInfoRaw: bytesField(r.rvInfo, 'replacement.rvInfo'),
        owner2KeyRaw: bytesField(r.owner2Key, 'replacement.owner2Key'),
      });
      const hmac = { type: s.replacementHmac.type as FdoHmac['type'], value: bytesField(s.replacementHmac.value, 'replacementHmac') };
      replacement = encodeVoucher(replacementVoucher(voucher, header, hmac));
    }
    const sealed = sealBody(
      opened.session,
      MsgType.TO2_Done2,
      encodeTO2Done2({ nonceTO2SetupDv: bytesField(s.nonceSetupDv, 'nonceSetupDv') }),
      random,
    );
    // Recorded only once everything else has succeeded, so a failed session changes no store.
    await vouchers.onboarded(guid, replacement === undefined ? { replacementGuid } : { replacementGuid, replacementVoucher: replacement });
    const onboarded: To2Onboarded = {
      guid,
      replacementGuid,
      reused: r.reuse,
      ...(replacement === undefined ? {} : { replacementVoucher: replacement }),
    };
    return { state: null, reply: sealed.message, onboarded };
  }

  async function step(state: To2OwnerState | undefined, message: ProtocolMessage): Promise<To2OwnerStep> {
    const s = state === undefined ? undefined : (checkState(state, 'to2-owner') as unknown as To2OwnerState);
    const expect = s?.expect ?? MsgType.TO2_HelloDevice;
    if (message.msgType !== expect) {
      throw outOfOrder('TO2', message.msgType, [expect]);
    }
    if (s === undefined) return helloDevice(message);
    switch (expect) {
      case MsgType.TO2_GetOVNextEntry:
        return getOVNextEntry(s, message);
      case MsgType.TO2_ProveDevice:
        return proveDevice(s, message);
      case MsgType.TO2_DeviceServiceInfoReady:
        return deviceServiceInfoReady(s, message);
      case MsgType.TO2_DeviceServiceInfo:
        return deviceServiceInfo(s, message);
      case MsgType.TO2_Done:
        return done(s, message);
      default:
        throw to2Error('ERR_FDO_TO2_STATE', `stored TO2 state is unusable: expects message type ${expect}`);
    }
  }

  // Extra step fields (serviceInfo, onboarded) pass through the guard untouched.
  return guardServer<To2OwnerState>(clock, step) as To2OwnerHandler;
}
