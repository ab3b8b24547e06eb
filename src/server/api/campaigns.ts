/**
 * Update campaigns over the management API: created (checked against a published release),
 * listed, read with progress counts per wave, its per-device actions listed (and the SUIT report
 * kept with one), started, paused, resumed (optionally with a fixed release), moved to the next
 * wave by hand, cancelled, rolled back (a new campaign). The rules live in src/lifecycle/campaigns;
 * these routes only adapt.
 */
import { Type } from 'typebox';
import { IotopiaError } from '../../errors.ts';
import { campaignActionReport, listCampaignActions } from '../../lifecycle/campaigns/action-views.ts';
import { MAX_CAMPAIGN_NAME, MAX_TARGET_GUIDS } from '../../lifecycle/campaigns/campaign-input.ts';
import { CampaignError, type CampaignErrorCode } from '../../lifecycle/campaigns/errors.ts';
import { MAX_RETRY_ATTEMPTS, MAX_RETRY_BACKOFF_SECONDS } from '../../lifecycle/campaigns/retries.ts';
import { type RollbackRequest, rollbackCampaign } from '../../lifecycle/campaigns/rollback.ts';
import { campaignService } from '../../lifecycle/campaigns/service.ts';
import { MAX_TARGET_QUERY } from '../../lifecycle/campaigns/target.ts';
import { summarizeWaves } from '../../lifecycle/campaigns/wave-summary.ts';
import {
  ACTION_STATES,
  CAMPAIGN_ACTION_TYPES,
  CAMPAIGN_STATES,
  type CampaignAction,
  type CampaignRecord,
  type WaveCounts,
} from '../../store/campaign-repository.ts';
import { actorOf } from './auth.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { ApiProblem } from './problem.ts';
import { type ApiContext, GuidText, jsonResponse, pageOf, pageQuery, route } from './route.ts';

const STATUS: Record<CampaignErrorCode | 'ERR_CAMPAIGN_TARGET' | 'ERR_CAMPAIGN_WAVES' | 'ERR_CAMPAIGN_WINDOW', number> = {
  ERR_CAMPAIGN_INPUT: 400,
  ERR_CAMPAIGN_TARGET: 400,
  ERR_CAMPAIGN_WAVES: 400,
  ERR_CAMPAIGN_WINDOW: 400,
  ERR_CAMPAIGN_DUPLICATE: 409,
  ERR_CAMPAIGN_NOT_FOUND: 404,
  ERR_CAMPAIGN_RELEASE: 422,
  ERR_CAMPAIGN_STATE: 409,
  ERR_CAMPAIGN_NO_TARGETS: 422,
  ERR_CAMPAIGN_ACTION_NOT_FOUND: 404,
  ERR_CAMPAIGN_FEEDBACK: 409,
  ERR_CAMPAIGN_REPORT: 422,
};

/** The service's refusals as problems carrying the lifecycle code (docs/errors-lifecycle.md). */
async function campaignCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CampaignError || (e instanceof IotopiaError && e.code in STATUS))
      throw new ApiProblem(STATUS[e.code as keyof typeof STATUS], e.code, e.message);
    throw e;
  }
}

