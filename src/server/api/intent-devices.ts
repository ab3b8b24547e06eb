/**
 * The MUD manager through the management API (/api/v1/intent/…): devices and their MUD state,
 * violations and quarantine. Reads come from the store, so every replica answers them; changes go
 * through the manager of this server's `intent` role (the lease holder applies them to nftables).
 */
import { Type } from 'typebox';
import { RECENT_FLOWS } from '../../intent/device-intent.ts';
import { IntentError } from '../../intent/errors.ts';
import { normaliseMac } from '../../intent/ip.ts';
import type { IntentManager } from '../../intent/manager/types.ts';
import { INTENT_ENFORCEMENT_STATES } from '../../store/intent-device-repository.ts';
import { MAX_INTENT_FLOWS_PER_DEVICE } from '../../store/intent-flow-repository.ts';
import { parseViolationKey } from '../../store/intent-violation-repository.ts';
import { actorOf } from './auth.ts';
import {
  deviceView,
  flowView,
  INTENT_DEVICE_SCHEMA,
  INTENT_FLOW_SCHEMA,
  INTENT_QUARANTINE_SCHEMA,
  INTENT_VIOLATION_SCHEMA,
  quarantineView,
  violationView,
} from './intent-views.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { ApiProblem, invalidField } from './problem.ts';
import { type ApiContext, jsonResponse, pageOf, pageQuery, type RouteFactory, route } from './route.ts';

/** Reads: the owner who runs the network and auditors; changes: the owner (admin may do all). */
const READ = ['owner', 'auditor'] as const;
const WRITE = ['owner'] as const;

const MacParams = Type.Object({ mac: Type.String({ maxLength: 17, description: 'MAC address, colons or dashes' }) });
const NewDevice = Type.Object(
  {
    mac: Type.String({ maxLength: 17 }),
    ipv4: Type.Optional(Type.String({ maxLength: 15 })),
    ipv6: Type.Optional(Type.String({ maxLength: 45 })),
    mudUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    guid: Type.Optional(Type.String({ maxLength: 36 })),
    name: Type.Optional(Type.String({ maxLength: 128 })),
    source: Type.Optional(
      Type.Union([Type.Literal('api'), Type.Literal('dhcp'), Type.Literal('lldp'), Type.Literal('fdo'), Type.Literal('x509')]),
    ),
  },
  { additionalProperties: false },
);
const Reason = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
const OptionalReason = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1024 })) }, { additionalProperties: false });
const Flow = Type.Object(
  {
    direction: Type.Union([Type.Literal('from-device'), Type.Literal('to-device')]),
    protocol: Type.Integer({ minimum: 0, maximum: 255, description: 'IP protocol number; 0 when not IP' }),
    peer: Type.String({ minLength: 1, maxLength: 64, description: "the other side's address" }),
    peerPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    localPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    acl: Type.String({ minLength: 1, maxLength: 256, description: 'the ACL the flow fell through' }),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'when it was seen; default now' })),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
  },
  { additionalProperties: false },
);
const Flows = Type.Object({ violations: Type.Array(Flow, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });
const FlowsQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_INTENT_FLOWS_PER_DEVICE,
      description: `at most this many (1–${MAX_INTENT_FLOWS_PER_DEVICE}, default ${RECENT_FLOWS})`,
    }),
  ),
});
const ViolationParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_-]+$', description: 'the `id` of a listed violation' }),
});
const Refresh = Type.Object({ force: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

function macOf(text: string): string {
  const mac = normaliseMac(text);
  if (mac === undefined) throw invalidField('mac', 'not a MAC address');
  return mac;
}

function managerOf(ctx: ApiContext): IntentManager {
  if (ctx.intent === undefined)
    throw new ApiProblem(409, 'ERR_API_INTENT_OFF', 'the intent role does not run on this server (iotopia up --roles …,intent)');
  return ctx.intent;
}

/** The manager's refusals as problems: unknown device 404, refused input 422. */
async function calling<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof IntentError && e.code === 'ERR_INTENT_DEVICE_UNKNOWN') throw new ApiProblem(404, 'ERR_API_NOT_FOUND', e.message);
    if (e instanceof IntentError && e.code === 'ERR_INTENT_DEVICE_INPUT') throw new ApiProblem(422, e.code, e.message, { field: e.where });
    throw e;
  }
}

