import { sql } from 'kysely';
import type {
  ActionChange,
  ActionState,
  CampaignAction,
  CampaignActionType,
  CampaignRecord,
  CampaignRepository,
  CampaignState,
  CampaignWaveSize,
  CampaignWindow,
  InstalledComponent,
  WaveCounts,
} from '../campaign-repository.ts';
import { ERR_STORE_DUPLICATE, StoreError } from '../errors.ts';
import type { CampaignActionsTable, CampaignsTable } from '../schema.ts';
import type { SqlContext } from './context.ts';
import { affected, bytes, date, decodeCursor, paged, pageLimit } from './rows.ts';

type Row<T> = { [K in keyof T]: T[K] extends { __select__: infer S } ? S : unknown };

const campaign = (r: Row<CampaignsTable>): CampaignRecord => ({
  id: r.id as string,
  name: r.name as string,
  releaseId: r.release_id as string,
  ...(r.target_query === null ? {} : { targetQuery: r.target_query as string }),
  ...(r.target_guids === null ? {} : { targetGuids: JSON.parse(r.target_guids as string) as string[] }),
  waves: JSON.parse(r.waves as string) as CampaignWaveSize[],
  actionType: r.action_type as CampaignActionType,
  confirm: Number(r.confirm) === 1,
  ...(r.maintenance_window === null ? {} : { window: JSON.parse(r.maintenance_window as string) as CampaignWindow }),
  errorThreshold: Number(r.error_threshold),
  ...(r.success_threshold === null ? {} : { successThreshold: Number(r.success_threshold) }),
  timeoutSeconds: Number(r.timeout_seconds),
  retries: { attempts: Number(r.retry_attempts), backoffSeconds: Number(r.retry_backoff_seconds) },
  state: r.state as CampaignState,
  currentWave: Number(r.current_wave),
  acknowledgedFailures: Number(r.acknowledged_failures),
  ...(r.reason === null ? {} : { reason: r.reason as string }),
  createdAt: date(r.created_at as number),
  updatedAt: date(r.updated_at as number),
});

const ACTION_COLUMNS = [
  'id',
  'campaign_id',
  'guid',
  'wave',
  'state',
  'attempts',
  'reason',
  'offered_at',
  'not_before',
  'updated_at',
  'report_verified',
  'report_error',
] as const;

const action = (r: Omit<Row<CampaignActionsTable>, 'report'>): CampaignAction => ({
  id: r.id as string,
  campaignId: r.campaign_id as string,
  guid: r.guid as string,
  wave: Number(r.wave),
  state: r.state as ActionState,
  attempts: Number(r.attempts),
  ...(r.reason === null ? {} : { reason: r.reason as string }),
  ...(r.offered_at === null ? {} : { offeredAt: date(r.offered_at as number) }),
  ...(r.not_before === null ? {} : { notBefore: date(r.not_before as number) }),
  updatedAt: date(r.updated_at as number),
  reportVerified: Number(r.report_verified ?? 0) === 1,
  ...(r.report_error == null ? {} : { reportError: r.report_error as string }),
});

/** The columns an action change sets. */
const actionSet = (change: ActionChange, now: number) => ({
  state: change.state,
  updated_at: now,
  ...(change.reason === undefined ? {} : { reason: change.reason }),
  ...(change.report === undefined
    ? {}
    : { report: change.report, report_verified: change.reportVerified === true ? 1 : 0, report_error: null }),
  ...(change.notBefore === undefined ? {} : { not_before: change.notBefore === null ? null : change.notBefore.getTime() }),
  ...(change.attempts === undefined ? {} : { attempts: change.attempts }),
  ...(change.offeredAt === undefined ? {} : { offered_at: change.offeredAt.getTime(), attempts: sql<number>`attempts + 1` }),
});

