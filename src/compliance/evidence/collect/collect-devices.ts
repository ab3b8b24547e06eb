/**
 * The facts of a model's devices (devices-of-model.ts says which devices are the model's): their
 * states, the device keys in their vouchers' certificate chains, the MUD URLs they reported in TO2,
 * and how many device records have a voucher that could not be read (their model cannot be told).
 * The store gives the model's devices a page at a time through an index on the vouchers' DeviceInfo.
 */
import { guidToHex } from '../../../fdo/types/guid.ts';
import type { DeviceRecord, DeviceState } from '../../../store/device-repository.ts';
import { devicesOfNoModel, everyDeviceOfModel } from '../../devices-of-model.ts';
import type { DeviceFacts } from '../evidence-facts.ts';
import { MAX_EXAMPLES } from '../evidence-facts.ts';
import type { EvidenceStore } from '../evidence-ports.ts';
import { keep } from './paged.ts';
import { voucherDevice } from './voucher-device.ts';

const IN_SERVICE: readonly DeviceState[] = ['onboarded', 'active', 'quarantined', 'suspended'];

export interface Member {
  /** The record's GUID, hex. */
  guid: string;
  state: DeviceState;
  inService: boolean;
}

export interface ModelDevices {
  facts: DeviceFacts;
  /** The model's devices by record GUID (hex). */
  members: Map<string, Member>;
  /** Every GUID (hex) a member is known by, the record's and the one TO2 gave it, to its member. */
  byGuid: Map<string, Member>;
}

export async function collectDevices(store: EvidenceStore, model: string, productMudUrl: string | undefined): Promise<ModelDevices> {
  const tally = newTally();
  tally.unreadable = await devicesOfNoModel(store);
  for await (const { device, voucher } of everyDeviceOfModel(store, model)) {
    const facts = voucherDevice(voucher.voucher);
    if (facts === undefined) {
      tally.unreadable++;
      continue;
    }
    add(tally, device, guidToHex(device.guid), facts.keyId, productMudUrl);
  }
  return finish(tally);
}

interface Tally {
  members: Map<string, Member>;
  byGuid: Map<string, Member>;
  keys: Map<string, string[]>;
  unreadable: number;
  facts: Omit<DeviceFacts, 'total' | 'sharingKey' | 'sharedKeys' | 'sharingExamples' | 'unreadable'>;
}

const newTally = (): Tally => ({
  members: new Map(),
  byGuid: new Map(),
  keys: new Map(),
  unreadable: 0,
  facts: {
    inService: 0,
    withDiCredential: 0,
    examples: [],
    inServiceExamples: [],
    mudUrlReported: { product: 0, other: 0, otherExamples: [] },
  },
});

function add(t: Tally, d: DeviceRecord, hex: string, keyId: string | undefined, productMudUrl: string | undefined): void {
  const member: Member = { guid: hex, state: d.state, inService: IN_SERVICE.includes(d.state) };
  t.members.set(hex, member);
  t.byGuid.set(hex, member);
  if (d.replacementGuid !== undefined) t.byGuid.set(guidToHex(d.replacementGuid), member);
  const f = t.facts;
  keep(f.examples, hex, MAX_EXAMPLES);
  if (member.inService) {
    f.inService++;
    keep(f.inServiceExamples, hex, MAX_EXAMPLES);
  }
  if (keyId !== undefined) {
    f.withDiCredential++;
    const holders = t.keys.get(keyId);
    if (holders === undefined) t.keys.set(keyId, [hex]);
    else holders.push(hex);
  }
  if (d.mudUrl !== undefined) {
    if (d.mudUrl === productMudUrl) f.mudUrlReported.product++;
    else {
      f.mudUrlReported.other++;
      keep(f.mudUrlReported.otherExamples, hex, MAX_EXAMPLES);
    }
  }
}

function finish(t: Tally): ModelDevices {
  let sharingKey = 0;
  let sharedKeys = 0;
  const sharingExamples: string[][] = [];
  for (const holders of t.keys.values()) {
    if (holders.length < 2) continue;
    sharedKeys++;
    sharingKey += holders.length;
    keep(sharingExamples, holders.slice(0, MAX_EXAMPLES), MAX_EXAMPLES);
  }
  return {
    facts: { total: t.members.size, sharingKey, sharedKeys, sharingExamples, unreadable: t.unreadable, ...t.facts },
    members: t.members,
    byGuid: t.byGuid,
  };
}
