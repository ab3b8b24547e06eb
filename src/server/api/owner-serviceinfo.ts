/**
 * Which ServiceInfo each device receives in TO2: a default for every device and, per device, a
 * choice that replaces it. Stored under owner/serviceinfo-default and owner.serviceinfo/<GUID hex>.
 */
import type { FastifyRequest } from 'fastify';
import type { To2OwnerPolicy } from '../../fdo/protocol/to2-ports.ts';
import { guidToHex } from '../../fdo/types/guid.ts';
import { OwnerServiceInfoError, ownerServiceInfoPorts } from '../../onboarding/serviceinfo-files.ts';
import {
  auditSummary,
  fileRef,
  parseServiceInfoBody,
  parseServiceInfoEntries,
  type ServiceInfoEntry,
  toOwnerPlans,
} from '../../onboarding/serviceinfo-plans.ts';
import type { Store } from '../../store/store.ts';
import { guidParam } from './guid-param.ts';
import { changeSetting, OWNER_SCOPE, OWNER_SERVICEINFO_SCOPE, OwnerSettingKey } from './owner-settings.ts';
import { ApiProblem, invalidField } from './problem.ts';
import { type ApiContext, guidParameter, jsonResponse, type RouteFactory } from './route.ts';

const ENTRY_SCHEMA = {
  type: 'object',
  required: ['module'],
  description:
    'one module invocation. fdo.download: name and exactly one of data (base64) or file (path in the ServiceInfo directory); ' +
    'fdo.command: command, args, mayFail, returnStdout, returnStderr; fdo.wget: url, name, sha384 (hex), length; ' +
    'fdo.upload: name (the device file; stored as <upload dir>/<GUID>/<base name>). Every entry: required (default true).',
  properties: {
    module: { type: 'string', enum: ['fdo.download', 'fdo.command', 'fdo.wget', 'fdo.upload'] },
    required: { type: 'boolean' },
    name: { type: 'string' },
    data: { type: 'string', contentEncoding: 'base64' },
    file: { type: 'string' },
    command: { type: 'string' },
    args: { type: 'array', items: { type: 'string' } },
    mayFail: { type: 'boolean' },
    returnStdout: { type: 'boolean' },
    returnStderr: { type: 'boolean' },
    url: { type: 'string', format: 'uri' },
    sha384: { type: 'string', pattern: '^[0-9a-fA-F]{96}$' },
    length: { type: 'integer', minimum: 0 },
  },
};
const BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['plans'],
  properties: { plans: { type: 'array', maxItems: 64, items: ENTRY_SCHEMA } },
};
const VIEW_SCHEMA = {
  type: 'object',
  required: ['plans', 'source'],
  properties: {
    plans: BODY_SCHEMA.properties.plans,
    source: { type: 'string', enum: ['device', 'default', 'none'], description: 'where the plans come from' },
  },
};

type Source = 'device' | 'default' | 'none';

async function stored(store: Store, scope: string, key: string): Promise<ServiceInfoEntry[] | undefined> {
  const value = (await store.settings.get(scope, key)) as { plans?: unknown } | undefined;
  return value === undefined ? undefined : parseServiceInfoEntries(value.plans, `${scope}/${key}`);
}

/** The plans a device receives and where they come from: its own choice, else the default. */
async function planFor(
  store: Store,
  guid: Uint8Array,
): Promise<{ entries: ServiceInfoEntry[]; source: Source; scope: string; key: string }> {
  const key = guidToHex(guid);
  const own = await stored(store, OWNER_SERVICEINFO_SCOPE, key);
  if (own !== undefined) return { entries: own, source: 'device', scope: OWNER_SERVICEINFO_SCOPE, key };
  const fallback = await stored(store, OWNER_SCOPE, OwnerSettingKey.serviceInfoDefault);
  return {
    entries: fallback ?? [],
    source: fallback === undefined ? 'none' : 'default',
    scope: OWNER_SCOPE,
    key: OwnerSettingKey.serviceInfoDefault,
  };
}

/** TO2's `serviceInfoPlans`: read at each onboarding, so a change applies to the next device. */
export function storedServiceInfoPlans(store: Store): NonNullable<To2OwnerPolicy['serviceInfoPlans']> {
  return async (guid) => {
    const p = await planFor(store, guid);
    return toOwnerPlans(p.entries, { scope: p.scope, key: p.key, guid });
  };
}

