/** What every role of one server process shares: the store, keys, clock and randomness, its addresses. */
import type { FastifyBaseLogger } from 'fastify';
import type { OwnerKeyRing, RandomSource } from '../../../fdo/protocol/ports.ts';
import type { RendezvousInfo } from '../../../fdo/types/rendezvous-info.ts';
import type { RvTo2Addr } from '../../../fdo/types/rv-to2-addr.ts';
import type { DeviceCredentials } from '../../../lifecycle/device-credentials.ts';
import type { RendezvousAddressPolicy } from '../../../onboarding/address-policy.ts';
import type { OnboardedFeed } from '../../../onboarding/onboarded-feed.ts';
import type { StoreOwnerVoucherStore } from '../../../onboarding/owner-vouchers.ts';
import type { PlatformKeys } from '../../../platform/keys.ts';
import type { Store } from '../../../store/store.ts';
import type { PlatformConfig } from '../config.ts';

export interface RoleContext {
  config: PlatformConfig;
  store: Store;
  keys: PlatformKeys;
  random: RandomSource;
  clock: () => Date;
  log?: FastifyBaseLogger;
  /** This server's base URL (https://host:port with TLS, http:// without). */
  url: string;
  /** Every listener is bound to a loopback address (the server cannot be reached from another host). */
  loopbackOnly: boolean;
  /** The rendezvous info DI writes while the manufacturer has stored none. */
  defaultRvInfo: RendezvousInfo;
  /** The TO2 address the owner registers while none is stored. */
  defaultTo2Address: RvTo2Addr;
  /** The TO2 address to register now: the stored one, or the default. */
  currentTo2Address(): Promise<RvTo2Addr>;
  ownerVouchers: StoreOwnerVoucherStore;
  /** Devices whose TO2 ended here, announced after the outcome committed (the intent role listens). */
  onboarded: OnboardedFeed;
  ownerKeyRing: OwnerKeyRing;
  /** The device API's credentials (minted in TO2, checked by the device API, revoked on decommissioning). */
  deviceCredentials: DeviceCredentials;
  /** ServiceInfo `file` sources (owner). */
  serviceInfoDir: string;
  /** Which rendezvous addresses may be set, and connected to for TO0 (`allowInternalRendezvous`, the listen address). */
  rendezvousAddresses: RendezvousAddressPolicy;
  /** PEM of the CAs this server's own https connections trust (outbound-tls-ca); the system's roots when absent. */
  outboundTlsCa?: string;
}
