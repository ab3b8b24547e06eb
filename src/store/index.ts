/** IoTopia storage: the repository interfaces and openStore. */

export type { ApiRole, ApiTokenRecord, ApiTokenRepository } from './api-token-repository.ts';
export type { AuditLog, AuditRecord } from './audit-log.ts';
export {
  ACTION_STATES,
  type ActionState,
  CAMPAIGN_ACTION_TYPES,
  CAMPAIGN_STATES,
  type CampaignAction,
  type CampaignActionType,
  type CampaignInput,
  type CampaignRecord,
  type CampaignRepository,
  type CampaignState,
  type WaveCounts,
} from './campaign-repository.ts';
export type { DeviceConfigRecord, DeviceConfigRepository } from './device-config-repository.ts';
export type { DeviceCredentialRecord, DeviceCredentialRepository } from './device-credential-repository.ts';
export type { DeviceRecord, DeviceRepository, DeviceState } from './device-repository.ts';
export type { DiTokenRecord, DiTokenRepository } from './di-token-repository.ts';
export {
  ERR_STORE_CONFLICT,
  ERR_STORE_CURSOR,
  ERR_STORE_DECRYPT,
  ERR_STORE_DUPLICATE,
  ERR_STORE_KEK_MISMATCH,
  ERR_STORE_NOT_FOUND,
  ERR_STORE_URL,
  StoreError,
} from './errors.ts';
export { hashSecret } from './hash-secret.ts';
export type {
  IntentDeviceInput,
  IntentDeviceRecord,
  IntentDeviceRepository,
  IntentEnforcementState,
  IntentResolvedName,
  IntentUrlSource,
} from './intent-device-repository.ts';
export type { IntentLease, IntentLeaseRepository } from './intent-lease-repository.ts';
export type { IntentQuarantineRecord, IntentQuarantineRepository } from './intent-quarantine-repository.ts';
export type { IntentViolationInput, IntentViolationRecord, IntentViolationRepository } from './intent-violation-repository.ts';
export type { KeyRecord, KeyRepository } from './key-repository.ts';
export {
  ERR_STORE_MUD_FILE_NAME,
  ERR_STORE_MUD_FILE_TOO_LARGE,
  isMudFileName,
  MAX_MUD_FILE_BYTES,
  MAX_MUD_SIGNATURE_BYTES,
  type MudFileInfo,
  type MudFileInput,
  type MudFileRecord,
  type MudFileRepository,
} from './mud-file-repository.ts';
export { type OpenStoreOptions, openStore, type StoreLocation } from './open-store.ts';
export type { Page, PageRequest } from './page.ts';
export type { PayloadInput, PayloadLocation, PayloadRecord, PayloadRepository } from './payload-repository.ts';
export {
  RELEASE_STATES,
  type ReleaseComponent,
  type ReleaseInfo,
  type ReleaseInput,
  type ReleaseListRequest,
  type ReleaseOrigin,
  type ReleaseRecord,
  type ReleaseRepository,
  type ReleaseState,
} from './release-repository.ts';
export type { RendezvousRepository } from './rendezvous-repository.ts';
export type { SessionRepository } from './session-repository.ts';
export { MAX_SETTING_BYTES, type SettingRecord, type SettingsRepository } from './settings-repository.ts';
export type { Repositories, Store } from './store.ts';
export type { To0RegistrationRecord, To0RegistrationRepository } from './to0-registration-repository.ts';
export type { VoucherRecord, VoucherRepository, VoucherSide, VoucherState } from './voucher-repository.ts';
