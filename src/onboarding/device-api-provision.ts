/**
 * Every TO2 provisions the device API (ADR 0027): beside the operator's ServiceInfo plans the owner
 * runs an iotopia.onboard plan whose provision carries the device API's base URL, a bearer token
 * minted for this device, and the update trust anchors. The token is stored pending and becomes
 * usable only when the TO2 outcome commits (owner-vouchers.ts). The plan is not required: a device
 * without iotopia.onboard skips it and gets no credential it could use.
 */
import type { To2OwnerPolicy } from '../fdo/protocol/to2-ports.ts';
import { readProvision, writeProvision } from '../fdo/serviceinfo/modules/iotopia-onboard-values.ts';
import type { IotopiaOnboardPlan, OwnerModulePlan } from '../fdo/serviceinfo/owner-plans.ts';
import type { ManagementProvision } from '../fdo/serviceinfo/ports.ts';
import type { DeviceCredentials } from '../lifecycle/device-credentials.ts';

type PlanSource = NonNullable<To2OwnerPolicy['serviceInfoPlans']>;

export interface DeviceApiProvisioning {
  /** The device API's base URL as devices reach it (https beyond loopback). */
  endpoint: string;
  credentials: Pick<DeviceCredentials, 'mint'>;
  /** COSE_Key public keys of the SUIT signers devices trust (1 to 16). */
  trustAnchors(): Promise<Uint8Array[]>;
  /** Told why no device API could be provisioned (an endpoint or trust anchors a device would refuse). */
  warn?(message: string): void;
}

/** A stand-in token of the real one's form, to check a provision before a credential is minted for it. */
const SAMPLE_TOKEN = 'A'.repeat(43);

/** The reason a device would refuse this provision (the module's own checks), or undefined. */
function provisionFault(p: ManagementProvision): string | undefined {
  try {
    readProvision(writeProvision(p));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The iotopia.onboard plan of one device, with a freshly minted pending credential; undefined (and
 * nothing minted) when the provision would be refused, e.g. no trust anchor exists.
 */
export async function deviceApiPlan(guid: Uint8Array, p: DeviceApiProvisioning): Promise<IotopiaOnboardPlan | undefined> {
  const trustAnchors = await p.trustAnchors();
  const fault = provisionFault({ endpoint: p.endpoint, credential: { type: 'bearer', token: SAMPLE_TOKEN }, trustAnchors });
  if (fault !== undefined) {
    p.warn?.(`the device API is not provisioned in TO2: ${fault}`);
    return undefined;
  }
  const token = await p.credentials.mint(guid, { pending: true });
  return {
    module: 'iotopia.onboard',
    provision: { endpoint: p.endpoint, credential: { type: 'bearer', token }, trustAnchors },
    required: false,
  };
}

/**
 * The operator's plans followed by the device API's. An iotopia.onboard plan the caller already
 * has wins: a device is provisioned once per TO2.
 */
export function withDeviceApiPlan(plans: PlanSource, p: DeviceApiProvisioning): PlanSource {
  return async (guid, voucher) => {
    const own: OwnerModulePlan[] = await plans(guid, voucher);
    if (own.some((plan) => plan.module === 'iotopia.onboard')) return own;
    const plan = await deviceApiPlan(guid, p);
    return plan === undefined ? own : [...own, plan];
  };
}
