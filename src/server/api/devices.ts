/**
 * The owner's devices with where each stands in onboarding: the device record and, beside it, the
 * owner's voucher state and how long its rendezvous registration lasts.
 */

import { Type } from 'typebox';
import { guidToHex } from '../../fdo/types/guid.ts';
import type { DeviceRecord, DeviceState } from '../../store/device-repository.ts';
import { guidParam } from './guid-param.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { ApiProblem } from './problem.ts';
import { type ApiContext, GuidParams, jsonResponse, pageOf, pageQuery, type RouteFactory, ref, route } from './route.ts';

const STATES: readonly DeviceState[] = ['manufactured', 'owned', 'registered', 'onboarded', 'resold'];

async function deviceView(ctx: ApiContext, d: DeviceRecord) {
  const voucher = await ctx.store.vouchers.get('owner', d.guid);
  return {
    guid: guidToHex(d.guid),
    state: d.state,
    ...(d.replacementGuid === undefined ? {} : { replacementGuid: guidToHex(d.replacementGuid) }),
    voucherState: voucher?.state ?? null,
    ...(voucher?.registeredUntil === undefined ? {} : { registeredUntil: voucher.registeredUntil.toISOString() }),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    ...(d.onboardedAt === undefined ? {} : { onboardedAt: d.onboardedAt.toISOString() }),
    ...(d.mudUrl === undefined ? {} : { mudUrl: d.mudUrl }),
    ...(d.sbomUrl === undefined ? {} : { sbomUrl: d.sbomUrl }),
    ...(d.onboardAddress === undefined ? {} : { onboardAddress: d.onboardAddress }),
  };
}

export const DEVICE_SCHEMA = {
  type: 'object',
  required: ['guid', 'state', 'voucherState', 'createdAt', 'updatedAt'],
  properties: {
    guid: { type: 'string' },
    state: { type: 'string', enum: STATES },
    replacementGuid: { type: 'string', description: 'the GUID TO2 gave the device' },
    voucherState: { type: ['string', 'null'], description: "the owner voucher's state, null when this server holds none" },
    registeredUntil: { type: 'string', format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    onboardedAt: { type: 'string', format: 'date-time' },
    mudUrl: { type: 'string', description: 'the MUD URL the device reported in TO2 (iotopia.onboard)' },
    sbomUrl: { type: 'string', description: 'the SBOM URL the device reported in TO2 (iotopia.onboard)' },
    onboardAddress: { type: 'string', description: 'the address its last TO2 came from' },
  },
};

const DeviceQuery = pageQuery({ state: Type.Optional(Type.Enum(STATES)) });

export const deviceRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/devices',
    roles: ['owner'],
    summary: 'List devices with their onboarding state',
    schema: { querystring: DeviceQuery },
    openapi: {
      responses: { 200: jsonResponse('a page of devices', pageOf('Device')) },
    },
    async handler(request) {
      const { state, ...query } = request.query;
      const page = await withCursorCheck(() =>
        ctx.store.devices.list({ ...pageRequest(query), ...(state === undefined ? {} : { state }) }),
      );
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
];
