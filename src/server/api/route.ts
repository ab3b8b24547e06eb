/**
 * One management API route as data: the handler, the roles that may call it, and what the OpenAPI
 * document says about it. The server and the document are built from the same list, so neither
 * can describe a route the other lacks.
 */
import type { KeyObject } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { To0Result } from '../../fdo/protocol/to0-owner.ts';
import type { RendezvousInfo } from '../../fdo/types/rendezvous-info.ts';
import type { RvTo2Addr } from '../../fdo/types/rv-to2-addr.ts';
import type { ApiRole } from '../../store/api-token-repository.ts';
import type { Store } from '../../store/store.ts';

export interface ApiContext {
  store: Store;
  /** Private keys of this server's manufacturer role (they sign entry 0 of the vouchers it makes). */
  manufacturerKeys: readonly KeyObject[];
  /** Private keys of this server's owner role; an imported voucher must end at one of them. */
  ownerKeys: readonly KeyObject[];
  /**
   * TO0 for an owner voucher: with this server's own rendezvous or over HTTP with the one the
   * voucher (or the owner's settings) names; `rendezvous` says which. Absent: no way to register.
   */
  register?: (voucher: Uint8Array) => Promise<To0Result & { rendezvous?: string }>;
  /** The rendezvous info DI uses while the manufacturer has stored none (computed from the listen address). */
  defaultRvInfo?: RendezvousInfo;
  /** The TO2 address the owner registers while none is stored (computed from the listen address). */
  defaultTo2Address?: RvTo2Addr;
  /** Where `file` sources of fdo.download ServiceInfo plans live; without it only inline data. */
  serviceInfoDir?: string;
  clock?: () => Date;
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to /api/v1, in Fastify's `:param` form. */
  url: string;
  /** Who may call it besides admin; `public` needs no token. */
  roles: readonly ApiRole[] | 'public';
  summary: string;
  /** OpenAPI operation fields besides summary, security and the error responses every route has. */
  openapi: Record<string, unknown>;
  /** The largest request body, bytes, when a route takes more than the API's default (1 MiB). */
  bodyLimit?: number;
  handler(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

export type RouteFactory = (ctx: ApiContext) => ApiRoute[];

/** OpenAPI fragments the route files share. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const jsonResponse = (description: string, schema: unknown) => ({ description, content: { 'application/json': { schema } } });
export const guidParameter = {
  name: 'guid',
  in: 'path',
  required: true,
  description: 'device GUID: 32 hex digits, dashes allowed',
  schema: { type: 'string' },
};
export const pageParameters = [
  {
    name: 'limit',
    in: 'query',
    description: 'at most this many items (1–1000, default 100)',
    schema: { type: 'integer', minimum: 1, maximum: 1000 },
  },
  { name: 'cursor', in: 'query', description: 'the `next` of the previous page', schema: { type: 'string' } },
];
/** A page of items: `item` names a component schema, or is the item schema itself. */
export const pageOf = (item: string | Record<string, unknown>) => ({
  type: 'object',
  required: ['items'],
  properties: {
    items: { type: 'array', items: typeof item === 'string' ? ref(item) : item },
    next: { type: 'string', description: 'present when more items may follow' },
  },
});
