/**
 * What the rendezvous role holds: the TO0 registrations devices will find their owner through, with
 * the registering owner's key fingerprint and when each runs out.
 */
import { guidToHex } from '../../fdo/types/guid.ts';
import { publicKeyFingerprint } from '../../fdo/types/public-key.ts';
import { voucherOwner } from '../../fdo/voucher/voucher-owner.ts';
import { parseVoucher } from '../../fdo/voucher/voucher-parse.ts';
import type { RendezvousRegistration } from '../../store/rendezvous-repository.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { jsonResponse, pageOf, pageQuery, type RouteFactory, route } from './route.ts';

export const REGISTRATION_SCHEMA = {
  type: 'object',
  required: ['guid', 'owner', 'expiresAt', 'expired'],
  properties: {
    guid: { type: 'string' },
    owner: { type: 'string', description: "fingerprint of the registering owner's key" },
    expiresAt: { type: 'string', format: 'date-time' },
    expired: { type: 'boolean' },
  },
};

function registrationView(r: RendezvousRegistration, now: Date) {
  return {
    guid: guidToHex(r.guid),
    // TO0 accepted this voucher, so it parses; the fingerprint is what an operator compares.
    owner: publicKeyFingerprint(voucherOwner(parseVoucher(r.voucher))),
    expiresAt: r.expiresAt.toISOString(),
    expired: r.expiresAt.getTime() <= now.getTime(),
  };
}

const RegistrationQuery = pageQuery({});

export const rendezvousRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/rendezvous/registrations',
    roles: ['rendezvous'],
    summary: 'TO0 registrations held by this rendezvous, expired ones included until swept',
    schema: { querystring: RegistrationQuery },
    openapi: { responses: { 200: jsonResponse('a page of registrations', pageOf('Registration')) } },
    async handler(request) {
      const page = await withCursorCheck(() => ctx.store.rendezvous.list(pageRequest(request.query)));
      const now = new Date();
      return { items: page.items.map((r) => registrationView(r, now)), ...(page.next === undefined ? {} : { next: page.next }) };
    },
  }),
];
