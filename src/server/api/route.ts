import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest, RawRequestDefaultExpression, RawServerDefault, RouteGenericInterface } from 'fastify';
import { type TProperties, type TSchema, Type } from 'typebox';
import type { AssessmentService } from '../../compliance/assessment/assessment-service.ts';
import type { ProductService } from '../../compliance/products/service.ts';
import type { PrivateKeyLike } from '../../crypto/private-key-handle.ts';
import type { To0Result } from '../../fdo/protocol/to0-owner.ts';
import type { RendezvousInfo } from '../../fdo/types/rendezvous-info.ts';
import type { RvTo2Addr } from '../../fdo/types/rv-to2-addr.ts';
import type { IntentManager } from '../../intent/manager/types.ts';
import type { DeviceCredentials } from '../../lifecycle/device-credentials.ts';
import type { ReleaseService } from '../../lifecycle/releases/service.ts';
import type { AcceptancePolicy } from '../../onboarding/acceptance.ts';
import { type RendezvousAddressPolicy, STRICT_ADDRESSES } from '../../onboarding/address-policy.ts';
import type { ApiRole } from '../../store/api-token-repository.ts';
import { MAX_PAGE_LIMIT } from '../../store/page.ts';
import type { Store } from '../../store/store.ts';
import type { DemoStatusSource } from './demo.ts';

export interface ApiContext {
  store: Store;
  /** Private keys of this server's manufacturer role (they sign entry 0 of the vouchers it makes). */
  manufacturerKeys: readonly PrivateKeyLike[];
  /** Private keys of this server's owner role; an imported voucher must end at one of them. */
  ownerKeys: readonly PrivateKeyLike[];
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
  /**
   * Which rendezvous addresses may be set (owner rendezvous list, manufacturer rendezvous info);
   * default: nothing internal, loopback included.
   */
  rendezvousAddresses?: RendezvousAddressPolicy;
  /** What the rendezvous accepts in TO0 while no policy is stored (default: this server's own keys). */
  defaultAcceptance?: AcceptancePolicy;
  /** The TO0 refresh margin registrations are recorded with (`to0RefreshMargin`, default 0.25). */
  to0RefreshMargin?: number;
  /** The MUD manager of this server's `intent` role; without it the intent routes only read. */
  intent?: IntentManager;
  /** The device API's credentials; decommissioning a device revokes its own. */
  deviceCredentials?: DeviceCredentials;
  /** Releases and payloads (owner role); without it the release routes answer 404. */
  releases?: ReleaseService;
  /** Products, SBOMs and vulnerabilities (owner role); without it their routes answer 404. */
  products?: ProductService;
  /** Assessments and the evidence beside them; without it those routes answer 501 ERR_ASSESSMENT_UNAVAILABLE. */
  assessments?: AssessmentService;
  clock?: () => Date;
  /** The demo's state (`iotopia up --demo`); without it `GET /demo` answers 404. */
  demo?: DemoStatusSource;
}

/**
 * What Fastify checks before the handler runs. Each part is one TypeBox schema: Ajv validates with
 * it, the handler's request is typed from it, and the OpenAPI document shows it. `body` holds the
 * JSON body; a route that also takes other media types names them in `openapi.requestBody`.
 */
export interface RouteSchema {
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
}

export type ApiRequest<S extends RouteSchema> = FastifyRequest<
  RouteGenericInterface,
  RawServerDefault,
  RawRequestDefaultExpression,
  S,
  TypeBoxTypeProvider
>;

interface RouteFields {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to /api/v1, in Fastify's `:param` form. */
  url: string;
  /** Who may call it besides admin; `public` needs no token. */
  roles: readonly ApiRole[] | 'public';
  summary: string;
  /**
   * For a body that may also come in other media types (PEM, CBOR): the schema its JSON form is
   * checked against. The handler sees the body as `unknown` and tells the forms apart itself.
   */
  jsonBody?: TSchema;
  /** OpenAPI operation fields besides summary, security, what `schema` says, and the error responses every route has. */
  openapi: Record<string, unknown>;
  /** The largest request body, bytes, when a route takes more than the API's default (1 MiB). */
  bodyLimit?: number;
  /** An application/octet-stream body reaches the handler as the request stream (it enforces its own limit). */
  streamBody?: boolean;
}

/** A route as its file writes it: the handler's request typed from the schema. */
export interface TypedRoute<S extends RouteSchema> extends RouteFields {
  schema?: S;
  handler(request: ApiRequest<S>, reply: FastifyReply): Promise<unknown>;
}

/** A route as the server and the OpenAPI document take it. */
export interface ApiRoute extends RouteFields {
  schema?: RouteSchema;
  handler(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

/** Fastify checks every part against `schema` before the handler runs, so the request has the schema's types. */
export const route = <S extends RouteSchema>(r: TypedRoute<S>): ApiRoute => r as unknown as ApiRoute;

export type RouteFactory = (ctx: ApiContext) => ApiRoute[];

/** The rendezvous address policy the server was started with; strict when none was given. */
export const addressesOf = (ctx: ApiContext): RendezvousAddressPolicy => ctx.rendezvousAddresses ?? STRICT_ADDRESSES;

/** OpenAPI fragments the route files share. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const jsonResponse = (description: string, schema: unknown) => ({ description, content: { 'application/json': { schema } } });
/** A device GUID in a path: 32 hex digits, dashes allowed anywhere (as guidFromText reads it). */
export const GuidText = Type.String({ pattern: '^-*(?:[0-9a-fA-F]-*){32}$', description: 'device GUID: 32 hex digits, dashes allowed' });
export const GuidParams = Type.Object({ guid: GuidText });

const pageMembers = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, description: `at most this many items (1–${MAX_PAGE_LIMIT}, default 100)` }),
  ),
  cursor: Type.Optional(Type.String({ minLength: 1, description: 'the `next` of the previous page' })),
};
/** `limit` and `cursor` of a list, with the list's own filters beside them. */
export const pageQuery = <P extends TProperties>(filters: P) => Type.Object({ ...pageMembers, ...filters });

/** A page of items: `item` names a component schema, or is the item schema itself. */
export const pageOf = (item: string | Record<string, unknown>) => ({
  type: 'object',
  required: ['items'],
  properties: {
    items: { type: 'array', items: typeof item === 'string' ? ref(item) : item },
    next: { type: 'string', description: 'present when more items may follow' },
  },
});
