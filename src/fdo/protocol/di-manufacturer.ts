/**
 * DI, manufacturer side (FDO 1.1 §5.2): certifies the device key from the CSR in DeviceMfgInfo,
 * builds the voucher header (fresh GUID, RV info, device info, manufacturer key, device chain
 * hash), and when the device returns the header's HMAC finishes the voucher and stores it in one
 * call. Optionally the voucher is extended straight away to a configured owner, so a device can
 * be made and onboarded without a separate sale step.
 */
import { type KeyObject, X509Certificate } from 'node:crypto';
import { bytesEqual } from '../../codec/bytes.ts';
import { readCertificationRequest } from '../../crypto/csr.ts';
import { CryptoError } from '../../crypto/errors.ts';
import { describeKey } from '../../crypto/key-describe.ts';
import { createCertificate } from '../../crypto/x509-create.ts';
import { PublicKeyEncoding, type PublicKeyEncodingNumber, type PublicKeyTypeNumber } from '../constants/crypto.ts';
import { ErrorCode } from '../constants/error-codes.ts';
import { MsgType } from '../constants/message-types.ts';
import { FdoError } from '../errors.ts';
import { decodeDIAppStart, decodeDISetHMAC, encodeDIDone, encodeDISetCredentials, parseDeviceMfgInfo } from '../messages/di.ts';
import { certChainHash } from '../types/cert-chain.ts';
import { generateGuid, guidToHex } from '../types/guid.ts';
import { type FdoPublicKey, publicKeyFromKeyObject, samePublicKey } from '../types/public-key.ts';
import type { RendezvousInfo } from '../types/rendezvous-info.ts';
import { OV_PROTOCOL_VERSION, type OVHeader } from '../voucher/voucher.ts';
import { createVoucher } from '../voucher/voucher-create.ts';
import { encodeVoucher } from '../voucher/voucher-encode.ts';
import { extendVoucher } from '../voucher/voucher-extend.ts';
import { encodeVoucherHeader } from '../voucher/voucher-header.ts';
import { hashTypeFor } from './lib/key-strength.ts';
import { parseOvHeader } from './lib/ov-header.ts';
import { guardServer, outOfOrder, type ServerHandler } from './lib/server-step.ts';
import { badState, fromB64, toB64 } from './lib/state-bytes.ts';
import type { Clock, ManufacturerVoucherStore, RandomSource } from './ports.ts';

/** A manufacturer signing key: the voucher's first owner. */
export interface ManufacturerKey {
  privateKey: KeyObject;
  /** Its certificates, leaf first, for devices that ask for the X5CHAIN encoding. */
  chain?: readonly X509Certificate[];
}

export interface DiManufacturerConfig {
  random: RandomSource;
  clock: Clock;
  store: ManufacturerVoucherStore;
  /** OVRVInfo of every voucher made. */
  rvInfo: RendezvousInfo;
  /** The CA that certifies device keys: its key and chain (issuing certificate first). */
  deviceCa: { privateKey: KeyObject; chain: readonly X509Certificate[] };
  /**
   * Manufacturer keys; for each device the first whose key fits the pkType the device asks for
   * (DeviceMfgInfo.pkType), so that a device needs only the crypto of its own key type.
   */
  manufacturerKeys: readonly ManufacturerKey[];
  /** Validity of device certificates, in days (default 30 years, as FDO deployments commonly use). */
  certificateValidityDays?: number;
  /** OVDeviceInfo from what the device reported; default its model name. */
  deviceInfo?: (info: { serialNumber: string; model: string }) => string;
  /** Extend each new voucher to this owner before storing it. */
  extendTo?: FdoPublicKey | KeyObject;
}

/** Session state between DI.AppStart and DI.SetHMAC (JSON-safe; nothing secret). */
export interface DiManufacturerState {
  protocol: 'di-manufacturer';
  step: 'set-hmac';
  guid: string;
  /** The OVHeader bytes sent in DI.SetCredentials: exactly these are MACed and go in the voucher. */
  header: string;
  /** Device certificate chain, leaf first, DER in base64. */
  chain: string[];
}

const DAY_MS = 86_400_000;

