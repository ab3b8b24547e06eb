import {
  DEVICE_LABEL,
  type DeviceGuidLink,
  type DeviceLabelKind,
  type DeviceRecord,
  type DeviceRepository,
  type DeviceState,
  MAX_DEVICE_LABELS,
} from '../device-repository.ts';
import { ERR_STORE_NOT_FOUND, StoreError } from '../errors.ts';
import type { SqlContext } from './context.ts';
import { deviceListQuery, listOrder, positionKey } from './device-list.ts';
import { SELECT_DEVICE_WITH_LABELS, UPSERT_DEVICE } from './device-queries.ts';
import { date, guidBytes, guidHex, optionalDate, paged, pageLimit } from './rows.ts';

interface Row {
  guid: string;
  state: string;
  replacement_guid: string | null;
  created_at: number | string;
  updated_at: number | string;
  onboarded_at: number | string | null;
  mud_url: string | null;
  sbom_url: string | null;
  onboard_address: string | null;
  activated_at: number | string | null;
  last_seen_at: number | string | null;
  last_seen_address: string | null;
  fleet_model: string | null;
  fleet_firmware: string | null;
  intent_state: string | null;
}

interface Labels {
  tags: string[];
  groups: string[];
}

const NO_LABELS: Labels = { tags: [], groups: [] };

function record(r: Row, labels: Labels = NO_LABELS): DeviceRecord {
  const onboardedAt = optionalDate(r.onboarded_at);
  const activatedAt = optionalDate(r.activated_at);
  const lastSeenAt = optionalDate(r.last_seen_at);
  return {
    guid: guidBytes(r.guid),
    state: r.state as DeviceState,
    ...(r.replacement_guid === null ? {} : { replacementGuid: guidBytes(r.replacement_guid) }),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    ...(onboardedAt === undefined ? {} : { onboardedAt }),
    ...(activatedAt === undefined ? {} : { activatedAt }),
    tags: labels.tags,
    groups: labels.groups,
    ...(r.mud_url === null ? {} : { mudUrl: r.mud_url }),
    ...(r.sbom_url === null ? {} : { sbomUrl: r.sbom_url }),
    ...(r.onboard_address === null ? {} : { onboardAddress: r.onboard_address }),
    ...(lastSeenAt === undefined ? {} : { lastSeenAt }),
    ...(r.last_seen_address === null ? {} : { lastSeenAddress: r.last_seen_address }),
    ...(r.fleet_model === null ? {} : { fleetModel: r.fleet_model }),
    ...(r.fleet_firmware === null ? {} : { fleetFirmware: r.fleet_firmware }),
    ...(r.intent_state === null ? {} : { intentState: r.intent_state }),
  };
}

const MAX_LINKS = 1000;

interface LinkRow {
  guid: string;
  device_guid: string;
  ran_with: string;
  created_at: number | string;
}

const link = (r: LinkRow): DeviceGuidLink => ({
  guid: guidBytes(r.guid),
  device: guidBytes(r.device_guid),
  ranWith: guidBytes(r.ran_with),
  createdAt: date(r.created_at),
});

function checkLabels(labels: string[]): string[] {
  const unique = [...new Set(labels)].sort();
  if (unique.length > MAX_DEVICE_LABELS) throw new TypeError(`more than ${MAX_DEVICE_LABELS} labels of one kind`);
  for (const l of unique) if (!DEVICE_LABEL.test(l)) throw new TypeError(`${JSON.stringify(l)} is not a label`);
  return unique;
}

