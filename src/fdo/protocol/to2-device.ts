/**
 * The device's side of TO2 (FDO 1.1 §5.5) as a client state machine: `start` yields
 * TO2.HelloDevice, each `receive` takes the owner's answer and yields the next request, until
 * TO2.Done2 yields the result: the replacement credential (or the same one under Credential
 * Reuse). The state is plain JSON, so a device may store it between messages.
 *
 * The device trusts nothing the owner says until it has checked it: the header HMAC under its own
 * secret, the manufacturer key against its credential, every voucher entry in turn, and that the
 * chain ends at the key that signed TO2.ProveOVHdr. A failure rejects with an FdoError whose
 * `fdoCode` the device may report to the owner (`errorMessageFor`); an error message from the
 * owner rejects with an FdoPeerError carrying the owner's code.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { bytesEqual } from '../../codec/bytes.ts';
import { decode, encode } from '../../codec/cbor.ts';
import { MsgType, type MsgTypeNumber } from '../constants/message-types.ts';
import { decodeDeviceCredential } from '../credential/credential-decode.ts';
import { encodeDeviceCredential } from '../credential/credential-encode.ts';
import type { DeviceCredential } from '../credential/device-credential.ts';
import { MESSAGE_DECODERS } from '../messages/registry.ts';
import {
  decodeTO2Done2,
  decodeTO2OVNextEntry,
  decodeTO2OwnerServiceInfoReady,
  decodeTO2ProveOVHdr,
  decodeTO2SetupDevice,
  encodeTO2DeviceServiceInfoReady,
  encodeTO2Done,
  encodeTO2GetOVNextEntry,
  encodeTO2HelloDevice,
  encodeTO2ProveDevice,
} from '../messages/to2.ts';
import { createDeviceServiceInfo } from '../serviceinfo/create-device-service-info.ts';
import type { DeviceServiceInfoState } from '../serviceinfo/device-state.ts';
import { resolveMaxServiceInfoSize } from '../serviceinfo/max-size.ts';
import { type DeviceServiceInfoConfig, nextDeviceServiceInfo } from '../serviceinfo/next-device-service-info.ts';
import {
  createSessionState,
  deriveSessionKeys,
  deviceRespondKex,
  isCipherSuiteSupported,
  isKexSuiteSupported,
  type SessionState,
} from '../session/index.ts';
import { type FdoHmac, hashBytes, hashEquals, hmacBytes } from '../types/hash.ts';
import { generateNonce } from '../types/nonce.ts';
import { allowedSignatureAlgorithms, encodePublicKey, parsePublicKey, publicKeyToKeyObject, samePublicKey } from '../types/public-key.ts';
import { rawArrayElements } from '../types/read.ts';
import { encodeRendezvousInfo, parseRendezvousInfo } from '../types/rendezvous-info.ts';
import { voucherCheckFailed } from '../voucher/voucher.ts';
import { expectReply } from './lib/peer-error.ts';
import { type ChainProgress, checkEntry, checkHeaderHmac, progressOwner, readHeader, startChain } from './lib/to2-chain.ts';
import { checkKexForOwner, deviceSigning, verifySigned } from './lib/to2-crypto.ts';
import { openBody, sealBody } from './lib/to2-envelope.ts';
import { to2Error } from './lib/to2-errors.ts';
import { replacementHeaderBytes } from './lib/to2-replacement.ts';
import { b64, bytesField, checkState } from './lib/to2-state-fields.ts';
import type { ClientStep, ProtocolMessage, RandomSource } from './ports.ts';
import type { DeviceKeyStore } from './to2-ports.ts';

export interface To2DeviceOptions {
  /** The key exchange suite proposed in TO2.HelloDevice; it must fit the owner's key type. */
  kexSuite: string;
  /** The cipher suite proposed in TO2.HelloDevice (a COSE algorithm id). */
  cipherSuite: number;
  random: RandomSource;
  serviceInfo: DeviceServiceInfoConfig;
  /** maxOwnerServiceInfoSz announced in TO2.DeviceServiceInfoReady; null (the default) means 1300. */
  maxOwnerServiceInfoSz?: number | null;
  /** maxDeviceMessageSize of TO2.HelloDevice; 0 (the default) means the transport's default. */
  maxDeviceMessageSize?: number;
  /** Accept the owner's offer to keep this credential (Credential Reuse). Default true. */
  allowCredentialReuse?: boolean;
  /** An RSA device key signs with RSASSA-PSS instead of PKCS #1 v1.5. */
  rsaPss?: boolean;
  /** Where a credential's `keystoreRef` attestation key is found. */
  deviceKeys?: DeviceKeyStore;
}

