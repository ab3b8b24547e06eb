/**
 * The owner's TO2 address over HTTP: read it (stored, or the computed default), set it, or forget
 * it. The rules and the stored form live in onboarding/to2-address.ts.
 */
import { Type } from 'typebox';
import { rvTo2AddrToView, setTo2Address, storedTo2Address, To2Addresses, To2AddressSetting } from '../../onboarding/to2-address.ts';
import { actorOf } from './auth.ts';
import { jsonResponse, type RouteFactory, route } from './route.ts';

const TO2_ADDRESS_VIEW_SCHEMA = Type.Object({
  addresses: To2Addresses,
  source: Type.Enum(['setting', 'default'], { description: 'set through the API, or computed from the listen address' }),
});

export const ownerTo2AddressRoutes: RouteFactory = (ctx) => {
  const current = storedTo2Address(ctx.store, ctx.defaultTo2Address ?? []);
  const show = async () => {
    const { addr, source } = await current();
    return { addresses: rvTo2AddrToView(addr), source };
  };
  return [
    route({
      method: 'GET',
      url: '/owner/to2-address',
      roles: ['owner'],
      summary: 'The TO2 address this owner registers with the rendezvous (TO0)',
      openapi: { responses: { 200: jsonResponse('the TO2 address and where it comes from', TO2_ADDRESS_VIEW_SCHEMA) } },
      handler: show,
    }),
    route({
      method: 'PUT',
      url: '/owner/to2-address',
      roles: ['owner'],
      summary: 'Set the TO2 address registered from now on (registrations already made keep theirs until renewed)',
      schema: { body: To2AddressSetting },
      openapi: { responses: { 200: jsonResponse('the TO2 address now in force', TO2_ADDRESS_VIEW_SCHEMA) } },
      async handler(request) {
        await setTo2Address(ctx.store, actorOf(request), request.body);
        return show();
      },
    }),
    route({
      method: 'DELETE',
      url: '/owner/to2-address',
      roles: ['owner'],
      summary: "Forget the stored TO2 address; the server's computed one applies again",
      openapi: { responses: { 200: jsonResponse('the TO2 address now in force', TO2_ADDRESS_VIEW_SCHEMA) } },
      async handler(request) {
        await setTo2Address(ctx.store, actorOf(request), undefined);
        return show();
      },
    }),
  ];
};
