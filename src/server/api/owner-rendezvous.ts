/**
 * The rendezvous servers the owner registers with (TO0) over HTTP: read, set or forget the list.
 * The rules live in onboarding/rendezvous-list.ts.
 */
import { Type } from 'typebox';
import { RendezvousListSetting, RendezvousUrls, setRendezvousList } from '../../onboarding/rendezvous-list.ts';
import { configuredRendezvous } from '../../onboarding/to0-registrar.ts';
import type { Store } from '../../store/store.ts';
import { actorOf } from './auth.ts';
import { addressesOf, jsonResponse, type RouteFactory, route } from './route.ts';

const VIEW_SCHEMA = Type.Object({
  urls: Type.Optional(RendezvousUrls),
  source: Type.Enum(['setting', 'voucher'], { description: "the list set here, or each voucher's rendezvous info" }),
});

const show = async (store: Store) => {
  const urls = await configuredRendezvous(store);
  return urls === undefined ? { source: 'voucher' } : { urls, source: 'setting' };
};

export const ownerRendezvousRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/owner/rendezvous',
    roles: ['owner'],
    summary: 'The rendezvous servers this owner registers with (TO0)',
    openapi: { responses: { 200: jsonResponse('the configured list, or that each voucher says', VIEW_SCHEMA) } },
    handler: () => show(ctx.store),
  }),
  route({
    method: 'PUT',
    url: '/owner/rendezvous',
    roles: ['owner'],
    summary: "Register with these rendezvous servers instead of those in each voucher's rendezvous info",
    schema: { body: RendezvousListSetting },
    openapi: { responses: { 200: jsonResponse('the list now in force', VIEW_SCHEMA) } },
    async handler(request) {
      await setRendezvousList(ctx.store, actorOf(request), request.body, addressesOf(ctx));
      return show(ctx.store);
    },
  }),
  route({
    method: 'DELETE',
    url: '/owner/rendezvous',
    roles: ['owner'],
    summary: "Follow each voucher's rendezvous info again",
    openapi: { responses: { 200: jsonResponse('the list now in force', VIEW_SCHEMA) } },
    async handler(request) {
      await setRendezvousList(ctx.store, actorOf(request), undefined, addressesOf(ctx));
      return show(ctx.store);
    },
  }),
];