export interface To2DeviceResult {
  /** The credential to keep: the replacement, or the same one when the owner reused it. */
  credential: DeviceCredential;
  reused: boolean;
  /** The GUID the device onboarded with. */
  guid: Uint8Array;
}

/** Device state between two owner messages (JSON-safe; holds the credential and session keys). */
export interface To2DeviceState {
  v: 1;
  role: 'to2-device';
  expect: number;
  /** The credential (IoTopia's CBOR format), base64. */
  credential: string;
  to1d: string | null;
  kexSuite: string;
  cipherSuite: number;
  /** TO2.HelloDevice as sent, until TO2.ProveOVHdr has been checked against it. */
  hello: string | null;
  nonceProveOV: string;
  header: string | null;
  hmacType: number | null;
  /** OVHeaderHMac as carried in TO2.ProveOVHdr, base64. */
  hmacRaw: string | null;
  /** CUPHOwnerPubKey (CBOR), base64. */
  ownerKey: string | null;
  xA: string | null;
  nonceProveDv: string | null;
  numEntries: number;
  nextEntry: number;
  chain: ChainProgress | null;
  nonceSetupDv: string | null;
  session: SessionState | null;
  replacement: { guid: string; rvInfo: string; owner2Key: string; reuse: boolean } | null;
  maxDeviceServiceInfoSz: number | null;
  serviceInfo: DeviceServiceInfoState | null;
}

export type To2DeviceStep = ClientStep<To2DeviceState, To2DeviceResult>;

export interface To2DeviceClient {
  /** TO2.HelloDevice. `to1d` is the owner-signed blob from TO1.RVRedirect (absent with rendezvous bypass). */
  start(credential: DeviceCredential, to1d?: Uint8Array): Promise<To2DeviceStep>;
  receive(state: To2DeviceState, message: ProtocolMessage): Promise<To2DeviceStep>;
}

type Next = { state: To2DeviceState; request: ProtocolMessage };

