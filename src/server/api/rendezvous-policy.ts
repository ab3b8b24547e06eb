/**
 * The rendezvous role's TO0 acceptance policy over HTTP: read it, or set it for every server that
 * shares this database. The rules live in onboarding/acceptance.ts.
 */
import { AcceptancePolicyInput, AcceptancePolicySchema, readAcceptancePolicy, setAcceptancePolicy } from '../../onboarding/acceptance.ts';
import { actorOf } from './auth.ts';
import { jsonResponse, type RouteFactory, route } from './route.ts';

export const rendezvousPolicyRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/rendezvous/policy',
    roles: ['rendezvous'],
    summary: 'The TO0 acceptance policy: open, or only vouchers from trusted manufacturer or owner keys',
    openapi: { responses: { 200: jsonResponse('the policy in force (open when none was set)', AcceptancePolicySchema) } },
    handler: () => readAcceptancePolicy(ctx.store),
  }),
  route({
    method: 'PUT',
    url: '/rendezvous/policy',
    roles: ['rendezvous'],
    summary: 'Set the TO0 acceptance policy; it applies to the next TO0 on every server sharing this database',
    schema: { body: AcceptancePolicyInput },
    openapi: { responses: { 200: jsonResponse('the policy now in force, keys as fingerprints', AcceptancePolicySchema) } },
    handler: (request) => setAcceptancePolicy(ctx.store, actorOf(request), request.body),
  }),
];
