/**
 * The public API of src/fdo (FDO 1.1): constants, errors, device credentials, the error message,
 * ownership vouchers, the DI/TO0/TO1/TO2 roles behind their ports, the ServiceInfo modules a
 * device runs and the plans an owner sends, and the FDO value types that adapters handle.
 *
 * The architecture rule is "no reach into another module's lib/, no upward import"
 * (test/architecture.test.ts); importing this file is not required, and a named public file of the
 * module (e.g. voucher/voucher-parse.ts) is just as good. Nothing here comes from lib/.
 */
export {
  CipherSuite,
  HashType,
  KexSuite,
  PublicKeyEncoding,
  type PublicKeyEncodingNumber,
  PublicKeyType,
  type PublicKeyTypeNumber,
} from './constants/crypto.ts';
export { ErrorCode, type ErrorCodeName, type ErrorCodeNumber } from './constants/error-codes.ts';
export { MsgType, type MsgTypeName, type MsgTypeNumber, PROTOCOL_VERSION } from './constants/message-types.ts';
export { RVProtocolValue, RVVariable, TransportProtocol } from './constants/rendezvous.ts';
export { decodeDeviceCredential } from './credential/credential-decode.ts';
export { encodeDeviceCredential } from './credential/credential-encode.ts';
export { importGoFdoCredential } from './credential/credential-import-go-fdo.ts';
export type { DeviceCredential } from './credential/device-credential.ts';
export { FdoError, fdoCodeOf } from './errors.ts';
export { decodeErrorMessage, encodeErrorMessage, errorMessageFor } from './messages/error.ts';
export { createDiDevice, type DiDeviceConfig } from './protocol/di-device.ts';
export { createDiManufacturer, type DiManufacturerConfig } from './protocol/di-manufacturer.ts';
export { errorStep, FdoPeerError } from './protocol/error-message.ts';
export type {
  ClientStep,
  Clock,
  ManufacturerVoucherStore,
  OwnerKeyRing,
  OwnerVoucherRecord,
  OwnerVoucherStore,
  ProtocolMessage,
  RandomSource,
  RendezvousRegistration,
  RendezvousStore,
  ServerStep,
  VoucherAcceptance,
} from './protocol/ports.ts';
export { createTo0Owner, type To0OwnerConfig, type To0Registration, type To0Result } from './protocol/to0-owner.ts';
export { createTo0Rendezvous, type To0RendezvousConfig } from './protocol/to0-rendezvous.ts';
export { createTo1Device, type To1DeviceConfig, type To1Result } from './protocol/to1-device.ts';
export { createTo1Rendezvous, type To1RendezvousConfig } from './protocol/to1-rendezvous.ts';
export { createTo2DeviceClient, type To2DeviceOptions, type To2DeviceResult } from './protocol/to2-device.ts';
export { createTo2Owner, type To2OwnerOptions, type To2OwnerVoucherStore } from './protocol/to2-owner.ts';
export type { To2OwnerPolicy } from './protocol/to2-ports.ts';
export { deviceCommandModule } from './serviceinfo/modules/command-device.ts';
export { deviceDownloadModule } from './serviceinfo/modules/download-device.ts';
export { deviceFidoAllianceModule } from './serviceinfo/modules/fido-alliance-device.ts';
export { deviceIotopiaOnboardModule } from './serviceinfo/modules/iotopia-onboard-device.ts';
export { deviceUploadModule } from './serviceinfo/modules/upload-device.ts';
export { deviceWgetModule } from './serviceinfo/modules/wget-device.ts';
export type {
  CommandPlan,
  DownloadPlan,
  FidoAlliancePlan,
  IotopiaOnboardPlan,
  OwnerModulePlan,
  UploadPlan,
  WgetPlan,
} from './serviceinfo/owner-plans.ts';
export type {
  ByteSink,
  ByteSource,
  CommandExecutor,
  CommandRequest,
  CommandResult,
  HttpFetch,
  HttpResponse,
  ManagementProvision,
  ManagementStore,
  OwnerPorts,
} from './serviceinfo/ports.ts';
export { type Guid, generateGuid, guidFromText, guidToHex, guidToUuid, parseGuid } from './types/guid.ts';
export { type IpAddress, ipAddressFromString, ipAddressToString } from './types/ip-address.ts';
export { type FdoPublicKey, publicKeyFingerprint, samePublicKey } from './types/public-key.ts';
export {
  type RendezvousDirective,
  type RendezvousDirectiveView,
  type RendezvousInfo,
  rendezvousDirectiveFromView,
  rendezvousDirectiveView,
} from './types/rendezvous-info.ts';
export type { RvTo2Addr, RvTo2AddrEntry } from './types/rv-to2-addr.ts';
export { type OwnershipVoucher, VoucherError } from './voucher/voucher.ts';
export { type CreateVoucherOptions, createVoucher } from './voucher/voucher-create.ts';
export { encodeVoucher, encodeVoucherPem } from './voucher/voucher-encode.ts';
export { type ExtendVoucherOptions, extendVoucher } from './voucher/voucher-extend.ts';
export { inspectVoucher, type VoucherSummary } from './voucher/voucher-inspect.ts';
export { voucherOwner } from './voucher/voucher-owner.ts';
export { parseVoucher } from './voucher/voucher-parse.ts';
export { type VerifiedVoucher, type VerifyVoucherOptions, verifyVoucher } from './voucher/voucher-verify.ts';
