/**
 * The rendezvous servers the owner registers its vouchers with (TO0), when it should not follow
 * the rendezvous info in each voucher: e.g. a rendezvous reached at another address from the
 * owner's network. Stored under owner/rendezvous; tried in order.
 */

import { configuredRendezvous } from '../../onboarding/to0-registrar.ts';
import type { Store } from '../../store/store.ts';
import { changeSetting, OWNER_SCOPE, OwnerSettingKey } from './owner-settings.ts';
import { invalidField } from './problem.ts';
import { jsonResponse, type RouteFactory } from './route.ts';

const MAX_URLS = 16;

const BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['urls'],
  properties: {
    urls: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_URLS,
      items: { type: 'string', format: 'uri', description: 'http(s) base URL of an FDO rendezvous server' },
    },
  },
};

const VIEW_SCHEMA = {
  type: 'object',
  required: ['source'],
  properties: {
    urls: BODY_SCHEMA.properties.urls,
    source: { type: 'string', enum: ['setting', 'voucher'], description: "the list set here, or each voucher's rendezvous info" },
  },
};

function parseBody(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidField('body', 'a JSON object { "urls": [...] }');
  for (const k of Object.keys(body)) if (k !== 'urls') throw invalidField(k, 'not a field of the rendezvous list');
  const urls = (body as { urls?: unknown }).urls;
  if (!Array.isArray(urls) || urls.length === 0 || urls.length > MAX_URLS) throw invalidField('urls', `an array of 1 to ${MAX_URLS} URLs`);
  return urls.map((u: unknown, i) => {
    let url: URL;
    try {
      url = new URL(typeof u === 'string' ? u : '');
    } catch {
      throw invalidField(`urls[${i}]`, 'an http or https URL');
    }
    if (
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.username !== '' ||
      url.password !== '' ||
      url.search !== '' ||
      url.hash !== ''
    )
      throw invalidField(`urls[${i}]`, 'an http or https URL without credentials, query or fragment');
    return url.toString().replace(/\/$/, '');
  });
}

const show = async (store: Store) => {
  const urls = await configuredRendezvous(store);
  return urls === undefined ? { source: 'voucher' } : { urls, source: 'setting' };
};

export const ownerRendezvousRoutes: RouteFactory = (ctx) => [
  {
    method: 'GET',
    url: '/owner/rendezvous',
    roles: ['owner'],
    summary: 'The rendezvous servers this owner registers with (TO0)',
    openapi: { responses: { 200: jsonResponse('the configured list, or that each voucher says', VIEW_SCHEMA) } },
    handler: () => show(ctx.store),
  },
  {
    method: 'PUT',
    url: '/owner/rendezvous',
    roles: ['owner'],
    summary: "Register with these rendezvous servers instead of those in each voucher's rendezvous info",
    openapi: {
      requestBody: { required: true, content: { 'application/json': { schema: BODY_SCHEMA } } },
      responses: { 200: jsonResponse('the list now in force', VIEW_SCHEMA) },
    },
    async handler(request) {
      const urls = parseBody(request.body);
      await changeSetting(ctx.store, request, {
        scope: OWNER_SCOPE,
        key: OwnerSettingKey.rendezvous,
        action: 'owner.rendezvous',
        value: { urls },
      });
      return show(ctx.store);
    },
  },
  {
    method: 'DELETE',
    url: '/owner/rendezvous',
    roles: ['owner'],
    summary: "Follow each voucher's rendezvous info again",
    openapi: { responses: { 200: jsonResponse('the list now in force', VIEW_SCHEMA) } },
    async handler(request) {
      await changeSetting(ctx.store, request, { scope: OWNER_SCOPE, key: OwnerSettingKey.rendezvous, action: 'owner.rendezvous' });
      return show(ctx.store);
    },
  },
];