async function device(ctx: ApiContext, mac: string) {
  const d = await ctx.store.intentDevices.get(mac);
  if (d === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no intent device ${mac}`);
  return d;
}

const page = <T, V>(p: { items: T[]; next?: string }, view: (t: T) => V) => ({
  items: p.items.map(view),
  ...(p.next === undefined ? {} : { next: p.next }),
});

const deviceResponse = { 200: jsonResponse('the device and its MUD state', INTENT_DEVICE_SCHEMA) };

export const intentDeviceRoutes: RouteFactory = (ctx) => [
  route({
    method: 'POST',
    url: '/intent/devices',
    roles: WRITE,
    summary: 'Register or update a device (MAC, addresses, MUD URL); a new or changed MUD URL is fetched and enforced',
    schema: { body: NewDevice },
    openapi: { responses: { ...deviceResponse, 202: { description: 'no MAC known: kept pending by address' } } },
    async handler(request, reply) {
      const b = request.body;
      const d = await calling(() => managerOf(ctx).observe({ ...b, source: b.source ?? 'api' }, actorOf(request)));
      if (d === undefined) return reply.code(202).send();
      return deviceView(d);
    },
  }),
  route({
    method: 'GET',
    url: '/intent/devices',
    roles: READ,
    summary: 'The intent devices, by MAC, with their MUD state; state filters',
    schema: { querystring: pageQuery({ state: Type.Optional(Type.Union(INTENT_ENFORCEMENT_STATES.map((s) => Type.Literal(s)))) }) },
    openapi: { responses: { 200: jsonResponse('a page of devices', pageOf(INTENT_DEVICE_SCHEMA)) } },
    async handler(request) {
      const { state } = request.query;
      const list = () => ctx.store.intentDevices.list({ ...pageRequest(request.query), ...(state === undefined ? {} : { state }) });
      return page(await withCursorCheck(list), deviceView);
    },
  }),
  route({
    method: 'GET',
    url: '/intent/devices/:mac',
    roles: READ,
    summary: 'One device with its MUD state',
    schema: { params: MacParams },
    openapi: { responses: deviceResponse },
    async handler(request) {
      return deviceView(await device(ctx, macOf(request.params.mac)));
    },
  }),
  route({
    method: 'DELETE',
    url: '/intent/devices/:mac',
    roles: WRITE,
    summary: "Remove the device's rules; the record stays, as removed",
    schema: { params: MacParams },
    openapi: { responses: deviceResponse },
    async handler(request) {
      const mac = macOf(request.params.mac);
      return deviceView(await calling(() => managerOf(ctx).remove(mac, actorOf(request))));
    },
  }),
  route({
    method: 'POST',
    url: '/intent/devices/:mac/refresh',
    roles: WRITE,
    summary: 'Refetch the MUD file (force: ignore cache validity and back-off), re-resolve and re-apply',
    // The body is optional: a POST without one forces the refresh.
    schema: { params: MacParams },
    jsonBody: Refresh,
    openapi: { responses: deviceResponse },
    async handler(request) {
      const mac = macOf(request.params.mac);
      const force = (request.body as { force?: boolean } | undefined)?.force ?? true;
      return deviceView(await calling(() => managerOf(ctx).refresh(mac, { force, actor: actorOf(request) })));
    },
  }),
  route({
    method: 'GET',
    url: '/intent/devices/:mac/violations',
    roles: READ,
    summary: "The device's violations: flow, the ACL it fell through, first and last seen, count",
    schema: { params: MacParams, querystring: pageQuery({}) },
    openapi: { responses: { 200: jsonResponse('a page of violations', pageOf(INTENT_VIOLATION_SCHEMA)) } },
    async handler(request) {
      const mac = (await device(ctx, macOf(request.params.mac))).mac;
      return page(await withCursorCheck(() => ctx.store.intentViolations.list({ ...pageRequest(request.query), mac })), violationView);
    },
  }),
  route({
    method: 'GET',
    url: '/intent/devices/:mac/flows',
    roles: READ,
    summary: "The device's recent flows, accepted and dropped, with the rule that decided; the most recently seen first",
    schema: { params: MacParams, querystring: FlowsQuery },
    openapi: {
      responses: {
        200: jsonResponse('the recent flows', {
          type: 'object',
          required: ['items'],
          properties: { items: { type: 'array', items: INTENT_FLOW_SCHEMA } },
        }),
      },
    },
    async handler(request) {
      const mac = (await device(ctx, macOf(request.params.mac))).mac;
      return { items: (await ctx.store.intentFlows.recent(mac, request.query.limit ?? RECENT_FLOWS)).map(flowView) };
    },
  }),
  route({
    method: 'POST',
    url: '/intent/devices/:mac/violations',
    roles: WRITE,
    summary: 'Report violations seen by a flow watcher; past the threshold the device is quarantined',
    schema: { params: MacParams, body: Flows },
    openapi: { responses: deviceResponse },
    async handler(request) {
      const mac = macOf(request.params.mac);
      const now = (ctx.clock ?? (() => new Date()))();
      const flows = request.body.violations.map(({ at, ...f }) => ({ ...f, at: at === undefined ? now : new Date(at) }));
      return deviceView(await calling(() => managerOf(ctx).reportViolations(mac, flows)));
    },
  }),
  route({
    method: 'GET',
    url: '/intent/violations',
    roles: READ,
    summary: 'Every device’s violations',
    schema: { querystring: pageQuery({}) },
    openapi: { responses: { 200: jsonResponse('a page of violations', pageOf(INTENT_VIOLATION_SCHEMA)) } },
    async handler(request) {
      return page(await withCursorCheck(() => ctx.store.intentViolations.list(pageRequest(request.query))), violationView);
    },
  }),
  route({
    method: 'GET',
    url: '/intent/violations/:id',
    roles: READ,
    summary: 'One violation: its flow, the ACL it fell through, first and last seen, count, the device',
    schema: { params: ViolationParams },
    openapi: { responses: { 200: jsonResponse('the violation', INTENT_VIOLATION_SCHEMA) } },
    async handler(request) {
      const key = parseViolationKey(Buffer.from(request.params.id, 'base64url').toString('utf8'));
      const found = key === undefined ? undefined : await ctx.store.intentViolations.get(key);
      if (found === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', 'no such violation (a release clears a device’s violations)');
      return violationView(found);
    },
  }),
  route({
    method: 'POST',
    url: '/intent/devices/:mac/quarantine',
    roles: WRITE,
    summary: 'Move the device to its quarantine policy (one nftables transaction)',
    schema: { params: MacParams, body: Reason },
    openapi: { responses: { 200: jsonResponse('the quarantine action', INTENT_QUARANTINE_SCHEMA) } },
    async handler(request) {
      const mac = macOf(request.params.mac);
      return quarantineView(await calling(() => managerOf(ctx).quarantine(mac, actorOf(request), request.body.reason)));
    },
  }),
  route({
    method: 'POST',
    url: '/intent/devices/:mac/release',
    roles: WRITE,
    summary: 'Take the device out of quarantine, back to its MUD file; its violations are cleared',
    schema: { params: MacParams },
    jsonBody: OptionalReason,
    openapi: { responses: { 200: jsonResponse('the release action', INTENT_QUARANTINE_SCHEMA) } },
    async handler(request) {
      const mac = macOf(request.params.mac);
      const reason = (request.body as { reason?: string } | undefined)?.reason ?? '';
      return quarantineView(await calling(() => managerOf(ctx).release(mac, actorOf(request), reason)));
    },
  }),
  route({
    method: 'GET',
    url: '/intent/quarantine-actions',
    roles: READ,
    summary: 'Quarantine and release actions, oldest first; mac filters',
    schema: { querystring: pageQuery({ mac: Type.Optional(Type.String({ maxLength: 17 })) }) },
    openapi: { responses: { 200: jsonResponse('a page of quarantine actions', pageOf(INTENT_QUARANTINE_SCHEMA)) } },
    async handler(request) {
      const mac = request.query.mac === undefined ? undefined : macOf(request.query.mac);
      const list = () => ctx.store.intentQuarantine.list({ ...pageRequest(request.query), ...(mac === undefined ? {} : { mac }) });
      return page(await withCursorCheck(list), quarantineView);
    },
  }),
];