export function sqlCampaignRepository({ db, clock }: SqlContext): CampaignRepository {
  const get = async (id: string) => {
    const row = await db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : campaign(row);
  };
  const getAction = async (id: string) => {
    const row = await db.selectFrom('campaign_actions').select(ACTION_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : action(row);
  };
  return {
    get,
    getAction,
    async create(c) {
      const now = clock().getTime();
      const res = await db
        .insertInto('campaigns')
        .values({
          id: c.id,
          name: c.name,
          release_id: c.releaseId,
          target_query: c.targetQuery ?? null,
          target_guids: c.targetGuids === undefined ? null : JSON.stringify(c.targetGuids),
          waves: JSON.stringify(c.waves),
          action_type: c.actionType,
          confirm: c.confirm ? 1 : 0,
          maintenance_window: c.window === undefined ? null : JSON.stringify(c.window),
          error_threshold: c.errorThreshold,
          success_threshold: c.successThreshold ?? null,
          timeout_seconds: c.timeoutSeconds,
          retry_attempts: c.retries.attempts,
          retry_backoff_seconds: c.retries.backoffSeconds,
          state: 'draft',
          current_wave: 0,
          acknowledged_failures: 0,
          reason: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (affected(res) === 0) throw new StoreError(ERR_STORE_DUPLICATE, `a campaign ${c.id} exists`);
      const stored = await get(c.id);
      if (stored === undefined) throw new Error('the campaign row vanished');
      return stored;
    },
    async list(request) {
      const limit = pageLimit(request);
      const after = decodeCursor(request?.after);
      let q = db
        .selectFrom('campaigns')
        .selectAll()
        .orderBy('id')
        .limit(limit + 1);
      if (after !== undefined) q = q.where('id', '>', after);
      if (request?.state !== undefined) q = q.where('state', '=', request.state);
      return paged(await q.execute(), limit, campaign, (r) => r.id);
    },
    async update(id, from, change, fromWave) {
      let q = db
        .updateTable('campaigns')
        .set({
          updated_at: clock().getTime(),
          ...(change.state === undefined ? {} : { state: change.state }),
          ...(change.releaseId === undefined ? {} : { release_id: change.releaseId }),
          ...(change.currentWave === undefined ? {} : { current_wave: change.currentWave }),
          ...(change.acknowledgedFailures === undefined ? {} : { acknowledged_failures: change.acknowledgedFailures }),
          ...(change.reason === undefined ? {} : { reason: change.reason }),
        })
        .where('id', '=', id)
        .where('state', 'in', [...from]);
      if (fromWave !== undefined) q = q.where('current_wave', '=', fromWave);
      const r = await q.executeTakeFirst();
      return affected(r) === 0 ? undefined : get(id);
    },
    async addActions(campaignId, actions) {
      const now = clock().getTime();
      for (let i = 0; i < actions.length; i += 200) {
        const rows = actions.slice(i, i + 200).map((a) => ({
          id: a.id,
          campaign_id: campaignId,
          guid: a.guid,
          wave: a.wave,
          state: 'scheduled',
          attempts: 0,
          reason: null,
          report: null,
          report_verified: null,
          report_error: null,
          offered_at: null,
          not_before: null,
          updated_at: now,
        }));
        const res = await db
          .insertInto('campaign_actions')
          .values(rows)
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        if (affected(res) !== rows.length)
          throw new StoreError(ERR_STORE_DUPLICATE, `campaign ${campaignId} has an action for one of these devices`);
      }
    },
    async actions(campaignId, options) {
      let q = db.selectFrom('campaign_actions').select(ACTION_COLUMNS).where('campaign_id', '=', campaignId);
      if (options?.wave !== undefined) q = q.where('wave', '=', options.wave);
      if (options?.states !== undefined) q = q.where('state', 'in', [...options.states]);
      return (await q.orderBy('wave').orderBy('guid').execute()).map(action);
    },
    async listActions(campaignId, request) {
      const limit = pageLimit(request);
      const after = decodeCursor(request?.after);
      let q = db
        .selectFrom('campaign_actions')
        .select(ACTION_COLUMNS)
        .where('campaign_id', '=', campaignId)
        .orderBy('guid')
        .limit(limit + 1);
      if (after !== undefined) q = q.where('guid', '>', after);
      if (request?.state !== undefined) q = q.where('state', '=', request.state);
      if (request?.wave !== undefined) q = q.where('wave', '=', request.wave);
      if (request?.guid !== undefined) q = q.where('guid', '=', request.guid);
      return paged(await q.execute(), limit, action, (r) => r.guid as string);
    },
    async actionsOfDevice(guid, states) {
      const rows = await db
        .selectFrom('campaign_actions')
        .select(ACTION_COLUMNS)
        .where('guid', '=', guid)
        .where('state', 'in', [...states])
        .orderBy('updated_at')
        .orderBy('id')
        .execute();
      return rows.map(action);
    },
    async updateAction(id, from, change, fromAttempts) {
      let q = db
        .updateTable('campaign_actions')
        .set(actionSet(change, clock().getTime()))
        .where('id', '=', id)
        .where('state', 'in', [...from]);
      if (fromAttempts !== undefined) q = q.where('attempts', '=', fromAttempts);
      return affected(await q.executeTakeFirst()) === 0 ? undefined : getAction(id);
    },
    async updateActions(campaignId, filter, change) {
      let q = db
        .updateTable('campaign_actions')
        .set(actionSet(change, clock().getTime()))
        .where('campaign_id', '=', campaignId)
        .where('state', 'in', [...filter.states]);
      if (filter.maxWave !== undefined) q = q.where('wave', '<=', filter.maxWave);
      if (filter.offeredBefore !== undefined) q = q.where('offered_at', '<=', filter.offeredBefore.getTime());
      if (filter.attempts !== undefined) q = q.where('attempts', '=', filter.attempts);
      if (filter.minAttempts !== undefined) q = q.where('attempts', '>=', filter.minAttempts);
      return affected(await q.executeTakeFirst());
    },
    async offeredBefore(campaignId, states, offeredBefore) {
      const rows = await db
        .selectFrom('campaign_actions')
        .select(ACTION_COLUMNS)
        .where('campaign_id', '=', campaignId)
        .where('state', 'in', [...states])
        .where('offered_at', '<=', offeredBefore.getTime())
        .orderBy('offered_at')
        .orderBy('id')
        .execute();
      return rows.map(action);
    },
    async report(id) {
      const row = await db.selectFrom('campaign_actions').select('report').where('id', '=', id).executeTakeFirst();
      return row?.report == null ? undefined : bytes(row.report);
    },
    async setReportError(id, error) {
      const r = await db.updateTable('campaign_actions').set({ report_error: error }).where('id', '=', id).executeTakeFirst();
      return affected(r) > 0;
    },
    async counts(campaignId) {
      const rows = await db
        .selectFrom('campaign_actions')
        .select((eb) => ['wave', 'state', eb.fn.countAll().as('n')])
        .where('campaign_id', '=', campaignId)
        .groupBy(['wave', 'state'])
        .execute();
      const waves = new Map<number, WaveCounts>();
      for (const r of rows) {
        const w = Number(r.wave);
        const entry = waves.get(w) ?? { wave: w, counts: {} };
        entry.counts[r.state as ActionState] = Number(r.n);
        waves.set(w, entry);
      }
      return [...waves.values()].sort((a, b) => a.wave - b.wave);
    },
    async installed(guid) {
      const r = await db.selectFrom('device_installed').selectAll().where('guid', '=', guid).executeTakeFirst();
      if (r === undefined) return undefined;
      return {
        guid: r.guid,
        ...(r.release_id === null ? {} : { releaseId: r.release_id }),
        ...(r.version === null ? {} : { version: r.version }),
        sequenceNumber: Number(r.sequence_number),
        ...(r.components == null ? {} : { components: JSON.parse(r.components) as InstalledComponent[] }),
        ...(r.report_action == null ? {} : { reportAction: r.report_action }),
        updatedAt: date(r.updated_at),
      };
    },
    async setInstalled(r) {
      const values = {
        release_id: r.releaseId ?? null,
        version: r.version ?? null,
        sequence_number: r.sequenceNumber,
        components: r.components === undefined ? null : JSON.stringify(r.components),
        report_action: r.reportAction ?? null,
        updated_at: clock().getTime(),
      };
      await db
        .insertInto('device_installed')
        .values({ guid: r.guid, ...values })
        .onConflict((oc) => oc.column('guid').doUpdateSet(values))
        .execute();
    },
  };
}
