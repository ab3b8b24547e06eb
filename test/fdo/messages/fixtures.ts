/**
 * Realistic, valid bodies of every FDO 1.1 message type, shared by the message tests and the fuzz
 * seed script. The voucher parts are built here by hand from the spec's CDDL, so that these tests
 * do not depend on the voucher module.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { decode, encode } from '../../../src/codec/cbor.ts';
import { Algorithm } from '../../../src/codec/cose/algorithms.ts';
import { signSign1 } from '../../../src/codec/cose/sign1.ts';
import { CipherSuite, DeviceSgType, HashType, KexSuite, PublicKeyEncoding, PublicKeyType } from '../../../src/fdo/constants/crypto.ts';
import { ErrorCode } from '../../../src/fdo/constants/error-codes.ts';
import { MsgType, type MsgTypeNumber } from '../../../src/fdo/constants/message-types.ts';
import { RVProtocolValue, TransportProtocol } from '../../../src/fdo/constants/rendezvous.ts';
import {
  encodeDeviceMfgInfo,
  encodeDIAppStart,
  encodeDIDone,
  encodeDISetCredentials,
  encodeDISetHMAC,
} from '../../../src/fdo/messages/di.ts';
import { encodeErrorMessage } from '../../../src/fdo/messages/error.ts';
import type { MessageSigner } from '../../../src/fdo/messages/signed.ts';
import {
  encodeTO0AcceptOwner,
  encodeTO0Hello,
  encodeTO0HelloAck,
  encodeTO0OwnerSign,
  encodeTo0d,
  signTo1d,
} from '../../../src/fdo/messages/to0.ts';
import { encodeTO1HelloRV, encodeTO1HelloRVAck, encodeTO1ProveToRV, encodeTO1RVRedirect } from '../../../src/fdo/messages/to1.ts';
import {
  encodeTO2DeviceServiceInfo,
  encodeTO2DeviceServiceInfoReady,
  encodeTO2Done,
  encodeTO2Done2,
  encodeTO2GetOVNextEntry,
  encodeTO2HelloDevice,
  encodeTO2OVNextEntry,
  encodeTO2OwnerServiceInfo,
  encodeTO2OwnerServiceInfoReady,
  encodeTO2ProveDevice,
  encodeTO2ProveOVHdr,
  encodeTO2SetupDevice,
} from '../../../src/fdo/messages/to2.ts';
import { encodeHash, hashBytes, hmacBytes } from '../../../src/fdo/types/hash.ts';
import { encodePublicKey, type FdoPublicKey, publicKeyFromKeyObject } from '../../../src/fdo/types/public-key.ts';
import { encodeRendezvousInfo, type RendezvousInfo, rendezvousDirectiveFromView } from '../../../src/fdo/types/rendezvous-info.ts';

/** Deterministic bytes, so that fixtures are the same from run to run. */
export const filled = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i * 7) & 0xff);

export interface FixtureKeys {
  manufacturer: MessageSigner<KeyObject>;
  owner: MessageSigner<KeyObject>;
  nextOwner: MessageSigner<KeyObject>;
  device: MessageSigner<KeyObject>;
}

export interface Fixtures {
  guid: Uint8Array;
  replacementGuid: Uint8Array;
  nonces: { to0Sign: Uint8Array; to1Proof: Uint8Array; proveOV: Uint8Array; proveDv: Uint8Array; setupDv: Uint8Array };
  rvInfo: RendezvousInfo;
  ownerPubKey: FdoPublicKey;
  nextOwnerPubKey: FdoPublicKey;
  ovHeader: Uint8Array;
  ovEntry: Uint8Array;
  voucher: Uint8Array;
  to0d: Uint8Array;
  to1d: Uint8Array;
  helloDevice: Uint8Array;
  /** Valid bodies of every message type. */
  bodies: Map<MsgTypeNumber, Uint8Array[]>;
}

const pub = (k: KeyObject): KeyObject => (k.type === 'private' ? createPublicKey(k) : k);

