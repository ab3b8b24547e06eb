/**
 * The device registry over the management API: each device record with its lifecycle state,
 * labels and, beside it, the owner's voucher state, how long its rendezvous registration lasts and
 * its product with its support period; operators change the state (suspend, resume, decommission)
 * and the labels. The rules live in src/lifecycle/registry.ts and src/compliance/products; these
 * routes only adapt.
 */

import { Type } from 'typebox';
import { IotopiaError } from '../../errors.ts';
import { guidFromText, guidToHex } from '../../fdo/types/guid.ts';
import { type DeviceFirmware, deviceProfile } from '../../lifecycle/device-profile.ts';
import { DEVICE_STATES } from '../../lifecycle/device-states.ts';
import { type DeviceRegistry, deviceRegistry, MAX_REASON_LENGTH, OPERATOR_STATES } from '../../lifecycle/registry.ts';
import {
  DEVICE_LABEL,
  DEVICE_SORTS,
  type DeviceLabelKind,
  type DeviceRecord,
  MAX_DEVICE_LABELS,
  MAX_DEVICE_SEARCH,
} from '../../store/device-repository.ts';
import { INTENT_ENFORCEMENT_STATES } from '../../store/intent-device-repository.ts';
import { actorOf } from './auth.ts';
import { guidParam } from './guid-param.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { ApiProblem } from './problem.ts';
import { type ApiContext, GuidParams, jsonResponse, pageOf, pageQuery, type RouteFactory, ref, route } from './route.ts';

const STATES = DEVICE_STATES;
const Label = Type.String({ pattern: DEVICE_LABEL.source, maxLength: 64 });
const Labels = Type.Array(Label, { maxItems: MAX_DEVICE_LABELS });
const LabelChange = Type.Object({ add: Type.Optional(Labels), remove: Type.Optional(Labels) }, { additionalProperties: false });
const StateChange = Type.Object(
  { state: Type.Enum(OPERATOR_STATES), reason: Type.String({ minLength: 1, maxLength: MAX_REASON_LENGTH }) },
  { additionalProperties: false },
);

/** The registry's refusals as problems: 404 for an unknown device, 409 for a refused transition. */
async function registryCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof IotopiaError)) throw e;
    if (e.code === 'ERR_DEVICE_NOT_FOUND') throw new ApiProblem(404, 'ERR_API_NOT_FOUND', e.message);
    if (e.code === 'ERR_DEVICE_TRANSITION') throw new ApiProblem(409, 'ERR_API_DEVICE_TRANSITION', e.message);
    if (e.code === 'ERR_DEVICE_LABEL' || e.code === 'ERR_DEVICE_REASON') throw new ApiProblem(400, 'ERR_API_VALIDATION', e.message);
    throw e;
  }
}

