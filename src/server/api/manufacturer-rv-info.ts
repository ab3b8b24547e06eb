/**
 * The manufacturer's rendezvous info over HTTP: read it (stored, or the computed default), set it
 * as JSON directives, or forget it. The rules and the stored form live in onboarding/rv-info.ts.
 */
import { Type } from 'typebox';
import { RvDirectives, rvInfoToJson, setRvDirectives, storedRvDirectives } from '../../onboarding/rv-info.ts';
import { actorOf } from './auth.ts';
import { addressesOf, jsonResponse, type RouteFactory, route } from './route.ts';

const RvInfoBody = Type.Object({ directives: RvDirectives });
const RV_INFO_SCHEMA = Type.Object({
  directives: RvDirectives,
  source: Type.Enum(['stored', 'default'], { description: 'set through this API, or computed from the server address' }),
});

export const manufacturerRvInfoRoutes: RouteFactory = (ctx) => {
  const current = async () => {
    const stored = await storedRvDirectives(ctx.store);
    if (stored !== undefined) return { directives: stored, source: 'stored' };
    return { directives: ctx.defaultRvInfo === undefined ? [] : rvInfoToJson(ctx.defaultRvInfo), source: 'default' };
  };
  return [
    route({
      method: 'GET',
      url: '/manufacturer/rendezvous-info',
      roles: ['manufacturer'],
      summary: 'The rendezvous info DI puts into new vouchers and device credentials',
      openapi: { responses: { 200: jsonResponse('the directives and where they come from', RV_INFO_SCHEMA) } },
      handler: current,
    }),
    route({
      method: 'PUT',
      url: '/manufacturer/rendezvous-info',
      roles: ['manufacturer'],
      summary: 'Set the rendezvous info for devices made from now on (vouchers already made keep theirs)',
      schema: { body: RvInfoBody },
      openapi: { responses: { 200: jsonResponse('the rendezvous info now in force', RV_INFO_SCHEMA) } },
      async handler(request) {
        await setRvDirectives(ctx.store, actorOf(request), request.body.directives, addressesOf(ctx));
        return current();
      },
    }),
    route({
      method: 'DELETE',
      url: '/manufacturer/rendezvous-info',
      roles: ['manufacturer'],
      summary: "Forget the stored rendezvous info: DI goes back to the default computed from the server's address",
      openapi: { responses: { 200: jsonResponse('the rendezvous info now in force', RV_INFO_SCHEMA) } },
      async handler(request) {
        await setRvDirectives(ctx.store, actorOf(request), undefined, addressesOf(ctx));
        return current();
      },
    }),
  ];
};
