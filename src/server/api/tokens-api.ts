/**
 * API tokens over HTTP, for admins: list them (never their secrets, which the server does not
 * have), make one (its secret is in the answer and nowhere else), revoke one. Each change goes to
 * the audit log with the calling token as actor.
 */
import { Type } from 'typebox';
import { API_ROLES, createApiToken, expiryAt, isApiRole, revokeApiToken, TokenExpiryError, tokenView } from '../../platform/tokens.ts';
import type { ApiRole } from '../../store/api-token-repository.ts';
import { ERR_STORE_NOT_FOUND, StoreError } from '../../store/errors.ts';
import { actorOf } from './auth.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { ApiProblem, invalidField } from './problem.ts';
import { jsonResponse, pageOf, pageQuery, type RouteFactory, route } from './route.ts';

/** Longest token name, in characters: a label for people, not a document. */
export const MAX_TOKEN_NAME = 100;

export const TOKEN_SCHEMA = {
  type: 'object',
  required: ['id', 'name', 'roles', 'createdAt'],
  properties: {
    id: { type: 'string', description: 'the token id (not its secret)' },
    name: { type: 'string' },
    roles: { type: 'array', items: { type: 'string', enum: API_ROLES } },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: 'string', format: 'date-time', description: 'present once revoked' },
    expiresAt: { type: 'string', format: 'date-time', description: 'present when the token expires: from then on it is refused (401)' },
  },
};

const NEW_TOKEN_SCHEMA = {
  ...TOKEN_SCHEMA,
  required: [...TOKEN_SCHEMA.required, 'secret'],
  properties: { ...TOKEN_SCHEMA.properties, secret: { type: 'string', description: 'the bearer secret, shown only in this answer' } },
};

const TokenParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{1,64}$', description: 'the token id' }) });
const TokenQuery = pageQuery({});
/** Roles are checked by hand, so that an unknown one names `roles` as it always has. */
const NewToken = Type.Object({
  name: Type.String({ minLength: 1, maxLength: MAX_TOKEN_NAME }),
  roles: Type.Array(Type.Unknown({ description: `one of ${API_ROLES.join(', ')}` }), { minItems: 1 }),
  expiresAt: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'when the token stops working: an RFC 3339 time with its offset, in the future, at most ten years on (default: never)',
    }),
  ),
});

/** `{ name, roles, expiresAt }` of a create request: a name that is not only blanks, the roles known and without repeats, a future expiry. */
function newTokenRequest(
  { name, roles, expiresAt }: { name: string; roles: unknown[]; expiresAt?: string | undefined },
  now: Date,
): { name: string; roles: ApiRole[]; expiresAt?: Date } {
  if (name.trim() === '') throw invalidField('name', `a non-empty string of at most ${MAX_TOKEN_NAME} characters`);
  const out: ApiRole[] = [];
  for (const r of roles) {
    if (typeof r !== 'string' || !isApiRole(r)) throw invalidField('roles', `${JSON.stringify(r)} is not one of ${API_ROLES.join(', ')}`);
    if (!out.includes(r)) out.push(r);
  }
  if (expiresAt === undefined) return { name, roles: out };
  try {
    return { name, roles: out, expiresAt: expiryAt(expiresAt, now) };
  } catch (e) {
    if (e instanceof TokenExpiryError) throw invalidField('expiresAt', e.message);
    throw e;
  }
}

export const tokenRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/tokens',
    roles: ['admin'],
    summary: 'API tokens, revoked ones included, without their secrets',
    schema: { querystring: TokenQuery },
    openapi: {
      responses: {
        200: jsonResponse('a page of tokens', pageOf(TOKEN_SCHEMA)),
      },
    },
    async handler(request) {
      const page = await withCursorCheck(() => ctx.store.apiTokens.list(pageRequest(request.query)));
      return { items: page.items.map(tokenView), ...(page.next === undefined ? {} : { next: page.next }) };
    },
  }),
  route({
    method: 'POST',
    url: '/tokens',
    roles: ['admin'],
    summary: 'Make an API token with roles; the answer holds its secret, shown only this once',
    schema: { body: NewToken },
    openapi: {
      responses: { 201: jsonResponse('the new token with its secret', NEW_TOKEN_SCHEMA) },
    },
    async handler(request, reply) {
      const made = await createApiToken(ctx.store, newTokenRequest(request.body, (ctx.clock ?? (() => new Date()))()), actorOf(request));
      const stored = await ctx.store.apiTokens.get(made.id);
      if (stored === undefined) throw new Error(`token ${made.id} vanished after it was made`);
      return reply.code(201).send({ ...tokenView(stored), secret: made.secret });
    },
  }),
  route({
    method: 'POST',
    url: '/tokens/:id/revoke',
    roles: ['admin'],
    summary: 'Revoke an API token: requests with it are refused from now on (revoking twice keeps the first time)',
    schema: { params: TokenParams },
    openapi: { responses: { 200: jsonResponse('the token, revoked', TOKEN_SCHEMA) } },
    async handler(request) {
      const { id } = request.params;
      try {
        await revokeApiToken(ctx.store, id, actorOf(request));
      } catch (e) {
        if (e instanceof StoreError && e.code === ERR_STORE_NOT_FOUND)
          throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no API token with id ${id}`);
        throw e;
      }
      const stored = await ctx.store.apiTokens.get(id);
      if (stored === undefined) throw new Error(`token ${id} vanished after it was revoked`);
      return tokenView(stored);
    },
  }),
];