function registryOf(ctx: ApiContext): DeviceRegistry {
  const intent = ctx.intent;
  const credentials = ctx.deviceCredentials;
  return deviceRegistry({
    store: ctx.store,
    async onDecommissioned(guid, actor) {
      // Both pillars let go, even when one of them fails; the first failure is logged by the registry.
      const done = await Promise.allSettled([credentials?.revoke(guidFromText(guid)), intent?.decommission(guid, actor)]);
      const failed = done.find((r) => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
  });
}

const firmwareView = (f: DeviceFirmware) => ({ ...f, installedAt: f.installedAt.toISOString() });

async function deviceView(ctx: ApiContext, d: DeviceRecord) {
  const [voucher, profile, product] = await Promise.all([
    ctx.store.vouchers.get('owner', d.guid),
    deviceProfile(ctx.store, d.guid),
    ctx.products?.ofDevice(d.guid),
  ]);
  return {
    guid: guidToHex(d.guid),
    state: d.state,
    ...(d.replacementGuid === undefined ? {} : { replacementGuid: guidToHex(d.replacementGuid) }),
    voucherState: voucher?.state ?? null,
    ...(voucher?.registeredUntil === undefined ? {} : { registeredUntil: voucher.registeredUntil.toISOString() }),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    ...(d.onboardedAt === undefined ? {} : { onboardedAt: d.onboardedAt.toISOString() }),
    ...(d.activatedAt === undefined ? {} : { activatedAt: d.activatedAt.toISOString() }),
    tags: d.tags,
    groups: d.groups,
    ...(d.mudUrl === undefined ? {} : { mudUrl: d.mudUrl }),
    ...(d.sbomUrl === undefined ? {} : { sbomUrl: d.sbomUrl }),
    ...(d.onboardAddress === undefined ? {} : { onboardAddress: d.onboardAddress }),
    ...(profile.model === undefined ? {} : { model: profile.model }),
    ...(profile.manufacturer === undefined ? {} : { manufacturer: profile.manufacturer }),
    ...(profile.serial === undefined ? {} : { serial: profile.serial }),
    ...(profile.firmware === undefined ? {} : { firmware: firmwareView(profile.firmware) }),
    ...(d.lastSeenAt === undefined ? {} : { lastSeenAt: d.lastSeenAt.toISOString() }),
    ...(d.lastSeenAddress === undefined ? {} : { lastSeenAddress: d.lastSeenAddress }),
    ...(product === undefined ? {} : { product }),
    ...(d.fleetModel === undefined ? {} : { fleetModel: d.fleetModel }),
    ...(d.intentState === undefined ? {} : { intentState: d.intentState }),
  };
}

const FIRMWARE_SCHEMA = {
  type: 'object',
  description: 'what the last verified SUIT report proved installed (values from the manifest)',
  required: ['sequenceNumber', 'components', 'installedAt'],
  properties: {
    releaseId: { type: 'string' },
    version: { type: 'string' },
    sequenceNumber: { type: 'integer', description: "the manifest's sequence number" },
    reportAction: { type: 'string', description: 'the campaign action whose verified report proved it' },
    installedAt: { type: 'string', format: 'date-time' },
    components: {
      type: 'array',
      items: {
        type: 'object',
        required: ['componentId', 'digest'],
        properties: {
          componentId: { type: 'array', items: { type: 'string' }, description: 'SUIT component identifier, each segment hex' },
          name: { type: 'string', description: "the component's name in its release" },
          digest: {
            type: 'object',
            required: ['algorithm', 'hex'],
            properties: { algorithm: { type: 'string' }, hex: { type: 'string' } },
          },
        },
      },
    },
  },
};

const PRODUCT_SCHEMA = {
  type: 'object',
  description: "the product of the device's model, the DeviceInfo DI wrote into its voucher; absent when that model is no product",
  required: ['model', 'outOfSupport'],
  properties: {
    model: { type: 'string' },
    supportEnd: { type: 'string', format: 'date', description: 'the last day of its defined support period' },
    outOfSupport: { type: 'boolean', description: 'whether that day has passed (UTC)' },
  },
};

export const DEVICE_SCHEMA = {
  type: 'object',
  required: ['guid', 'state', 'voucherState', 'createdAt', 'updatedAt', 'tags', 'groups'],
  properties: {
    guid: { type: 'string' },
    state: { type: 'string', enum: STATES },
    replacementGuid: { type: 'string', description: 'the GUID TO2 gave the device' },
    voucherState: { type: ['string', 'null'], description: "the owner voucher's state, null when this server holds none" },
    registeredUntil: { type: 'string', format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    onboardedAt: { type: 'string', format: 'date-time' },
    activatedAt: { type: 'string', format: 'date-time', description: 'its first contact on the device API' },
    tags: { type: 'array', items: { type: 'string' } },
    groups: { type: 'array', items: { type: 'string' } },
    mudUrl: { type: 'string', description: 'the MUD URL the device reported in TO2 (iotopia.onboard)' },
    sbomUrl: { type: 'string', description: 'the SBOM URL the device reported in TO2 (iotopia.onboard)' },
    onboardAddress: { type: 'string', description: 'the address its last TO2 came from' },
    model: { type: 'string', description: 'as the device reports it (PUT /device/v1/config)' },
    manufacturer: { type: 'string', description: 'as the device reports it (PUT /device/v1/config)' },
    serial: { type: 'string', description: 'as the device reports it (PUT /device/v1/config)' },
    firmware: FIRMWARE_SCHEMA,
    lastSeenAt: {
      type: 'string',
      format: 'date-time',
      description: 'when it last reached the device API (recorded at most once a minute, written within seconds)',
    },
    lastSeenAddress: { type: 'string', description: 'the address it last reached the device API from' },
    product: PRODUCT_SCHEMA,
    fleetModel: {
      type: 'string',
      description: "the model the device list filters and sorts by: its voucher's DeviceInfo (what DI recorded), else the model it reports",
    },
    intentState: {
      type: 'string',
      description:
        "the intent pillar's enforcement state for it (a quarantine first, else its latest intent record); absent when the intent pillar does not know it",
    },
  },
};

const DeviceQuery = pageQuery({
  state: Type.Optional(Type.Enum(STATES)),
  tag: Type.Optional(Label),
  group: Type.Optional(Label),
  seenBefore: Type.Optional(Type.String({ format: 'date-time', description: 'devices last seen before this time, or never' })),
  seenSince: Type.Optional(Type.String({ format: 'date-time', description: 'devices last seen at this time or later' })),
  q: Type.Optional(
    Type.String({
      maxLength: MAX_DEVICE_SEARCH,
      description: 'a GUID or its start (dashes ignored; the GUID TO2 gave counts too), a part of the model, or a whole tag or group',
    }),
  ),
  model: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'exactly this model (fleetModel)' })),
  firmware: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'exactly this verified firmware version' })),
  intent: Type.Optional(Type.Enum([...INTENT_ENFORCEMENT_STATES, 'none'], { description: 'this intent state, or none' })),
  sort: Type.Optional(
    Type.Enum(DEVICE_SORTS, {
      description: 'the order: a key then the GUID, `-` for descending (default guid); the cursor belongs to the order',
    }),
  ),
});