export function createDiManufacturer(config: DiManufacturerConfig): ServerHandler<DiManufacturerState> {
  checkConfig(config);
  const caChain = config.deviceCa.chain.map((c) => new Uint8Array(c.raw));

  return guardServer(config.clock, async (state, message) => {
    if (state === undefined) {
      if (message.msgType !== MsgType.DI_AppStart) throw outOfOrder('DI', message.msgType, [MsgType.DI_AppStart]);
      return appStart(message.body);
    }
    if (state?.protocol !== 'di-manufacturer' || state.step !== 'set-hmac') throw badState('not a DI manufacturer session');
    if (message.msgType !== MsgType.DI_SetHMAC) throw outOfOrder('DI', message.msgType, [MsgType.DI_SetHMAC]);
    return setHmac(state, message.body);
  });

  async function appStart(body: Uint8Array) {
    const { deviceMfgInfo } = decodeDIAppStart(body);
    if (deviceMfgInfo === null) {
      throw new FdoError(
        'ERR_FDO_DI_NO_MFG_INFO',
        ErrorCode.MESSAGE_BODY_ERROR,
        'DI.AppStart: DeviceMfgInfo is null, so there is no device key to certify',
      );
    }
    const info = parseDeviceMfgInfo(deviceMfgInfo);
    const deviceKey = certifiedKey(info.csr);
    checkDeviceKey(deviceKey);
    const mfg = pickManufacturerKey(info.keyType, info.keyEncoding);

    const now = config.clock();
    const serial = config.random(16);
    serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
    const certificate = createCertificate({
      subject: { commonName: info.serialNumber.length > 0 && info.serialNumber.length <= 64 ? info.serialNumber : 'FDO device' },
      publicKey: deviceKey,
      signer: { privateKey: config.deviceCa.privateKey, certificate: config.deviceCa.chain[0] as X509Certificate },
      notBefore: now,
      notAfter: new Date(now.getTime() + (config.certificateValidityDays ?? 30 * 365) * DAY_MS),
      serialNumber: serial,
    });
    const chain = [new Uint8Array(certificate.raw), ...caChain];
    const caKey = (config.deviceCa.chain[0] as X509Certificate).publicKey;

    const header: OVHeader = {
      protVer: OV_PROTOCOL_VERSION,
      guid: generateGuid(config.random),
      rvInfo: config.rvInfo,
      deviceInfo: config.deviceInfo?.({ serialNumber: info.serialNumber, model: info.deviceInfo }) ?? info.deviceInfo,
      pubKey: mfg,
      devCertChainHash: certChainHash(hashTypeFor(deviceKey, caKey), chain),
    };
    const headerBytes = encodeVoucherHeader(header);
    return {
      state: {
        protocol: 'di-manufacturer',
        step: 'set-hmac',
        guid: guidToHex(header.guid),
        header: toB64(headerBytes),
        chain: chain.map(toB64),
      } satisfies DiManufacturerState,
      reply: { msgType: MsgType.DI_SetCredentials, body: encodeDISetCredentials({ ovHeader: headerBytes }) },
    };
  }

  async function setHmac(state: DiManufacturerState, body: Uint8Array) {
    const { hmac } = decodeDISetHMAC(body);
    const headerBytes = fromB64(state.header, 'header');
    const { header } = parseOvHeader(headerBytes);
    const chain = Array.isArray(state.chain) ? state.chain.map((c, i) => fromB64(c, `chain[${i}]`)) : [];
    if (chain.length === 0) throw badState('no device certificate chain');
    let voucher = createVoucher({
      guid: header.guid,
      rvInfo: header.rvInfo,
      deviceInfo: header.deviceInfo,
      manufacturerKey: header.pubKey,
      devCertChain: chain,
      ...(header.devCertChainHash === null ? {} : { certChainHashType: header.devCertChainHash.type }),
      hmac,
    });
    // The HMAC covers the bytes the device saw; a voucher whose header encodes differently would
    // never verify on the device, so it must not be stored.
    if (!bytesEqual(voucher.raw.header, headerBytes)) {
      throw new FdoError(
        'ERR_FDO_DI_HEADER_CHANGED',
        ErrorCode.INTERNAL_SERVER_ERROR,
        'the voucher header does not re-encode to the bytes sent in DI.SetCredentials',
      );
    }
    if (config.extendTo !== undefined) {
      const mfg = config.manufacturerKeys.find((k) => samePublicKey(k.privateKey, header.pubKey));
      if (mfg === undefined)
        throw new FdoError(
          'ERR_FDO_DI_MANUFACTURER_KEY_GONE',
          ErrorCode.INTERNAL_SERVER_ERROR,
          'the manufacturer key of this session is no longer configured',
        );
      voucher = extendVoucher(voucher, { ownerPrivateKey: mfg.privateKey, nextOwner: config.extendTo });
    }
    await config.store.saveVoucher(header.guid, encodeVoucher(voucher));
    return { state: null, reply: { msgType: MsgType.DI_Done, body: encodeDIDone() } };
  }

  function pickManufacturerKey(type: PublicKeyTypeNumber, encoding: PublicKeyEncodingNumber): FdoPublicKey {
    for (const k of config.manufacturerKeys) {
      try {
        const wantsChain = encoding === PublicKeyEncoding.X5CHAIN;
        // A device asking for X5CHAIN gets X509 when the key has no certificates: either lets it
        // hash OVPubKey, and only the TO2 owner ever verifies with it.
        const enc = wantsChain && (k.chain === undefined || k.chain.length === 0) ? PublicKeyEncoding.X509 : encoding;
        return publicKeyFromKeyObject(k.privateKey, {
          type,
          encoding: enc,
          ...(enc === PublicKeyEncoding.X5CHAIN ? { chain: k.chain } : {}),
        });
      } catch (e) {
        if (e instanceof FdoError || e instanceof TypeError) continue;
        throw e;
      }
    }
    throw new FdoError(
      'ERR_FDO_DI_NO_MANUFACTURER_KEY',
      ErrorCode.INVALID_MESSAGE_ERROR,
      `DeviceMfgInfo asks for a manufacturer key of pkType ${type} (pkEnc ${encoding}); none is configured`,
    );
  }
}

