/**
 * What the device page reads beside the device itself: its voucher's chain of owners, its intent
 * records with the MUD policy in plain words, and its update history across campaigns. The
 * device is named by its original GUID or the one TO2 gave it. The rules live in
 * src/onboarding/voucher-chain.ts, src/intent/device-intent.ts and
 * src/lifecycle/campaigns/device-updates.ts; these routes only adapt.
 */
import { Type } from 'typebox';
import { FdoError } from '../../fdo/errors.ts';
import { guidToHex } from '../../fdo/types/guid.ts';
import { type DeviceIntentEntry, deviceIntent, intentMacs } from '../../intent/device-intent.ts';
import { type DeviceUpdate, deviceUpdates } from '../../lifecycle/campaigns/device-updates.ts';
import { operatorOffers } from '../../lifecycle/operator-offers.ts';
import { voucherChain } from '../../onboarding/voucher-chain.ts';
import { MAX_AUDIT_SUBJECTS } from '../../store/audit-log.ts';
import type { DeviceRecord } from '../../store/device-repository.ts';
import { auditView } from './audit.ts';
import { guidParam } from './guid-param.ts';
import {
  flowView,
  INTENT_DEVICE_SCHEMA,
  INTENT_FLOW_SCHEMA,
  INTENT_VIOLATION_SCHEMA,
  deviceView as intentDeviceView,
  violationView,
} from './intent-views.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { ApiProblem } from './problem.ts';
import { type ApiContext, GuidParams, jsonResponse, pageOf, pageQuery, type RouteFactory, route } from './route.ts';

