/** The device repository's hot queries, precompiled (prepared-query.ts). */
import { preparedQuery } from './prepared-query.ts';

/** The device with its labels in one query (a poll reads it): one row per label, or one without. */
export const SELECT_DEVICE_WITH_LABELS = preparedQuery((db, p: { guid: string }) =>
  db
    .selectFrom('devices')
    .leftJoin('device_labels', 'device_labels.guid', 'devices.guid')
    .selectAll('devices')
    .select(['device_labels.kind', 'device_labels.label'])
    .where('devices.guid', '=', p.guid)
    .orderBy('device_labels.label'),
);

/** A new device in `state`, or an existing one moved to it (`activatedAt` only counts for a new row). */
export const UPSERT_DEVICE = preparedQuery((db, p: { guid: string; state: string; now: number; activatedAt: number | null }) =>
  db
    .insertInto('devices')
    .values({
      guid: p.guid,
      state: p.state,
      replacement_guid: null,
      created_at: p.now,
      updated_at: p.now,
      onboarded_at: null,
      activated_at: p.activatedAt,
    })
    .onConflict((oc) => oc.column('guid').doUpdateSet({ state: p.state, updated_at: p.now })),
);