function checkDeviceKey(key: KeyObject): void {
  const d = describeKey(key);
  const ok =
    (d.type === 'ec' && (d.curve === 'P-256' || d.curve === 'P-384')) ||
    (d.type === 'rsa' && (d.modulusBits === 2048 || d.modulusBits === 3072));
  if (!ok) {
    throw new FdoError(
      'ERR_FDO_DI_DEVICE_KEY',
      ErrorCode.INVALID_MESSAGE_ERROR,
      'DeviceMfgInfo.CSR: the device key is not EC P-256, P-384, RSA-2048 or RSA-3072',
    );
  }
}

function checkConfig(config: DiManufacturerConfig): void {
  if (typeof config?.random !== 'function' || typeof config.clock !== 'function')
    throw new TypeError('DI manufacturer: random and clock are required');
  if (typeof config.store?.saveVoucher !== 'function') throw new TypeError('DI manufacturer: a ManufacturerVoucherStore is required');
  if (!Array.isArray(config.rvInfo)) throw new TypeError('DI manufacturer: rvInfo is required');
  const ca = config.deviceCa;
  if (
    ca?.privateKey?.type !== 'private' ||
    !Array.isArray(ca.chain) ||
    ca.chain.length === 0 ||
    !ca.chain.every((c) => c instanceof X509Certificate)
  ) {
    throw new TypeError('DI manufacturer: deviceCa needs a private key and its certificate chain');
  }
  if (!(ca.chain[0] as X509Certificate).checkPrivateKey(ca.privateKey))
    throw new TypeError('DI manufacturer: deviceCa.privateKey does not match deviceCa.chain[0]');
  if (
    !Array.isArray(config.manufacturerKeys) ||
    config.manufacturerKeys.length === 0 ||
    !config.manufacturerKeys.every((k) => k?.privateKey?.type === 'private')
  ) {
    throw new TypeError('DI manufacturer: at least one manufacturer private key is required');
  }
}

/** The device key a DI CSR certifies; a bad request is the device's message body error. */
function certifiedKey(csr: Uint8Array): KeyObject {
  try {
    return readCertificationRequest(csr).publicKey;
  } catch (e) {
    if (!(e instanceof CryptoError)) throw e;
    throw new FdoError('ERR_FDO_DI_CSR', ErrorCode.MESSAGE_BODY_ERROR, `DeviceMfgInfo.CSR: ${e.message}`, { cause: e });
  }
}
