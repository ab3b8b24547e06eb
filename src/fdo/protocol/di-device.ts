/**
 * DI, device side (FDO 1.1 §5.2): asks the manufacturer for credentials, MACs the voucher header
 * it receives under a fresh secret, and on DI.Done holds its DeviceCredential. Until DI.Done the
 * credential is only pending: a device that never sees DI.Done keeps nothing.
 */
import type { KeyObject } from 'node:crypto';
import { plainCopy } from '../../codec/bytes.ts';
import { createCertificationRequest } from '../../crypto/csr.ts';
import { isKeyHandle, isPrivateKeyLike, type PrivateKeyLike, publicKeyOf } from '../../crypto/private-key-handle.ts';
import { PublicKeyEncoding, type PublicKeyEncodingNumber, PublicKeyType, type PublicKeyTypeNumber } from '../constants/crypto.ts';
import { MsgType } from '../constants/message-types.ts';
import type { DeviceCredential } from '../credential/device-credential.ts';
import { decodeDIDone, decodeDISetCredentials, encodeDeviceMfgInfo, encodeDIAppStart, encodeDISetHMAC } from '../messages/di.ts';
import { hashAlgorithm, hashBytes, hmacBytes } from '../types/hash.ts';
import { publicKeyToKeyObject } from '../types/public-key.ts';
import { hashTypeFor, hmacTypeFor, isStrongKey } from './lib/key-strength.ts';
import { parseOvHeader } from './lib/ov-header.ts';
import { expectReply } from './lib/peer-error.ts';
import { badState, fromB64, toB64 } from './lib/state-bytes.ts';
import type { ClientStep, ProtocolMessage, RandomSource } from './ports.ts';

export interface DiDeviceConfig {
  random: RandomSource;
  /** The device attestation key (EC P-256, P-384, RSA-2048 or RSA-3072). */
  deviceKey: PrivateKeyLike;
  serialNumber: string;
  /** The model name; the manufacturer usually makes it the voucher's DeviceInfo. */
  model: string;
  /** pkType asked for the manufacturer key; default from the device key (RSAPKCS for RSA keys). */
  keyType?: PublicKeyTypeNumber;
  /** pkEnc asked for the manufacturer key; default X509. */
  keyEncoding?: PublicKeyEncodingNumber;
  /** How the credential names the device key: a keystore reference, or (default) the PKCS #8 itself. */
  keystoreRef?: string;
}

/** Session state between messages (JSON-safe). */
export type DiDeviceState =
  | { protocol: 'di-device'; step: 'set-credentials' }
  | { protocol: 'di-device'; step: 'done'; header: string; hmacSecret: string };

export interface DiDevice {
  start(): ClientStep<DiDeviceState, DeviceCredential>;
  receive(state: DiDeviceState, message: ProtocolMessage): Promise<ClientStep<DiDeviceState, DeviceCredential>>;
}

export function createDiDevice(config: DiDeviceConfig): DiDevice {
  if (!isPrivateKeyLike(config?.deviceKey)) throw new TypeError('DI device: deviceKey must be a private KeyObject or a KeyHandle');
  if (typeof config.random !== 'function') throw new TypeError('DI device: random is required');
  const devicePublic = publicKeyOf(config.deviceKey);
  const keyType = config.keyType ?? defaultKeyType(devicePublic);

  return {
    start() {
      const info = encodeDeviceMfgInfo({
        keyType,
        keyEncoding: config.keyEncoding ?? PublicKeyEncoding.X509,
        serialNumber: config.serialNumber,
        deviceInfo: config.model,
        csr: createCertificationRequest(config.deviceKey, config.serialNumber),
        extra: [],
      });
      return {
        state: { protocol: 'di-device', step: 'set-credentials' },
        request: { msgType: MsgType.DI_AppStart, body: encodeDIAppStart({ deviceMfgInfo: info }) },
      };
    },

    async receive(state, message) {
      if (state?.protocol !== 'di-device') throw badState('not a DI device session');
      const d = { config, devicePublic };
      if (state.step === 'set-credentials') return setCredentials(d, message);
      if (state.step === 'done') return done(d, state, message);
      throw badState(`unknown step ${String((state as { step?: unknown }).step)}`);
    },
  };
}

interface DiDeviceDeps {
  config: DiDeviceConfig;
  devicePublic: KeyObject;
}

/** DI.SetCredentials: keep the voucher header, answer with its HMAC under a new device secret (DI.SetHMAC). */
function setCredentials(d: DiDeviceDeps, message: ProtocolMessage): ClientStep<DiDeviceState, DeviceCredential> {
  const { ovHeader } = decodeDISetCredentials(expectReply(message, MsgType.DI_SetCredentials, 'DI.SetCredentials'));
  const { header } = parseOvHeader(ovHeader, 'DI.SetCredentials.OVHeader');
  const manufacturer = publicKeyToKeyObject(header.pubKey, 'DI.SetCredentials.OVHeader.OVPubKey').key;
  const hmacType = hmacTypeFor(d.devicePublic, manufacturer);
  const secret = d.config.random(hashAlgorithm(hmacType).bytes);
  if (!(secret instanceof Uint8Array) || secret.length !== hashAlgorithm(hmacType).bytes) {
    throw new TypeError('DI device: the random source returned the wrong number of bytes');
  }
  const hmac = hmacBytes(hmacType, secret, ovHeader);
  return {
    state: { protocol: 'di-device', step: 'done', header: toB64(ovHeader), hmacSecret: toB64(secret) },
    request: { msgType: MsgType.DI_SetHMAC, body: encodeDISetHMAC({ hmac }) },
  };
}

/** DI.Done: the device credential, from the header and the secret kept since DI.SetCredentials. */
function done(
  d: DiDeviceDeps,
  state: Extract<DiDeviceState, { step: 'done' }>,
  message: ProtocolMessage,
): ClientStep<DiDeviceState, DeviceCredential> {
  decodeDIDone(expectReply(message, MsgType.DI_Done, 'DI.Done'));
  const headerBytes = fromB64(state.header, 'header');
  const { header, pubKeyBytes } = parseOvHeader(headerBytes);
  const manufacturer = publicKeyToKeyObject(header.pubKey).key;
  return {
    result: {
      active: true,
      protVer: header.protVer,
      hmacSecret: fromB64(state.hmacSecret, 'hmacSecret'),
      deviceInfo: header.deviceInfo,
      guid: plainCopy(header.guid),
      rvInfo: header.rvInfo,
      pubKeyHash: hashBytes(hashTypeFor(d.devicePublic, manufacturer), pubKeyBytes),
      deviceKey: d.config.keystoreRef === undefined ? { pkcs8: pkcs8Of(d.config.deviceKey) } : { keystoreRef: d.config.keystoreRef },
    },
  };
}

function defaultKeyType(key: KeyObject): PublicKeyTypeNumber {
  if (key.asymmetricKeyType === 'ec') return isStrongKey(key) ? PublicKeyType.SECP384R1 : PublicKeyType.SECP256R1;
  if (key.asymmetricKeyType === 'rsa') return PublicKeyType.RSAPKCS;
  throw new TypeError('DI device: the device key must be EC or RSA');
}

/** A software key goes into the credential; a key held by a keystore must be named by keystoreRef instead. */
function pkcs8Of(key: PrivateKeyLike): Uint8Array {
  if (isKeyHandle(key)) throw new TypeError('DI device: a deviceKey held by a keystore needs keystoreRef, its name in the credential');
  return new Uint8Array(key.export({ format: 'der', type: 'pkcs8' }));
}
