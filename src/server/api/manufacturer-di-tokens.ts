/**
 * Manufacturing credentials over HTTP: list the DI tokens (never their secrets, which the server
 * does not have), make one (its secret is in the answer, marked not to be cached, and nowhere
 * else), revoke one. The rules live in onboarding/di-tokens.ts.
 */
import { Type } from 'typebox';
import {
  createDiToken,
  DiTokenError,
  diTokenView,
  MAX_DI_TOKEN_DEVICES,
  MAX_DI_TOKEN_NAME,
  revokeDiToken,
} from '../../onboarding/di-tokens.ts';
import { ERR_STORE_NOT_FOUND, StoreError } from '../../store/errors.ts';
import { actorOf } from './auth.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { ApiProblem, invalidField } from './problem.ts';
import { jsonResponse, pageOf, pageQuery, type RouteFactory, route } from './route.ts';

const DI_TOKEN_SCHEMA = {
  type: 'object',
  required: ['id', 'name', 'used', 'createdAt', 'status'],
  properties: {
    id: { type: 'string', description: 'the token id (not its secret)' },
    name: { type: 'string' },
    maxDevices: { type: 'integer', description: 'how many devices it may make; absent: no limit' },
    used: { type: 'integer', description: 'DI.AppStarts accepted with it so far' },
    expiresAt: { type: 'string', format: 'date-time', description: 'absent: it does not expire' },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: 'string', format: 'date-time', description: 'present once revoked' },
    status: { type: 'string', enum: ['active', 'revoked', 'expired', 'used-up'] },
  },
};

const NEW_DI_TOKEN_SCHEMA = {
  ...DI_TOKEN_SCHEMA,
  required: [...DI_TOKEN_SCHEMA.required, 'secret'],
  properties: {
    ...DI_TOKEN_SCHEMA.properties,
    secret: { type: 'string', description: 'the bearer secret (iotopia_di_…), shown only in this answer' },
  },
};

const DiTokenParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{1,64}$', description: 'the DI token id' }) });
const NewDiToken = Type.Object({
  name: Type.String({ minLength: 1, maxLength: MAX_DI_TOKEN_NAME, description: 'a label: the factory line or station' }),
  maxDevices: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_DI_TOKEN_DEVICES, description: 'how many devices; no limit when absent' }),
  ),
  expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'when it stops working; never when absent' })),
});

export const manufacturerDiTokenRoutes: RouteFactory = (ctx) => {
  const clock = ctx.clock ?? (() => new Date());
  return [
    route({
      method: 'GET',
      url: '/manufacturer/di-tokens',
      roles: ['manufacturer'],
      summary: 'DI tokens (manufacturing credentials), revoked and spent ones included, without their secrets',
      schema: { querystring: pageQuery({}) },
      openapi: { responses: { 200: jsonResponse('a page of DI tokens', pageOf(DI_TOKEN_SCHEMA)) } },
      async handler(request) {
        const page = await withCursorCheck(() => ctx.store.diTokens.list(pageRequest(request.query)));
        const now = clock();
        return { items: page.items.map((t) => diTokenView(t, now)), ...(page.next === undefined ? {} : { next: page.next }) };
      },
    }),
    route({
      method: 'POST',
      url: '/manufacturer/di-tokens',
      roles: ['manufacturer'],
      summary: 'Make a DI token for a factory station, good for N devices until a time; the answer holds its secret, shown only this once',
      schema: { body: NewDiToken },
      openapi: { responses: { 201: jsonResponse('the new DI token with its secret', NEW_DI_TOKEN_SCHEMA) } },
      async handler(request, reply) {
        const { name, maxDevices, expiresAt } = request.body;
        const at = expiresAt === undefined ? undefined : new Date(expiresAt);
        if (at !== undefined && Number.isNaN(at.getTime())) throw invalidField('expiresAt', 'a date-time');
        try {
          const made = await createDiToken(
            ctx.store,
            { name, ...(maxDevices === undefined ? {} : { maxDevices }), ...(at === undefined ? {} : { expiresAt: at }) },
            { actor: actorOf(request), clock },
          );
          reply.header('cache-control', 'no-store');
          return reply.code(201).send({ ...diTokenView(made.record, clock()), secret: made.secret });
        } catch (e) {
          if (e instanceof DiTokenError) throw invalidField(e.field, e.message);
          throw e;
        }
      },
    }),
    route({
      method: 'POST',
      url: '/manufacturer/di-tokens/:id/revoke',
      roles: ['manufacturer'],
      summary: 'Revoke a DI token: DI.AppStart with it is refused from now on (revoking twice keeps the first time)',
      schema: { params: DiTokenParams },
      openapi: { responses: { 200: jsonResponse('the DI token, revoked', DI_TOKEN_SCHEMA) } },
      async handler(request) {
        const { id } = request.params;
        try {
          await revokeDiToken(ctx.store, id, actorOf(request));
        } catch (e) {
          if (e instanceof StoreError && e.code === ERR_STORE_NOT_FOUND)
            throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no DI token with id ${id}`);
          throw e;
        }
        const stored = await ctx.store.diTokens.get(id);
        if (stored === undefined) throw new Error(`DI token ${id} vanished after it was revoked`);
        return diTokenView(stored, clock());
      },
    }),
  ];
};
