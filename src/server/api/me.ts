/**
 * The calling token itself: who the caller is and what it may do. The console reads it after
 * log-in, so that it offers only what the token's roles allow; the secret is never in the answer.
 */
import { API_ROLES, tokenView } from '../../platform/tokens.ts';
import { tokenOf } from './auth.ts';
import { jsonResponse, type RouteFactory, route } from './route.ts';
import { TOKEN_SCHEMA } from './tokens-api.ts';

export const meRoutes: RouteFactory = () => [
  route({
    method: 'GET',
    url: '/me',
    // Any valid token may read itself, whatever its roles.
    roles: API_ROLES,
    summary: 'The calling API token: id, name, roles and expiry (never its secret)',
    openapi: { responses: { 200: jsonResponse('the calling token', TOKEN_SCHEMA) } },
    async handler(request) {
      return tokenView(tokenOf(request));
    },
  }),
];
