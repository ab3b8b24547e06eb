/**
 * The rendezvous role's TO0 acceptance policy over HTTP: read it, set it for every server that
 * shares this database, or forget it so the server's default applies. The rules live in
 * onboarding/acceptance.ts.
 */
import {
  AcceptancePolicyInput,
  AcceptancePolicySchema,
  defaultAcceptancePolicy,
  readAcceptancePolicy,
  setAcceptancePolicy,
} from '../../onboarding/acceptance.ts';
import { actorOf } from './auth.ts';
import { type ApiContext, jsonResponse, type RouteFactory, route } from './route.ts';

/** The default the server was started with; without one, its own manufacturer and owner keys. */
const fallbackOf = (ctx: ApiContext) =>
  ctx.defaultAcceptance ?? defaultAcceptancePolicy('own-keys', { manufacturer: ctx.manufacturerKeys, owner: ctx.ownerKeys });

export const rendezvousPolicyRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/rendezvous/policy',
    roles: ['rendezvous'],
    summary: 'The TO0 acceptance policy: open, or only vouchers from trusted manufacturer or owner keys',
    openapi: {
      responses: { 200: jsonResponse("the policy in force: the stored one, or the server's default", AcceptancePolicySchema) },
    },
    handler: () => readAcceptancePolicy(ctx.store, fallbackOf(ctx)),
  }),
  route({
    method: 'PUT',
    url: '/rendezvous/policy',
    roles: ['rendezvous'],
    summary: 'Set the TO0 acceptance policy; it applies to the next TO0 on every server sharing this database',
    schema: { body: AcceptancePolicyInput },
    openapi: { responses: { 200: jsonResponse('the policy now in force, keys as fingerprints', AcceptancePolicySchema) } },
    handler: (request) => setAcceptancePolicy(ctx.store, actorOf(request), request.body, fallbackOf(ctx)),
  }),
  route({
    method: 'DELETE',
    url: '/rendezvous/policy',
    roles: ['rendezvous'],
    summary: "Forget the stored TO0 acceptance policy: the server's default applies again",
    openapi: { responses: { 200: jsonResponse("the policy now in force: the server's default", AcceptancePolicySchema) } },
    handler: (request) => setAcceptancePolicy(ctx.store, actorOf(request), undefined, fallbackOf(ctx)),
  }),
];