const campaignView = (c: CampaignRecord, waves?: WaveCounts[]) => ({
  id: c.id,
  name: c.name,
  releaseId: c.releaseId,
  ...(c.targetQuery === undefined ? {} : { targetQuery: c.targetQuery }),
  ...(c.targetGuids === undefined ? {} : { targetGuids: c.targetGuids }),
  waves: c.waves,
  actionType: c.actionType,
  confirm: c.confirm,
  ...(c.window === undefined ? {} : { window: c.window }),
  errorThreshold: c.errorThreshold,
  ...(c.successThreshold === undefined ? {} : { successThreshold: c.successThreshold }),
  timeoutSeconds: c.timeoutSeconds,
  retries: c.retries,
  state: c.state,
  currentWave: c.currentWave,
  ...(c.reason === undefined ? {} : { reason: c.reason }),
  ...(waves === undefined ? {} : { progress: summarizeWaves(waves, c.actionType) }),
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

const CAMPAIGN_SCHEMA = {
  type: 'object',
  required: [
    'id',
    'name',
    'releaseId',
    'waves',
    'actionType',
    'confirm',
    'errorThreshold',
    'timeoutSeconds',
    'retries',
    'state',
    'currentWave',
    'createdAt',
    'updatedAt',
  ],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    releaseId: { type: 'string' },
    targetQuery: { type: 'string' },
    targetGuids: { type: 'array', items: { type: 'string' } },
    waves: { type: 'array', items: { type: 'object' } },
    actionType: { type: 'string', enum: CAMPAIGN_ACTION_TYPES },
    confirm: { type: 'boolean' },
    window: { type: 'object' },
    errorThreshold: { type: 'integer' },
    successThreshold: { type: 'integer', description: 'absent: the next wave is started by hand' },
    timeoutSeconds: { type: 'integer' },
    retries: {
      type: 'object',
      description:
        'a failed or timed-out action is offered again up to `attempts` times, after `backoffSeconds` doubled per attempt (at most an hour)',
      properties: { attempts: { type: 'integer' }, backoffSeconds: { type: 'integer' } },
    },
    state: { type: 'string', enum: CAMPAIGN_STATES },
    currentWave: { type: 'integer', description: 'from 0' },
    reason: { type: 'string' },
    progress: {
      type: 'array',
      items: {
        type: 'object',
        description:
          '{ wave (from 0), counts: { <action state>: n }, summary: { succeeded, failed, pending, cancelled } }: failed counts failed and timed out with no attempt left; in a download-only campaign downloaded is succeeded',
      },
    },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

const actionView = (a: CampaignAction) => ({
  id: a.id,
  guid: a.guid,
  wave: a.wave,
  state: a.state,
  attempts: a.attempts,
  ...(a.reason === undefined ? {} : { reason: a.reason }),
  reportVerified: a.reportVerified,
  ...(a.reportError === undefined ? {} : { reportError: a.reportError }),
  ...(a.offeredAt === undefined ? {} : { offeredAt: a.offeredAt.toISOString() }),
  ...(a.notBefore === undefined ? {} : { notBefore: a.notBefore.toISOString() }),
  updatedAt: a.updatedAt.toISOString(),
});

const ACTION_SCHEMA = {
  type: 'object',
  required: ['id', 'guid', 'wave', 'state', 'attempts', 'reportVerified', 'updatedAt'],
  properties: {
    id: { type: 'string', description: 'the action id the device API names' },
    guid: { type: 'string', description: 'the device GUID, 32 hex digits' },
    wave: { type: 'integer', description: 'from 0' },
    state: { type: 'string', enum: ACTION_STATES },
    attempts: { type: 'integer', description: 'how often the action was offered' },
    reason: { type: 'string', description: 'why it failed, was cancelled or timed out, as the device or the engine said' },
    reportVerified: { type: 'boolean', description: 'the SUIT report kept with the action verified (device key, offered manifest)' },
    reportError: { type: 'string', description: 'why the last report the device sent was refused; the action kept its state' },
    offeredAt: { type: 'string', format: 'date-time', description: 'the last offer' },
    notBefore: { type: 'string', format: 'date-time', description: 'a rescheduled action is not offered before this time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

const WaveSize = Type.Union([
  Type.Object({ count: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  Type.Object({ percent: Type.Number({ exclusiveMinimum: 0, maximum: 100 }) }, { additionalProperties: false }),
]);
const NewCampaign = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: MAX_CAMPAIGN_NAME }),
    releaseId: Type.String({ pattern: '^[0-9a-f-]{36}$' }),
    targetQuery: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_TARGET_QUERY })),
    targetGuids: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9a-f]{32}$' }), { minItems: 1, maxItems: MAX_TARGET_GUIDS })),
    waves: Type.Array(WaveSize, { minItems: 1, maxItems: 64 }),
    actionType: Type.Optional(Type.Enum(CAMPAIGN_ACTION_TYPES)),
    confirm: Type.Optional(Type.Boolean()),
    window: Type.Optional(
      Type.Object(
        {
          cron: Type.String({ minLength: 1, maxLength: 256 }),
          minutes: Type.Integer({ minimum: 1 }),
          timeZone: Type.Optional(Type.String({ maxLength: 64 })),
        },
        { additionalProperties: false },
      ),
    ),
    errorThreshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    successThreshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
    retries: Type.Optional(
      Type.Object(
        {
          attempts: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_RETRY_ATTEMPTS })),
          backoffSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RETRY_BACKOFF_SECONDS })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });
const CampaignQuery = pageQuery({ state: Type.Optional(Type.Enum(CAMPAIGN_STATES)) });
const ActionQuery = pageQuery({
  state: Type.Optional(Type.Enum(ACTION_STATES)),
  wave: Type.Optional(Type.Integer({ minimum: 0, maximum: 63, description: 'from 0' })),
  guid: Type.Optional(GuidText),
});
const ActionParams = Type.Object({
  id: Type.String({ pattern: '^[0-9a-f-]{36}$' }),
  actionId: Type.String({ pattern: '^[0-9a-f-]{36}$' }),
});
const COSE = 'application/cose';
const Reason = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })) }, { additionalProperties: false });

const ResumeBody = Type.Object(
  {
    releaseId: Type.Optional(Type.String({ pattern: '^[0-9a-f-]{36}$' })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
const RollbackBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_CAMPAIGN_NAME })),
    waves: Type.Optional(Type.Array(WaveSize, { minItems: 1, maxItems: 64 })),
    start: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const ROLLBACK_SCHEMA = {
  type: 'object',
  required: ['campaign', 'release'],
  properties: {
    campaign: CAMPAIGN_SCHEMA,
    release: {
      type: 'object',
      description: 'the release built for the rollback: the previous release’s payloads, a higher sequence number',
      properties: { id: { type: 'string' }, version: { type: 'string' }, sequenceNumber: { type: 'integer' } },
    },
  },
};

const OPERATIONS = ['start', 'pause', 'next-wave', 'cancel'] as const;