export function buildFixtures(keys: FixtureKeys): Fixtures {
  const guid = filled(16, 1);
  const replacementGuid = filled(16, 2);
  const nonces = {
    to0Sign: filled(16, 3),
    to1Proof: filled(16, 4),
    proveOV: filled(16, 5),
    proveDv: filled(16, 6),
    setupDv: filled(16, 7),
  };
  const rvInfo: RendezvousInfo = [
    rendezvousDirectiveFromView({ dns: 'rv.iotopia.example', devPort: 8041, ownerPort: 8041, protocol: RVProtocolValue.RVProtHttps }),
    rendezvousDirectiveFromView({ ipAddress: '192.0.2.10', devPort: 8040, protocol: RVProtocolValue.RVProtHttp, delaySec: 30 }),
  ];
  const mfgPubKey = publicKeyFromKeyObject(pub(keys.manufacturer.key), { encoding: PublicKeyEncoding.X509 });
  const ownerPubKey = publicKeyFromKeyObject(pub(keys.owner.key), { encoding: PublicKeyEncoding.X509 });
  const nextOwnerPubKey = publicKeyFromKeyObject(pub(keys.nextOwner.key), { encoding: PublicKeyEncoding.COSEKEY });
  const deviceCert = filled(420, 8); // the messages carry it, never read it
  const ovHeader = encode([
    101,
    guid,
    encodeRendezvousInfo(rvInfo),
    'IoTopia thermostat T-100',
    encodePublicKey(mfgPubKey),
    encodeHash(hashBytes(HashType.SHA256, deviceCert)),
  ]);
  const hmacSecret = filled(32, 9);
  const ovHeaderHmac = hmacBytes(HashType.HMAC_SHA256, hmacSecret, ovHeader);
  const entryPayload = encode([
    encodeHash(hashBytes(HashType.SHA256, ovHeader, encode(encodeHash(ovHeaderHmac)))),
    encodeHash(hashBytes(HashType.SHA256, guid, encode('IoTopia thermostat T-100'))),
    null,
    encodePublicKey(ownerPubKey),
  ]);
  const ovEntry = signSign1({ payload: entryPayload, key: keys.manufacturer.key, protectedHeaders: new Map([[1, keys.manufacturer.alg]]) });
  const voucher = encode([101, ovHeader, encodeHash(ovHeaderHmac), [deviceCert], [decode(ovEntry)]]);

  const to0d = encodeTo0d({ voucher, waitSeconds: 86_400, nonceTO0Sign: nonces.to0Sign });
  const to1d = signTo1d(
    {
      rvTo2Addr: [
        { dns: 'owner.iotopia.example', port: 8043, protocol: TransportProtocol.ProtHTTPS },
        { ip: '2001:db8::43', port: 8080, protocol: TransportProtocol.ProtHTTP },
      ],
      to0dHash: hashBytes(HashType.SHA256, to0d),
    },
    keys.owner,
  );
  const sigInfo = { sgType: sgTypeFor(keys.device.alg), info: new Uint8Array(0) };
  const helloDevice = encodeTO2HelloDevice({
    maxDeviceMessageSize: 0,
    guid,
    nonceTO2ProveOV: nonces.proveOV,
    kexSuiteName: KexSuite.ECDH256,
    cipherSuiteName: CipherSuite.A128GCM,
    eASigInfo: sigInfo,
  });
  const csr = filled(300, 10);
  const kv = (key: string, value: unknown) => ({ key, value: encode(value) });

  const bodies = new Map<MsgTypeNumber, Uint8Array[]>([
    [
      MsgType.DI_AppStart,
      [
        encodeDIAppStart({
          deviceMfgInfo: encodeDeviceMfgInfo({
            keyType: PublicKeyType.SECP256R1,
            keyEncoding: PublicKeyEncoding.X509,
            serialNumber: 'T100-000042',
            deviceInfo: 'T-100',
            csr,
            extra: [],
          }),
        }),
        encodeDIAppStart({ deviceMfgInfo: null }),
      ],
    ],
    [MsgType.DI_SetCredentials, [encodeDISetCredentials({ ovHeader })]],
    [
      MsgType.DI_SetHMAC,
      [encodeDISetHMAC({ hmac: ovHeaderHmac }), encodeDISetHMAC({ hmac: hmacBytes(HashType.HMAC_SHA384, hmacSecret, ovHeader) })],
    ],
    [MsgType.DI_Done, [encodeDIDone()]],
    [MsgType.TO0_Hello, [encodeTO0Hello()]],
    [MsgType.TO0_HelloAck, [encodeTO0HelloAck({ nonceTO0Sign: nonces.to0Sign })]],
    [
      MsgType.TO0_OwnerSign,
      [
        encodeTO0OwnerSign({
          to0d: { voucher, waitSeconds: 86_400, nonceTO0Sign: nonces.to0Sign, bytes: to0d },
          to1d: { sign1: { bytes: to1d } },
        }),
      ],
    ],
    [MsgType.TO0_AcceptOwner, [encodeTO0AcceptOwner({ waitSeconds: 3600 })]],
    [MsgType.TO1_HelloRV, [encodeTO1HelloRV({ guid, eASigInfo: sigInfo })]],
    [MsgType.TO1_HelloRVAck, [encodeTO1HelloRVAck({ nonceTO1Proof: nonces.to1Proof, eBSigInfo: sigInfo })]],
    [MsgType.TO1_ProveToRV, [encodeTO1ProveToRV({ nonceTO1Proof: nonces.to1Proof, guid, signer: keys.device })]],
    [MsgType.TO1_RVRedirect, [encodeTO1RVRedirect({ sign1: { bytes: to1d } })]],
    [MsgType.TO2_HelloDevice, [helloDevice]],
    [
      MsgType.TO2_ProveOVHdr,
      [
        encodeTO2ProveOVHdr({
          ovHeader,
          numOVEntries: 1,
          ovHeaderHmac,
          nonceTO2ProveOV: nonces.proveOV,
          eBSigInfo: sigInfo,
          xAKeyExchange: filled(68, 11),
          helloDeviceHash: hashBytes(HashType.SHA256, helloDevice),
          maxOwnerMessageSize: 0,
          nonceTO2ProveDv: nonces.proveDv,
          ownerPubKey,
          signer: keys.owner,
        }),
      ],
    ],
    [MsgType.TO2_GetOVNextEntry, [encodeTO2GetOVNextEntry({ ovEntryNum: 0 })]],
    [MsgType.TO2_OVNextEntry, [encodeTO2OVNextEntry({ ovEntryNum: 0, ovEntry })]],
    [
      MsgType.TO2_ProveDevice,
      [
        encodeTO2ProveDevice({
          nonceTO2ProveDv: nonces.proveDv,
          guid,
          xBKeyExchange: filled(68, 12),
          nonceTO2SetupDv: nonces.setupDv,
          signer: keys.device,
        }),
      ],
    ],
    [
      MsgType.TO2_SetupDevice,
      [
        encodeTO2SetupDevice({
          rendezvousInfo: rvInfo,
          guid: replacementGuid,
          nonceTO2SetupDv: nonces.setupDv,
          owner2Key: nextOwnerPubKey,
          signer: keys.owner,
        }),
      ],
    ],
    [
      MsgType.TO2_DeviceServiceInfoReady,
      [
        encodeTO2DeviceServiceInfoReady({
          replacementHmac: hmacBytes(HashType.HMAC_SHA256, hmacSecret, filled(90, 13)),
          maxOwnerServiceInfoSz: 1300,
        }),
        encodeTO2DeviceServiceInfoReady({ replacementHmac: null, maxOwnerServiceInfoSz: null }),
      ],
    ],
    [
      MsgType.TO2_OwnerServiceInfoReady,
      [encodeTO2OwnerServiceInfoReady({ maxDeviceServiceInfoSz: 1300 }), encodeTO2OwnerServiceInfoReady({ maxDeviceServiceInfoSz: null })],
    ],
    [
      MsgType.TO2_DeviceServiceInfo,
      [
        encodeTO2DeviceServiceInfo({
          isMoreServiceInfo: false,
          serviceInfo: [
            kv('devmod:active', true),
            kv('devmod:os', 'Linux'),
            kv('devmod:arch', 'aarch64'),
            kv('devmod:version', '6.6'),
            kv('devmod:device', 'T-100'),
            kv('devmod:sep', ':'),
            kv('devmod:bin', 'aarch64'),
            kv('devmod:nummodules', 2),
            kv('devmod:modules', [0, 2, 'devmod', 'iotopia.onboard']),
          ],
        }),
      ],
    ],
    [
      MsgType.TO2_OwnerServiceInfo,
      [
        encodeTO2OwnerServiceInfo({ isMoreServiceInfo: false, isDone: false, serviceInfo: [kv('iotopia.onboard:active', true)] }),
        encodeTO2OwnerServiceInfo({ isMoreServiceInfo: false, isDone: true, serviceInfo: [] }),
      ],
    ],
    [MsgType.TO2_Done, [encodeTO2Done({ nonceTO2ProveDv: nonces.proveDv })]],
    [MsgType.TO2_Done2, [encodeTO2Done2({ nonceTO2SetupDv: nonces.setupDv })]],
    [
      MsgType.Error,
      [
        encodeErrorMessage({ code: ErrorCode.MESSAGE_BODY_ERROR, prevMsgType: MsgType.TO2_HelloDevice, message: 'message body error' }),
        encodeErrorMessage({
          code: ErrorCode.INVALID_MESSAGE_ERROR,
          prevMsgType: 64,
          message: 'invalid message',
          timestamp: 1_700_000_000,
          correlationId: 7,
        }),
      ],
    ],
  ]);

  return {
    guid,
    replacementGuid,
    nonces,
    rvInfo,
    ownerPubKey,
    nextOwnerPubKey,
    ovHeader,
    ovEntry,
    voucher,
    to0d,
    to1d,
    helloDevice,
    bodies,
  };
}

function sgTypeFor(alg: number): (typeof DeviceSgType)[keyof typeof DeviceSgType] {
  switch (alg) {
    case Algorithm.ES384:
      return DeviceSgType.StSECP384R1;
    case Algorithm.RS256:
    case Algorithm.PS256:
      return DeviceSgType.StRSA2048;
    default:
      return DeviceSgType.StSECP256R1;
  }
}