/** Files named by download entries must exist in the ServiceInfo directory when they are chosen. */
async function checkFiles(ctx: ApiContext, entries: readonly ServiceInfoEntry[]): Promise<void> {
  const ports = ownerServiceInfoPorts({
    store: ctx.store,
    uploadDir: '',
    ...(ctx.serviceInfoDir === undefined ? {} : { serviceInfoDir: ctx.serviceInfoDir }),
  });
  for (const [i, e] of entries.entries()) {
    if (e.module !== 'fdo.download' || !('file' in e)) continue;
    try {
      await ports.downloadSource?.size(fileRef(e.file));
    } catch (error) {
      if (error instanceof OwnerServiceInfoError) throw invalidField(`plans[${i}].file`, error.message);
      throw error;
    }
  }
}

export const ownerServiceInfoRoutes: RouteFactory = (ctx) => {
  const put = async (request: FastifyRequest, scope: string, key: string) => {
    const entries = parseServiceInfoBody(request.body);
    await checkFiles(ctx, entries);
    await changeSetting(ctx.store, request, {
      scope,
      key,
      action: 'owner.serviceinfo',
      value: { plans: entries },
      details: auditSummary(entries),
    });
  };
  const ownedGuid = async (request: FastifyRequest) => {
    const guid = guidParam(request);
    const v = await ctx.store.vouchers.get('owner', guid);
    if (v === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `this owner holds no voucher for GUID ${guidToHex(guid)}`);
    return guid;
  };
  const deviceView = async (guid: Uint8Array) => {
    const p = await planFor(ctx.store, guid);
    return { plans: p.entries, source: p.source };
  };
  const defaultView = async () => {
    const entries = await stored(ctx.store, OWNER_SCOPE, OwnerSettingKey.serviceInfoDefault);
    return { plans: entries ?? [], source: entries === undefined ? 'none' : 'default' };
  };
  const body = { requestBody: { required: true, content: { 'application/json': { schema: BODY_SCHEMA } } } };
  return [
    {
      method: 'GET',
      url: '/owner/serviceinfo/default',
      roles: ['owner'],
      summary: 'The ServiceInfo every device receives in TO2 unless it has its own',
      openapi: { responses: { 200: jsonResponse('the default plans', VIEW_SCHEMA) } },
      handler: defaultView,
    },
    {
      method: 'PUT',
      url: '/owner/serviceinfo/default',
      roles: ['owner'],
      summary: 'Set the default ServiceInfo (devices onboarding from now on receive it)',
      openapi: { ...body, responses: { 200: jsonResponse('the default plans', VIEW_SCHEMA) } },
      async handler(request) {
        await put(request, OWNER_SCOPE, OwnerSettingKey.serviceInfoDefault);
        return defaultView();
      },
    },
    {
      method: 'DELETE',
      url: '/owner/serviceinfo/default',
      roles: ['owner'],
      summary: 'Remove the default ServiceInfo',
      openapi: { responses: { 200: jsonResponse('no default plans', VIEW_SCHEMA) } },
      async handler(request) {
        await changeSetting(ctx.store, request, {
          scope: OWNER_SCOPE,
          key: OwnerSettingKey.serviceInfoDefault,
          action: 'owner.serviceinfo',
        });
        return defaultView();
      },
    },
    {
      method: 'GET',
      url: '/owner/devices/:guid/serviceinfo',
      roles: ['owner'],
      summary: 'The ServiceInfo this device receives in TO2: its own, else the default',
      openapi: { parameters: [guidParameter], responses: { 200: jsonResponse('the plans and where they come from', VIEW_SCHEMA) } },
      async handler(request) {
        return deviceView(await ownedGuid(request));
      },
    },
    {
      method: 'PUT',
      url: '/owner/devices/:guid/serviceinfo',
      roles: ['owner'],
      summary: 'Set the ServiceInfo for this device, in place of the default',
      openapi: { parameters: [guidParameter], ...body, responses: { 200: jsonResponse('the plans now in force', VIEW_SCHEMA) } },
      async handler(request) {
        const guid = await ownedGuid(request);
        await put(request, OWNER_SERVICEINFO_SCOPE, guidToHex(guid));
        return deviceView(guid);
      },
    },
    {
      method: 'DELETE',
      url: '/owner/devices/:guid/serviceinfo',
      roles: ['owner'],
      summary: 'Remove the device’s own ServiceInfo; it receives the default again',
      openapi: { parameters: [guidParameter], responses: { 200: jsonResponse('the plans now in force', VIEW_SCHEMA) } },
      async handler(request) {
        const guid = await ownedGuid(request);
        await changeSetting(ctx.store, request, { scope: OWNER_SERVICEINFO_SCOPE, key: guidToHex(guid), action: 'owner.serviceinfo' });
        return deviceView(guid);
      },
    },
  ];
};