export function campaignApiRoutes(ctx: ApiContext) {
  const campaignCtx = { store: ctx.store, ...(ctx.clock === undefined ? {} : { clock: ctx.clock }) };
  const svc = campaignService(campaignCtx);
  const operate = (op: (typeof OPERATIONS)[number], id: string, actor: string, reason?: string) => {
    if (op === 'start') return svc.start(id, actor);
    if (op === 'pause') return svc.pause(id, actor, reason);
    if (op === 'next-wave') return svc.nextWave(id, actor);
    return svc.cancel(id, actor, reason);
  };
  return [
    route({
      method: 'POST',
      url: '/campaigns',
      roles: ['owner'],
      summary: 'Create a campaign (draft) of a published release, targeting a query or a list of GUIDs',
      schema: { body: NewCampaign },
      openapi: { responses: { 201: jsonResponse('the campaign', CAMPAIGN_SCHEMA) } },
      async handler(request, reply) {
        const made = await campaignCall(() => svc.create(request.body, actorOf(request)));
        return reply.code(201).send(campaignView(made));
      },
    }),
    route({
      method: 'GET',
      url: '/campaigns',
      roles: ['owner'],
      summary: 'List campaigns; state filters',
      schema: { querystring: CampaignQuery },
      openapi: { responses: { 200: jsonResponse('a page of campaigns', pageOf(CAMPAIGN_SCHEMA)) } },
      async handler(request) {
        const { state, ...query } = request.query;
        const page = await withCursorCheck(() => svc.list({ ...pageRequest(query), ...(state === undefined ? {} : { state }) }));
        return { items: page.items.map((c) => campaignView(c)), ...(page.next === undefined ? {} : { next: page.next }) };
      },
    }),
    route({
      method: 'GET',
      url: '/campaigns/:id',
      roles: ['owner'],
      summary: 'One campaign with its progress: action counts per wave and state',
      schema: { params: IdParams },
      openapi: { responses: { 200: jsonResponse('the campaign', CAMPAIGN_SCHEMA) } },
      async handler(request) {
        const p = await campaignCall(() => svc.get(request.params.id));
        return campaignView(p.campaign, p.waves);
      },
    }),
    route({
      method: 'GET',
      url: '/campaigns/:id/actions',
      roles: ['owner'],
      summary: "A page of the campaign's per-device actions, by GUID; state, wave and guid filter",
      schema: { params: IdParams, querystring: ActionQuery },
      openapi: { responses: { 200: jsonResponse('a page of actions', pageOf(ACTION_SCHEMA)) } },
      async handler(request) {
        const { state, wave, guid, ...query } = request.query;
        const filters = {
          ...(state === undefined ? {} : { state }),
          ...(wave === undefined ? {} : { wave }),
          ...(guid === undefined ? {} : { guid: guid.replaceAll('-', '').toLowerCase() }),
        };
        const page = await withCursorCheck(() =>
          campaignCall(() => listCampaignActions(campaignCtx, request.params.id, { ...pageRequest(query), ...filters })),
        );
        return { items: page.items.map(actionView), ...(page.next === undefined ? {} : { next: page.next }) };
      },
    }),
    route({
      method: 'GET',
      url: '/campaigns/:id/actions/:actionId/report',
      roles: ['owner'],
      summary: `The SUIT report the device sent for the action, as kept (${COSE}); 404 when it sent none`,
      schema: { params: ActionParams },
      openapi: {
        responses: { 200: { description: 'the report', content: { [COSE]: { schema: { type: 'string', contentEncoding: 'binary' } } } } },
      },
      async handler(request, reply) {
        const { id, actionId } = request.params;
        const report = await campaignCall(() => campaignActionReport(campaignCtx, id, actionId));
        return reply.type(COSE).send(Buffer.from(report));
      },
    }),
    route({
      method: 'POST',
      url: '/campaigns/:id/resume',
      roles: ['owner'],
      summary:
        'Resume a paused campaign; with releaseId (published, same model, higher sequence number) it moves to that release and offers its failed and timed-out actions again',
      schema: { params: IdParams, body: Type.Optional(ResumeBody) },
      openapi: { responses: { 200: jsonResponse('the campaign', CAMPAIGN_SCHEMA) } },
      async handler(request) {
        const body = (request.body ?? {}) as { releaseId?: string; reason?: string };
        return campaignView(await campaignCall(() => svc.resume(request.params.id, actorOf(request), body)));
      },
    }),
    route({
      method: 'POST',
      url: '/campaigns/:id/rollback',
      roles: ['owner'],
      summary:
        'Create a campaign (draft unless start) bringing the devices this campaign updated back to the previous published release, rebuilt with a higher sequence number',
      schema: { params: IdParams, body: Type.Optional(RollbackBody) },
      openapi: { responses: { 201: jsonResponse('the rollback campaign and release', ROLLBACK_SCHEMA) } },
      async handler(request, reply) {
        if (ctx.releases === undefined)
          throw new ApiProblem(404, 'ERR_API_NOT_FOUND', 'this server keeps no releases (it plays no owner role)');
        const deps = ctx.releases.releases;
        const body = (request.body ?? {}) as RollbackRequest;
        const made = await campaignCall(() => rollbackCampaign(campaignCtx, deps, request.params.id, body, actorOf(request)));
        const { id, version, sequenceNumber } = made.release;
        return reply.code(201).send({ campaign: campaignView(made.campaign), release: { id, version, sequenceNumber } });
      },
    }),
    ...OPERATIONS.map((op) =>
      route({
        method: 'POST',
        url: `/campaigns/:id/${op}`,
        roles: ['owner'],
        summary: `${op[0]?.toUpperCase()}${op.slice(1).replace('-', ' ')} a campaign; 409 ERR_CAMPAIGN_STATE when its state does not allow it`,
        schema: { params: IdParams, body: Type.Optional(Reason) },
        openapi: { responses: { 200: jsonResponse('the campaign', CAMPAIGN_SCHEMA) } },
        async handler(request) {
          const reason = (request.body as { reason?: string } | undefined)?.reason;
          return campaignView(await campaignCall(() => operate(op, request.params.id, actorOf(request), reason)));
        },
      }),
    ),
  ];
}