async function deviceOf(ctx: ApiContext, params: { guid: string }): Promise<DeviceRecord> {
  const guid = guidParam(params);
  const d = (await ctx.store.devices.get(guid)) ?? (await ctx.store.devices.getByReplacementGuid(guid));
  if (d === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no device with GUID ${guidToHex(guid)}`);
  return d;
}

const str = { type: 'string' };

const CHAIN_SCHEMA = {
  type: 'object',
  required: ['guid', 'side', 'state', 'deviceInfo', 'links'],
  properties: {
    guid: { type: 'string', description: "the device's original GUID, the one the voucher is kept under" },
    replacement: {
      type: 'object',
      description: 'the voucher TO2 made, when this server keeps it',
      properties: { guid: str, state: str },
    },
    side: { type: 'string', enum: ['manufacturer', 'owner'], description: "which copy was read: the owner's when this server holds one" },
    state: str,
    deviceInfo: str,
    links: {
      type: 'array',
      description: 'manufacturer first, then each entry’s owner key in signing order; the last is the current owner',
      items: {
        type: 'object',
        required: ['role', 'keyType', 'fingerprint', 'current'],
        properties: {
          role: { type: 'string', enum: ['manufacturer', 'owner'] },
          entry: { type: 'integer', description: 'the entry index (absent for the manufacturer)' },
          keyType: str,
          fingerprint: { type: ['string', 'null'], description: 'SHA-256 of the key’s SubjectPublicKeyInfo, hex' },
          current: { type: 'boolean' },
          replacement: { type: 'boolean', description: 'the key of the voucher TO2 made (its header), not of the original voucher' },
        },
      },
    },
  },
};

const INTENT_SCHEMA = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      description: 'one per MAC carrying the device’s GUID, in MAC order',
      items: {
        type: 'object',
        required: ['device', 'flows', 'violations', 'violationTotal'],
        properties: {
          device: INTENT_DEVICE_SCHEMA,
          policy: {
            type: 'object',
            description: 'the last good MUD file in plain words (sentences) and one row per ACE',
            properties: { sentences: { type: 'array', items: str }, rows: { type: 'array', items: { type: 'object' } } },
          },
          flows: {
            type: 'array',
            items: INTENT_FLOW_SCHEMA,
            description: 'the most recent flows, accepted and dropped, last seen first (at most 50)',
          },
          violations: { type: 'array', items: INTENT_VIOLATION_SCHEMA, description: 'the most recent, last seen first (at most 20)' },
          violationTotal: { type: 'integer', description: 'the sum of the counts of all its violations' },
        },
      },
    },
  },
};

const UPDATE_SCHEMA = {
  type: 'object',
  required: ['actionId', 'campaignId', 'state', 'wave', 'attempts', 'reportVerified', 'updatedAt'],
  properties: {
    actionId: str,
    campaignId: str,
    campaignName: str,
    releaseId: str,
    version: { type: 'string', description: 'the release’s version' },
    sequenceNumber: { type: 'integer', description: 'the release manifest’s sequence number' },
    state: str,
    wave: { type: 'integer' },
    attempts: { type: 'integer' },
    reason: str,
    reportVerified: { type: 'boolean', description: 'the SUIT report kept with the action verified' },
    reportError: { type: 'string', description: 'why the last report sent was refused' },
    offeredAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

const intentEntryView = (e: DeviceIntentEntry) => ({
  device: intentDeviceView(e.device),
  ...(e.policy === undefined ? {} : { policy: e.policy }),
  flows: e.flows.map(flowView),
  violations: e.violations.map(violationView),
  violationTotal: e.violationTotal,
});

const updateView = (u: DeviceUpdate) => ({
  actionId: u.action.id,
  campaignId: u.action.campaignId,
  ...(u.campaignName === undefined ? {} : { campaignName: u.campaignName }),
  ...(u.releaseId === undefined ? {} : { releaseId: u.releaseId }),
  ...(u.version === undefined ? {} : { version: u.version }),
  ...(u.sequenceNumber === undefined ? {} : { sequenceNumber: u.sequenceNumber }),
  state: u.action.state,
  wave: u.action.wave,
  attempts: u.action.attempts,
  ...(u.action.reason === undefined ? {} : { reason: u.action.reason }),
  reportVerified: u.action.reportVerified,
  ...(u.action.reportError === undefined ? {} : { reportError: u.action.reportError }),
  ...(u.action.offeredAt === undefined ? {} : { offeredAt: u.action.offeredAt.toISOString() }),
  updatedAt: u.action.updatedAt.toISOString(),
});

const UpdatesQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'at most this many items (1–100, default 20)' })),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$', description: 'the `next` of the previous page' })),
});

export const deviceDetailRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/devices/:guid/state-options',
    roles: ['owner'],
    summary: 'The states an operator may move the device to now (POST /devices/{guid}/state), from the lifecycle transition table',
    schema: { params: GuidParams },
    openapi: {
      responses: {
        200: jsonResponse('the current state and the states offered', {
          type: 'object',
          required: ['state', 'offered'],
          properties: {
            state: str,
            offered: { type: 'array', items: { type: 'string', enum: ['suspended', 'active', 'decommissioned'] } },
          },
        }),
      },
    },
    async handler(request) {
      const d = await deviceOf(ctx, request.params);
      return { state: d.state, offered: operatorOffers(d.state) };
    },
  }),
  route({
    method: 'GET',
    url: '/devices/:guid/voucher-chain',
    roles: ['owner'],
    summary: "The device's voucher as a chain of owners: manufacturer key, then each entry's owner key, the last the current owner",
    schema: { params: GuidParams },
    openapi: { responses: { 200: jsonResponse('the chain', CHAIN_SCHEMA) } },
    async handler(request) {
      const d = await deviceOf(ctx, request.params);
      let chain: Awaited<ReturnType<typeof voucherChain>>;
      try {
        chain = await voucherChain(ctx.store.vouchers, d.guid, d.replacementGuid);
      } catch (e) {
        if (e instanceof FdoError)
          throw new ApiProblem(422, 'ERR_API_VOUCHER_UNREADABLE', `the voucher kept for ${guidToHex(d.guid)} does not read: ${e.message}`, {
            reason: e.code,
          });
        throw e;
      }
      if (chain !== undefined) {
        const { replacement, ...rest } = chain;
        return {
          guid: guidToHex(d.guid),
          ...rest,
          ...(replacement === undefined ? {} : { replacement: { guid: guidToHex(replacement.guid), state: replacement.state } }),
        };
      }
      throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `this server keeps no voucher for device ${guidToHex(d.guid)}`);
    },
  }),
  route({
    method: 'GET',
    url: '/devices/:guid/timeline',
    roles: ['owner', 'auditor'],
    summary: "The device's lifecycle timeline, oldest first: the audit records about its GUIDs and its intent records' MACs",
    schema: { params: GuidParams, querystring: pageQuery({}) },
    openapi: { responses: { 200: jsonResponse('a page of audit records', pageOf('AuditRecord')) } },
    async handler(request) {
      const d = await deviceOf(ctx, request.params);
      const guids = [d.guid, ...(d.replacementGuid === undefined ? [] : [d.replacementGuid])].map(guidToHex);
      const subjects = [...guids, ...(await intentMacs(ctx.store, guids))].slice(0, MAX_AUDIT_SUBJECTS);
      const page = await withCursorCheck(() => ctx.store.audit.list({ ...pageRequest(request.query), subjects }));
      return {
        items: page.items.map(auditView),
        ...(page.next === undefined ? {} : { next: page.next }),
      };
    },
  }),
  route({
    method: 'GET',
    url: '/devices/:guid/intent',
    roles: ['owner', 'auditor'],
    summary: "The device's intent records (by its GUIDs): enforcement state, MUD policy in plain words, recent flows and violations",
    schema: { params: GuidParams },
    openapi: { responses: { 200: jsonResponse('the intent records', INTENT_SCHEMA) } },
    async handler(request) {
      const d = await deviceOf(ctx, request.params);
      const guids = [d.guid, ...(d.replacementGuid === undefined ? [] : [d.replacementGuid])].map(guidToHex);
      return { items: (await deviceIntent(ctx.store, guids)).map(intentEntryView) };
    },
  }),
  route({
    method: 'GET',
    url: '/devices/:guid/updates',
    roles: ['owner'],
    summary: "The device's campaign actions across campaigns, newest first, with the release and the SUIT report's verification",
    schema: { params: GuidParams, querystring: UpdatesQuery },
    openapi: {
      responses: {
        200: jsonResponse('a page of updates', {
          type: 'object',
          required: ['items'],
          properties: { items: { type: 'array', items: UPDATE_SCHEMA }, next: { type: 'string', description: 'present when more follow' } },
        }),
      },
    },
    async handler(request) {
      const d = await deviceOf(ctx, request.params);
      const offset = request.query.cursor === undefined ? 0 : Number(request.query.cursor);
      const page = await deviceUpdates(ctx.store, guidToHex(d.guid), { offset, limit: request.query.limit ?? 20 });
      return { items: page.items.map(updateView), ...(page.next === undefined ? {} : { next: String(page.next) }) };
    },
  }),
];