function labelRoute(ctx: ApiContext, kind: DeviceLabelKind) {
  return route({
    method: 'POST',
    url: `/devices/:guid/${kind}s`,
    roles: ['owner'],
    summary: `Add and remove the device's ${kind}s`,
    schema: { params: GuidParams, body: LabelChange },
    openapi: { responses: { 200: jsonResponse('the device', ref('Device')) } },
    async handler(request) {
      const guid = guidParam(request.params);
      const d = await registryCall(() => registryOf(ctx).label(guid, kind, request.body, actorOf(request)));
      return deviceView(ctx, d);
    },
  });
}

export const deviceRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/devices',
    roles: ['owner'],
    summary: 'List devices with their lifecycle state; search, state, tag, group, model, firmware, intent and last-seen filters; sorted',
    schema: { querystring: DeviceQuery },
    openapi: {
      responses: { 200: jsonResponse('a page of devices', pageOf('Device')) },
    },
    async handler(request) {
      const { state, tag, group, seenBefore, seenSince, q, model, firmware, intent, sort, ...query } = request.query;
      const filters = {
        ...(q === undefined ? {} : { q }),
        ...(model === undefined ? {} : { model }),
        ...(firmware === undefined ? {} : { firmware }),
        ...(intent === undefined ? {} : { intent }),
        ...(sort === undefined ? {} : { sort }),
        ...(state === undefined ? {} : { state }),
        ...(tag === undefined ? {} : { tag }),
        ...(group === undefined ? {} : { group }),
        ...(seenBefore === undefined ? {} : { seenBefore: new Date(seenBefore) }),
        ...(seenSince === undefined ? {} : { seenSince: new Date(seenSince) }),
      };
      const page = await withCursorCheck(() => ctx.store.devices.list({ ...pageRequest(query), ...filters }));
      const items = [];
      for (const d of page.items) items.push(await deviceView(ctx, d));
      return { items, ...(page.next === undefined ? {} : { next: page.next }) };
    },
  }),
  route({
    method: 'GET',
    url: '/devices/:guid',
    roles: ['owner'],
    summary: 'One device, by its original GUID or the one TO2 gave it',
    schema: { params: GuidParams },
    openapi: { responses: { 200: jsonResponse('the device', ref('Device')) } },
    async handler(request) {
      const guid = guidParam(request.params);
      const d = (await ctx.store.devices.get(guid)) ?? (await ctx.store.devices.getByReplacementGuid(guid));
      if (d === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no device with GUID ${guidToHex(guid)}`);
      return deviceView(ctx, d);
    },
  }),
  route({
    method: 'POST',
    url: '/devices/:guid/state',
    roles: ['owner'],
    summary: 'Suspend, resume (active) or decommission the device, with a reason; a refused change is 409',
    schema: { params: GuidParams, body: StateChange },
    openapi: { responses: { 200: jsonResponse('the device', ref('Device')) } },
    async handler(request) {
      const guid = guidParam(request.params);
      const { state, reason } = request.body;
      const d = await registryCall(() => registryOf(ctx).setState(guid, state, actorOf(request), reason));
      return deviceView(ctx, d);
    },
  }),
  labelRoute(ctx, 'tag'),
  labelRoute(ctx, 'group'),
];
