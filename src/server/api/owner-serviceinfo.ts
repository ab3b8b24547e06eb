/**
 * The owner's ServiceInfo choices over HTTP: the default every device receives in TO2 and, per
 * device, a choice that replaces it. The rules and the stored form live in onboarding/.
 */
import { Type } from 'typebox';
import { guidToHex } from '../../fdo/types/guid.ts';
import {
  DEFAULT_SERVICEINFO,
  deviceServiceInfo,
  serviceInfoFor,
  setServiceInfo,
  storedServiceInfo,
} from '../../onboarding/serviceinfo-choice.ts';
import { ServiceInfoChoice, ServiceInfoEntries } from '../../onboarding/serviceinfo-plans.ts';
import { actorOf } from './auth.ts';
import { guidParam } from './guid-param.ts';
import { ApiProblem } from './problem.ts';
import { GuidParams, jsonResponse, type RouteFactory, route } from './route.ts';

const VIEW_SCHEMA = Type.Object({
  plans: ServiceInfoEntries,
  source: Type.Enum(['device', 'default', 'none'], { description: 'where the plans come from' }),
});

export const ownerServiceInfoRoutes: RouteFactory = (ctx) => {
  const ownedGuid = async (params: { guid: string }) => {
    const guid = guidParam(params);
    const v = await ctx.store.vouchers.get('owner', guid);
    if (v === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `this owner holds no voucher for GUID ${guidToHex(guid)}`);
    return guid;
  };
  const deviceView = async (guid: Uint8Array) => {
    const p = await serviceInfoFor(ctx.store, guid);
    return { plans: p.entries, source: p.source };
  };
  const defaultView = async () => {
    const entries = await storedServiceInfo(ctx.store, DEFAULT_SERVICEINFO);
    return { plans: entries ?? [], source: entries === undefined ? 'none' : 'default' };
  };
  return [
    route({
      method: 'GET',
      url: '/owner/serviceinfo/default',
      roles: ['owner'],
      summary: 'The ServiceInfo every device receives in TO2 unless it has its own',
      openapi: { responses: { 200: jsonResponse('the default plans', VIEW_SCHEMA) } },
      handler: defaultView,
    }),
    route({
      method: 'PUT',
      url: '/owner/serviceinfo/default',
      roles: ['owner'],
      summary: 'Set the default ServiceInfo (devices onboarding from now on receive it)',
      schema: { body: ServiceInfoChoice },
      openapi: { responses: { 200: jsonResponse('the default plans', VIEW_SCHEMA) } },
      async handler(request) {
        await setServiceInfo(ctx.store, actorOf(request), DEFAULT_SERVICEINFO, request.body, ctx.serviceInfoDir);
        return defaultView();
      },
    }),
    route({
      method: 'DELETE',
      url: '/owner/serviceinfo/default',
      roles: ['owner'],
      summary: 'Remove the default ServiceInfo',
      openapi: { responses: { 200: jsonResponse('no default plans', VIEW_SCHEMA) } },
      async handler(request) {
        await setServiceInfo(ctx.store, actorOf(request), DEFAULT_SERVICEINFO, undefined, ctx.serviceInfoDir);
        return defaultView();
      },
    }),
    route({
      method: 'GET',
      url: '/owner/devices/:guid/serviceinfo',
      roles: ['owner'],
      summary: 'The ServiceInfo this device receives in TO2: its own, else the default',
      schema: { params: GuidParams },
      openapi: { responses: { 200: jsonResponse('the plans and where they come from', VIEW_SCHEMA) } },
      async handler(request) {
        return deviceView(await ownedGuid(request.params));
      },
    }),
    route({
      method: 'PUT',
      url: '/owner/devices/:guid/serviceinfo',
      roles: ['owner'],
      summary: 'Set the ServiceInfo for this device, in place of the default',
      schema: { params: GuidParams, body: ServiceInfoChoice },
      openapi: { responses: { 200: jsonResponse('the plans now in force', VIEW_SCHEMA) } },
      async handler(request) {
        const guid = await ownedGuid(request.params);
        await setServiceInfo(ctx.store, actorOf(request), deviceServiceInfo(guid), request.body, ctx.serviceInfoDir);
        return deviceView(guid);
      },
    }),
    route({
      method: 'DELETE',
      url: '/owner/devices/:guid/serviceinfo',
      roles: ['owner'],
      summary: 'Remove the device’s own ServiceInfo; it receives the default again',
      schema: { params: GuidParams },
      openapi: { responses: { 200: jsonResponse('the plans now in force', VIEW_SCHEMA) } },
      async handler(request) {
        const guid = await ownedGuid(request.params);
        await setServiceInfo(ctx.store, actorOf(request), deviceServiceInfo(guid), undefined, ctx.serviceInfoDir);
        return deviceView(guid);
      },
    }),
  ];
};
