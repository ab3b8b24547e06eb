/**
 * DI.AppStart -> DI.SetCredentials (§5.2.1, §5.2.2): the manufacturer certifies the device key from
 * the CSR in DeviceMfgInfo and sends the new voucher header (fresh GUID, RV info, device info,
 * manufacturer key, device chain hash) for the device to MAC.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { readCertificationRequest } from '../../../crypto/csr.ts';
import { CryptoError } from '../../../crypto/errors.ts';
import { describeKey } from '../../../crypto/key-describe.ts';
import { createCertificate } from '../../../crypto/x509-create.ts';
import { type DeviceCertificateFields, issueDeviceCertificate, templateSupports } from '../../../crypto/x509-device-template.ts';
import { ErrorCode } from '../../constants/error-codes.ts';
import { MsgType } from '../../constants/message-types.ts';
import { FdoError } from '../../errors.ts';
import { decodeDIAppStart, encodeDISetCredentials, parseDeviceMfgInfo } from '../../messages/di.ts';
import { certChainHash } from '../../types/cert-chain.ts';
import { generateGuid, guidToHex } from '../../types/guid.ts';
import { OV_PROTOCOL_VERSION, type OVHeader } from '../../voucher/voucher.ts';
import { encodeVoucherHeader } from '../../voucher/voucher-header.ts';
import { hashTypeFor } from '../lib/key-strength.ts';
import { toB64 } from '../lib/state-bytes.ts';
import type { ServerStep } from '../ports.ts';
import { deviceCaFor } from './device-ca.ts';
import { pickManufacturerKey } from './manufacturer-key.ts';
import type { DeviceCa, DiManufacturerConfig, DiManufacturerState } from './types.ts';

const DAY_MS = 86_400_000;

export async function appStart(config: DiManufacturerConfig, body: Uint8Array): Promise<ServerStep<DiManufacturerState>> {
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
  const mfg = pickManufacturerKey(config, info.keyType, info.keyEncoding);
  const ca = deviceCaFor(config, deviceKey);

  const now = config.clock();
  const serial = config.random(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const certificate = deviceCertificate(ca, {
    commonName: info.serialNumber.length > 0 && info.serialNumber.length <= 64 ? info.serialNumber : 'FDO device',
    publicKey: deviceKey,
    notBefore: now,
    notAfter: new Date(now.getTime() + (config.certificateValidityDays ?? 30 * 365) * DAY_MS),
    serialNumber: serial,
  });
  const chain = [new Uint8Array(certificate.raw), ...ca.chain.map((c) => new Uint8Array(c.raw))];
  const caKey = (ca.chain[0] as X509Certificate).publicKey;

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

/** The device certificate from the DER template; a CA key the template cannot sign with goes through createCertificate. */
function deviceCertificate(ca: DeviceCa, fields: DeviceCertificateFields): X509Certificate {
  const issuer = { privateKey: ca.privateKey, certificate: ca.chain[0] as X509Certificate };
  if (templateSupports(ca.privateKey)) return issueDeviceCertificate(issuer, fields);
  const { commonName, ...rest } = fields;
  return createCertificate({ subject: { commonName }, signer: issuer, ...rest });
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

/** The device key a DI CSR certifies; a bad request is the device's message body error. */
function certifiedKey(csr: Uint8Array): KeyObject {
  try {
    return readCertificationRequest(csr).publicKey;
  } catch (e) {
    if (!(e instanceof CryptoError)) throw e;
    throw new FdoError('ERR_FDO_DI_CSR', ErrorCode.MESSAGE_BODY_ERROR, `DeviceMfgInfo.CSR: ${e.message}`, { cause: e });
  }
}