/** Creates the device's TO2 client. */
export function createTo2DeviceClient(options: To2DeviceOptions): To2DeviceClient {
  const { random } = options;
  if (!isKexSuiteSupported(options.kexSuite)) throw new TypeError(`key exchange ${JSON.stringify(options.kexSuite)} is not supported`);
  if (!isCipherSuiteSupported(options.cipherSuite)) throw new TypeError(`cipher suite ${String(options.cipherSuite)} is not supported`);
  const pss = options.rsaPss === true;

  async function deviceKey(dc: DeviceCredential): Promise<KeyObject> {
    if ('pkcs8' in dc.deviceKey) return createPrivateKey({ key: Buffer.from(dc.deviceKey.pkcs8), format: 'der', type: 'pkcs8' });
    const key = await options.deviceKeys?.privateKeyFor(dc.deviceKey.keystoreRef);
    if (key === undefined) throw to2Error('ERR_FDO_TO2_KEY_UNAVAILABLE', 'the device attestation key is not in the keystore');
    return key;
  }

  const credentialOf = (s: To2DeviceState) => decodeDeviceCredential(bytesField(s.credential, 'credential'));
  const need = <T>(v: T | null, what: string): T => {
    if (v === null) throw to2Error('ERR_FDO_TO2_STATE', `stored TO2 state is unusable: no ${what}`);
    return v;
  };

  async function proveOVHdr(s: To2DeviceState, message: ProtocolMessage): Promise<Next> {
    const dc = credentialOf(s);
    const m = decodeTO2ProveOVHdr(message.body);
    const ownerKey = publicKeyToKeyObject(m.ownerPubKey, 'TO2.ProveOVHdr.CUPHOwnerPubKey').key;
    // The key in the unprotected header is not trusted yet: the voucher chain must end at it.
    verifySigned(message.body, ownerKey, allowedSignatureAlgorithms(m.ownerPubKey.type), 'TO2.ProveOVHdr');
    if (!bytesEqual(m.nonceTO2ProveOV, bytesField(s.nonceProveOV, 'nonceProveOV'))) {
      throw to2Error('ERR_FDO_TO2_NONCE', 'TO2.ProveOVHdr does not carry the NonceTO2ProveOV of TO2.HelloDevice');
    }
    const hello = bytesField(need(s.hello, 'HelloDevice'), 'hello');
    if (!hashEquals(hashBytes(m.helloDeviceHash.type, hello), m.helloDeviceHash)) {
      throw to2Error('ERR_FDO_TO2_HELLO_HASH', 'helloDeviceHash of TO2.ProveOVHdr is not the hash of the TO2.HelloDevice sent');
    }
    const hmacRaw = rawArrayElements(m.sign1.payload, 'TO2ProveOVHdrPayload')[2] as Uint8Array;
    const { header, pubKeyRaw } = readHeader(m.ovHeader, hmacRaw);
    if (!bytesEqual(header.guid, dc.guid))
      throw voucherCheckFailed('ERR_FDO_VOUCHER_GUID_MISMATCH', 'OVGuid is not the GUID of the device credential');
    if (!hashEquals(hashBytes(dc.pubKeyHash.type, pubKeyRaw), dc.pubKeyHash)) {
      throw voucherCheckFailed(
        'ERR_FDO_VOUCHER_MFG_KEY_HASH',
        'OVPubKey does not match the manufacturer key hash of the device credential',
      );
    }
    checkHeaderHmac(m.ovHeader, m.ovHeaderHmac, dc.hmacSecret);
    checkKexForOwner(s.kexSuite, ownerKey);
    const next: To2DeviceState = {
      ...s,
      hello: null,
      header: b64(m.ovHeader),
      hmacType: m.ovHeaderHmac.type,
      hmacRaw: b64(hmacRaw),
      ownerKey: b64(encode(encodePublicKey(m.ownerPubKey))),
      xA: b64(m.xAKeyExchange),
      nonceProveDv: b64(m.nonceTO2ProveDv),
      numEntries: m.numOVEntries,
      nextEntry: 0,
      chain: startChain(m.ovHeader, hmacRaw, pubKeyRaw),
    };
    return next.numEntries > 0 ? askEntry(next) : proveDevice(next);
  }

  function askEntry(s: To2DeviceState): Next {
    return {
      state: { ...s, expect: MsgType.TO2_OVNextEntry },
      request: { msgType: MsgType.TO2_GetOVNextEntry, body: encodeTO2GetOVNextEntry({ ovEntryNum: s.nextEntry }) },
    };
  }

  async function ovNextEntry(s: To2DeviceState, message: ProtocolMessage): Promise<Next> {
    const m = decodeTO2OVNextEntry(message.body);
    if (m.ovEntryNum !== s.nextEntry) {
      throw to2Error('ERR_FDO_TO2_ENTRY_NUMBER', `TO2.OVNextEntry carries entry ${m.ovEntryNum}, the device asked for ${s.nextEntry}`);
    }
    const { header } = readHeader(bytesField(need(s.header, 'header'), 'header'), bytesField(need(s.hmacRaw, 'HMAC'), 'hmacRaw'));
    const chain = checkEntry(need(s.chain, 'chain'), header, m.ovEntry, m.sign1.payload, m.ovEntryNum);
    const next = { ...s, chain, nextEntry: s.nextEntry + 1 };
    return next.nextEntry < next.numEntries ? askEntry(next) : proveDevice(next);
  }

  async function proveDevice(s: To2DeviceState): Promise<Next> {
    const dc = credentialOf(s);
    const ownerPk = parsePublicKey(decode(bytesField(need(s.ownerKey, 'owner key'), 'ownerKey')), 'ownerKey');
    if (!samePublicKey(progressOwner(need(s.chain, 'chain')), ownerPk)) {
      throw voucherCheckFailed('ERR_FDO_VOUCHER_OWNER_MISMATCH', 'the voucher chain does not end at the key that signed TO2.ProveOVHdr');
    }
    const ownerKey = publicKeyToKeyObject(ownerPk).key;
    if (s.to1d !== null) verifySigned(bytesField(s.to1d, 'to1d'), ownerKey, allowedSignatureAlgorithms(ownerPk.type), 'to1d');
    const { xB, sharedSecret } = deviceRespondKex(s.kexSuite, bytesField(need(s.xA, 'xA'), 'xA'), { random, ownerPublicKey: ownerKey });
    const session = createSessionState(deriveSessionKeys(sharedSecret, s.cipherSuite), { random });
    const nonceSetupDv = generateNonce(random);
    const key = await deviceKey(dc);
    const body = encodeTO2ProveDevice({
      nonceTO2ProveDv: bytesField(need(s.nonceProveDv, 'NonceTO2ProveDv'), 'nonceProveDv'),
      guid: dc.guid,
      xBKeyExchange: xB,
      nonceTO2SetupDv: nonceSetupDv,
      signer: { key, alg: deviceSigning(key, pss).alg },
    });
    return {
      state: { ...s, expect: MsgType.TO2_SetupDevice, xA: null, chain: null, session, nonceSetupDv: b64(nonceSetupDv) },
      request: { msgType: MsgType.TO2_ProveDevice, body },
    };
  }

  function setupDevice(s: To2DeviceState, message: ProtocolMessage): Next {
    const dc = credentialOf(s);
    const opened = openBody(need(s.session, 'session'), message, MsgType.TO2_SetupDevice);
    const m = decodeTO2SetupDevice(opened.plaintext);
    const owner2 = publicKeyToKeyObject(m.owner2Key, 'TO2.SetupDevice.Owner2Key').key;
    verifySigned(opened.plaintext, owner2, allowedSignatureAlgorithms(m.owner2Key.type), 'TO2.SetupDevice');
    if (!bytesEqual(m.nonceTO2SetupDv, bytesField(need(s.nonceSetupDv, 'NonceTO2SetupDv'), 'nonceSetupDv'))) {
      throw to2Error('ERR_FDO_TO2_NONCE', 'TO2.SetupDevice does not carry the NonceTO2SetupDv of TO2.ProveDevice');
    }
    const [rvRaw, , , keyRaw] = rawArrayElements(m.sign1.payload, 'TO2SetupDevicePayload') as Uint8Array[];
    const ownerPk = parsePublicKey(decode(bytesField(need(s.ownerKey, 'owner key'), 'ownerKey')), 'ownerKey');
    // Credential Reuse is signalled by repeating what the device already holds.
    const reuse =
      bytesEqual(m.guid, dc.guid) &&
      bytesEqual(encode(encodeRendezvousInfo(m.rendezvousInfo)), encode(encodeRendezvousInfo(dc.rvInfo))) &&
      samePublicKey(m.owner2Key, ownerPk);
    if (reuse && options.allowCredentialReuse === false) {
      throw to2Error('ERR_FDO_TO2_REUSE_REFUSED', 'the owner asked for credential reuse, which this device does not allow');
    }
    let replacementHmac: FdoHmac | null = null;
    if (!reuse) {
      const header = replacementHeaderBytes(bytesField(need(s.header, 'header'), 'header'), {
        guid: m.guid,
        rvInfoRaw: rvRaw as Uint8Array,
        owner2KeyRaw: keyRaw as Uint8Array,
      });
      replacementHmac = hmacBytes(need(s.hmacType, 'HMAC type') as FdoHmac['type'], dc.hmacSecret, header);
    }
    const body = encodeTO2DeviceServiceInfoReady({ replacementHmac, maxOwnerServiceInfoSz: options.maxOwnerServiceInfoSz ?? null });
    const sealed = sealBody(opened.session, MsgType.TO2_DeviceServiceInfoReady, body, random);
    return {
      state: {
        ...s,
        expect: MsgType.TO2_OwnerServiceInfoReady,
        session: sealed.session,
        replacement: { guid: b64(m.guid), rvInfo: b64(rvRaw as Uint8Array), owner2Key: b64(keyRaw as Uint8Array), reuse },
      },
      request: sealed.message,
    };
  }

  async function ownerServiceInfoReady(s: To2DeviceState, message: ProtocolMessage): Promise<Next> {
    const opened = openBody(need(s.session, 'session'), message, MsgType.TO2_OwnerServiceInfoReady);
    const m = decodeTO2OwnerServiceInfoReady(opened.plaintext);
    const maxDeviceServiceInfoSz = resolveMaxServiceInfoSize(m.maxDeviceServiceInfoSz);
    const si = createDeviceServiceInfo({ limits: { maxBodyBytes: resolveMaxServiceInfoSize(options.maxOwnerServiceInfoSz ?? null) } });
    const step = await nextDeviceServiceInfo(si, null, maxDeviceServiceInfoSz, options.serviceInfo);
    const sealed = sealBody(opened.session, MsgType.TO2_DeviceServiceInfo, need(step.body ?? null, 'ServiceInfo body'), random);
    return {
      state: { ...s, expect: MsgType.TO2_OwnerServiceInfo, session: sealed.session, maxDeviceServiceInfoSz, serviceInfo: step.state },
      request: sealed.message,
    };
  }

  async function ownerServiceInfo(s: To2DeviceState, message: ProtocolMessage): Promise<Next> {
    const opened = openBody(need(s.session, 'session'), message, MsgType.TO2_OwnerServiceInfo);
    const step = await nextDeviceServiceInfo(
      need(s.serviceInfo, 'ServiceInfo'),
      opened.plaintext,
      need(s.maxDeviceServiceInfoSz, 'ServiceInfo size'),
      options.serviceInfo,
    );
    if (step.done) {
      const body = encodeTO2Done({ nonceTO2ProveDv: bytesField(need(s.nonceProveDv, 'NonceTO2ProveDv'), 'nonceProveDv') });
      const sealed = sealBody(opened.session, MsgType.TO2_Done, body, random);
      return { state: { ...s, expect: MsgType.TO2_Done2, session: sealed.session, serviceInfo: step.state }, request: sealed.message };
    }
    const sealed = sealBody(opened.session, MsgType.TO2_DeviceServiceInfo, need(step.body ?? null, 'ServiceInfo body'), random);
    return { state: { ...s, session: sealed.session, serviceInfo: step.state }, request: sealed.message };
  }

  function done2(s: To2DeviceState, message: ProtocolMessage): { result: To2DeviceResult } {
    const opened = openBody(need(s.session, 'session'), message, MsgType.TO2_Done2);
    const m = decodeTO2Done2(opened.plaintext);
    if (!bytesEqual(m.nonceTO2SetupDv, bytesField(need(s.nonceSetupDv, 'NonceTO2SetupDv'), 'nonceSetupDv'))) {
      throw to2Error('ERR_FDO_TO2_NONCE', 'TO2.Done2 does not carry the NonceTO2SetupDv of TO2.ProveDevice');
    }
    const dc = credentialOf(s);
    const r = need(s.replacement, 'replacement');
    if (r.reuse) return { result: { credential: dc, reused: true, guid: dc.guid } };
    const owner2KeyRaw = bytesField(r.owner2Key, 'replacement.owner2Key');
    const credential: DeviceCredential = {
      ...dc,
      active: true,
      guid: bytesField(r.guid, 'replacement.guid', 16),
      rvInfo: parseRendezvousInfo(decode(bytesField(r.rvInfo, 'replacement.rvInfo')), 'replacement.rvInfo'),
      // The next owner's voucher names Owner2Key as its manufacturer key, exactly as encoded here.
      pubKeyHash: hashBytes(dc.pubKeyHash.type, owner2KeyRaw),
    };
    return { result: { credential, reused: false, guid: dc.guid } };
  }

  return {
    async start(credential, to1d) {
      if (credential === null || typeof credential !== 'object' || !(credential.guid instanceof Uint8Array)) {
        throw new TypeError('credential must be a DeviceCredential');
      }
      if (!credential.active) throw new TypeError('the device credential is not active');
      if (to1d !== undefined && !(to1d instanceof Uint8Array)) throw new TypeError('to1d must be the bytes of TO1.RVRedirect');
      const key = await deviceKey(credential);
      const nonceProveOV = generateNonce(random);
      const hello = encodeTO2HelloDevice({
        maxDeviceMessageSize: options.maxDeviceMessageSize ?? 0,
        guid: credential.guid,
        nonceTO2ProveOV: nonceProveOV,
        kexSuiteName: options.kexSuite,
        cipherSuiteName: options.cipherSuite,
        eASigInfo: deviceSigning(key, pss).sigInfo,
      });
      const state: To2DeviceState = {
        v: 1,
        role: 'to2-device',
        expect: MsgType.TO2_ProveOVHdr,
        credential: b64(encodeDeviceCredential(credential)),
        to1d: to1d === undefined ? null : b64(to1d),
        kexSuite: options.kexSuite,
        cipherSuite: options.cipherSuite,
        hello: b64(hello),
        nonceProveOV: b64(nonceProveOV),
        header: null,
        hmacType: null,
        hmacRaw: null,
        ownerKey: null,
        xA: null,
        nonceProveDv: null,
        numEntries: 0,
        nextEntry: 0,
        chain: null,
        nonceSetupDv: null,
        session: null,
        replacement: null,
        maxDeviceServiceInfoSz: null,
        serviceInfo: null,
      };
      return { state, request: { msgType: MsgType.TO2_HelloDevice, body: hello } };
    },

    async receive(state, message) {
      const s = checkState(state, 'to2-device') as unknown as To2DeviceState;
      expectReply(message, s.expect, MESSAGE_DECODERS[s.expect as MsgTypeNumber]?.name ?? String(s.expect));
      switch (s.expect) {
        case MsgType.TO2_ProveOVHdr:
          return proveOVHdr(s, message);
        case MsgType.TO2_OVNextEntry:
          return ovNextEntry(s, message);
        case MsgType.TO2_SetupDevice:
          return setupDevice(s, message);
        case MsgType.TO2_OwnerServiceInfoReady:
          return ownerServiceInfoReady(s, message);
        case MsgType.TO2_OwnerServiceInfo:
          return ownerServiceInfo(s, message);
        case MsgType.TO2_Done2:
          return done2(s, message);
        default:
          throw to2Error('ERR_FDO_TO2_STATE', `stored TO2 state is unusable: expects message type ${s.expect}`);
      }
    },
  };
}