export function sqlDeviceRepository({ db, clock, prepared }: SqlContext): DeviceRepository {
  /** The labels of the devices `guids` (hex), by GUID. */
  async function labelsOf(guids: string[]): Promise<Map<string, Labels>> {
    const out = new Map<string, Labels>();
    if (guids.length === 0) return out;
    const rows = await db.selectFrom('device_labels').selectAll().where('guid', 'in', guids).orderBy('label').execute();
    for (const r of rows) {
      const l = out.get(r.guid) ?? { tags: [], groups: [] };
      (r.kind === 'group' ? l.groups : l.tags).push(r.label);
      out.set(r.guid, l);
    }
    return out;
  }
  const withLabels = async (rows: Row[]): Promise<DeviceRecord[]> => {
    const labels = await labelsOf(rows.map((r) => r.guid));
    return rows.map((r) => record(r, labels.get(r.guid)));
  };
  const one = async (row: Row | undefined) => (row === undefined ? undefined : (await withLabels([row]))[0]);
  const get = async (guid: Uint8Array): Promise<DeviceRecord | undefined> => {
    const { rows } = await prepared.run(db, SELECT_DEVICE_WITH_LABELS, { guid: guidHex(guid) });
    const first = rows[0];
    if (first === undefined) return undefined;
    const labels: Labels = { tags: [], groups: [] };
    for (const r of rows) if (r.label !== null) (r.kind === 'group' ? labels.groups : labels.tags).push(r.label);
    return record(first, labels);
  };
  return {
    async upsert({ guid, state }) {
      const now = clock().getTime();
      await prepared.run(db, UPSERT_DEVICE, { guid: guidHex(guid), state, now, activatedAt: state === 'active' ? now : null });
      if (state === 'active')
        await db
          .updateTable('devices')
          .set({ activated_at: now })
          .where('guid', '=', guidHex(guid))
          .where('activated_at', 'is', null)
          .execute();
    },
    async setLabels(guid, kind: DeviceLabelKind, labels) {
      const wanted = checkLabels(labels);
      const hex = guidHex(guid);
      if ((await db.selectFrom('devices').select('guid').where('guid', '=', hex).executeTakeFirst()) === undefined)
        throw new StoreError(ERR_STORE_NOT_FOUND, `no device ${hex}`);
      await db.deleteFrom('device_labels').where('guid', '=', hex).where('kind', '=', kind).execute();
      if (wanted.length > 0)
        await db
          .insertInto('device_labels')
          .values(wanted.map((label) => ({ guid: hex, kind, label })))
          .execute();
      await db.updateTable('devices').set({ updated_at: clock().getTime() }).where('guid', '=', hex).execute();
      return (await get(guid)) as DeviceRecord;
    },
    get,
    async getByReplacementGuid(replacementGuid) {
      const hex = guidHex(replacementGuid);
      const row = await db
        .selectFrom('devices')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb('replacement_guid', '=', hex),
            eb('guid', 'in', eb.selectFrom('device_guids').select('device_guid').where('device_guids.guid', '=', hex)),
          ]),
        )
        .orderBy('updated_at', 'desc')
        .executeTakeFirst();
      return one(row);
    },
    async getGuidLink(guid) {
      const row = await db.selectFrom('device_guids').selectAll().where('guid', '=', guidHex(guid)).executeTakeFirst();
      return row === undefined ? undefined : link(row);
    },
    async listGuidLinks(guid) {
      const rows = await db
        .selectFrom('device_guids')
        .selectAll()
        .where('device_guid', '=', guidHex(guid))
        .orderBy('created_at')
        .orderBy('guid')
        .limit(MAX_LINKS)
        .execute();
      return rows.map(link);
    },
    async markOnboarded(guid, replacementGuid, info = {}, ranWith = guid) {
      const now = clock().getTime();
      const r = await db
        .updateTable('devices')
        .set({
          state: 'onboarded',
          replacement_guid: guidHex(replacementGuid),
          updated_at: now,
          onboarded_at: now,
          mud_url: info.mudUrl ?? null,
          sbom_url: info.sbomUrl ?? null,
          onboard_address: info.address ?? null,
        })
        .where('guid', '=', guidHex(guid))
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) throw new StoreError(ERR_STORE_NOT_FOUND, `no device ${guidHex(guid)}`);
      if (guidHex(replacementGuid) === guidHex(guid)) return;
      // A GUID given again (Credential Reuse under a replacement GUID) keeps its first link.
      await db
        .insertInto('device_guids')
        .values({ guid: guidHex(replacementGuid), device_guid: guidHex(guid), ran_with: guidHex(ranWith), created_at: now })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
    async recordSightings(sightings) {
      for (const s of sightings) {
        const at = s.at.getTime();
        await db
          .updateTable('devices')
          .set({ last_seen_at: at, last_seen_address: s.address ?? null })
          .where('guid', '=', guidHex(s.guid))
          .where((w) => w.or([w('last_seen_at', 'is', null), w('last_seen_at', '<', at)]))
          .execute();
      }
    },
    async list(page = {}) {
      const limit = pageLimit(page);
      const order = listOrder(page.sort);
      let q = deviceListQuery(db, page, order, limit);
      const before = page.seenBefore?.getTime();
      if (before !== undefined) q = q.where((w) => w.or([w('last_seen_at', 'is', null), w('last_seen_at', '<', before)]));
      if (page.seenSince !== undefined) q = q.where('last_seen_at', '>=', page.seenSince.getTime());
      for (const [kind, label] of [
        ['tag', page.tag],
        ['group', page.group],
      ] as const) {
        if (label === undefined) continue;
        q = q.where('guid', 'in', db.selectFrom('device_labels').select('guid').where('kind', '=', kind).where('label', '=', label));
      }
      const rows = await q.execute();
      const records = new Map((await withLabels(rows.slice(0, limit))).map((d) => [guidHex(d.guid), d]));
      return paged(
        rows,
        limit,
        (r) => records.get(r.guid) as DeviceRecord,
        (r) => positionKey(order, r.sort_key, r.guid),
      );
    },
  };
}
