/**
 * The devices of a model. A device belongs to the model when the DeviceInfo of its voucher is the
 * model: IoTopia's DI writes the model the device presented into the voucher header, which the
 * device MACs and every voucher entry hashes, so it cannot change later. The model a device reports
 * on the device API is its own claim and decides nothing here.
 *
 * Device records, manufacturer vouchers and owner vouchers are all listed in GUID order, so one
 * pass joins them a page at a time: a fleet of 10,000 devices costs about 30 queries. A record's
 * voucher is the manufacturer's (DI ran here) or else the owner's under the same GUID (the voucher
 * imported before any TO2; later replacements keep its DeviceInfo and certificate chain).
 */
import { guidToHex } from '../../../fdo/types/guid.ts';
import type { DeviceRecord, DeviceState } from '../../../store/device-repository.ts';
import type { VoucherRecord } from '../../../store/voucher-repository.ts';
import type { DeviceFacts } from '../evidence-facts.ts';
import { MAX_EXAMPLES } from '../evidence-facts.ts';
import type { EvidenceStore } from '../evidence-ports.ts';
import { allItems, ascendingLookup, keep, PAGE } from './paged.ts';
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

const voucherKey = (v: VoucherRecord) => guidToHex(v.guid);

export async function collectDevices(store: EvidenceStore, model: string, productMudUrl: string | undefined): Promise<ModelDevices> {
  const manufacturer = ascendingLookup(
    allItems((after) => store.vouchers.list('manufacturer', { limit: PAGE, ...(after === undefined ? {} : { after }) })),
    voucherKey,
  );
  const owner = ascendingLookup(
    allItems((after) => store.vouchers.list('owner', { limit: PAGE, ...(after === undefined ? {} : { after }) })),
    voucherKey,
  );
  const tally = newTally();
  for await (const d of allItems((after) => store.devices.list({ limit: PAGE, ...(after === undefined ? {} : { after }) }))) {
    const hex = guidToHex(d.guid);
    const voucher = (await manufacturer(hex)) ?? (await owner(hex));
    if (voucher === undefined) continue;
    const device = voucherDevice(voucher.voucher);
    if (device === undefined) {
      tally.unreadable++;
      continue;
    }
    if (device.deviceInfo === model) add(tally, d, hex, device.keyId, productMudUrl);
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
