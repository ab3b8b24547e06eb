/**
 * Releases and their payloads over the management API: payloads uploaded as octet streams,
 * listed, and deleted when no release names them, releases created (built and signed by the update authority, or uploaded signed and
 * verified), listed, read, their SUIT envelopes fetched, and published or retired. The rules live
 * in src/lifecycle/releases; these routes only adapt.
 */
import { Type } from 'typebox';
import { ReleaseError, type ReleaseErrorCode } from '../../lifecycle/releases/errors.ts';
import { deletePayload } from '../../lifecycle/releases/payload-delete.ts';
import { payloadRecord, uploadPayload } from '../../lifecycle/releases/payloads.ts';
import {
  COMPONENT_ID,
  MAX_RELEASE_COMPONENTS,
  MAX_SBOM_REF_LENGTH,
  RELEASE_MODEL,
  RELEASE_VERSION,
} from '../../lifecycle/releases/release-input.ts';
import { createRelease, getRelease, importRelease, MAX_ENVELOPE_BYTES, setReleaseState } from '../../lifecycle/releases/releases.ts';
import type { ReleaseService } from '../../lifecycle/releases/service.ts';
import type { PayloadRecord } from '../../store/payload-repository.ts';
import { RELEASE_STATES, type ReleaseInfo } from '../../store/release-repository.ts';
import { actorOf } from './auth.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { ApiProblem } from './problem.ts';
import { type ApiContext, jsonResponse, pageOf, pageQuery, type RouteFactory, route } from './route.ts';

export const SUIT_ENVELOPE_TYPE = 'application/suit-envelope+cose';
const OCTETS = 'application/octet-stream';

const STATUS: Record<ReleaseErrorCode, number> = {
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_PAYLOAD_EMPTY: 400,
  ERR_PAYLOAD_DIGEST: 422,
  ERR_PAYLOAD_CORRUPT: 500,
  ERR_PAYLOAD_NOT_FOUND: 404,
  ERR_PAYLOAD_RANGE: 400,
  ERR_PAYLOAD_IN_USE: 409,
  ERR_RELEASE_INPUT: 400,
  ERR_RELEASE_PAYLOAD_UNKNOWN: 422,
  ERR_RELEASE_DUPLICATE: 409,
  ERR_RELEASE_ROLLBACK: 409,
  ERR_RELEASE_ENVELOPE: 400,
  ERR_RELEASE_SIGNATURE: 422,
  ERR_RELEASE_NOT_FOUND: 404,
  ERR_RELEASE_STATE: 409,
};

/** The service's refusals as problems carrying the lifecycle code (docs/errors-lifecycle.md). */
async function releaseCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ReleaseError) throw new ApiProblem(STATUS[e.code], e.code, e.message);
    throw e;
  }
}

function serviceOf(ctx: ApiContext): ReleaseService {
  if (ctx.releases === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', 'this server keeps no releases (it plays no owner role)');
  return ctx.releases;
}

const payloadView = (p: PayloadRecord) => ({
  digest: p.digest,
  size: p.size,
  mediaType: p.mediaType,
  location: p.location,
  createdAt: p.createdAt.toISOString(),
});

const releaseView = (r: ReleaseInfo) => ({
  id: r.id,
  model: r.model,
  version: r.version,
  sequenceNumber: r.sequenceNumber,
  components: r.components,
  ...(r.sbomRef === undefined ? {} : { sbomRef: r.sbomRef }),
  ...(r.vendorDomain === undefined ? {} : { vendorDomain: r.vendorDomain }),
  state: r.state,
  origin: r.origin,
  envelopeDigest: r.envelopeDigest,
  envelopeSize: r.envelopeSize,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, 64 lowercase hex digits' });
const PAYLOAD_SCHEMA = {
  type: 'object',
  required: ['digest', 'size', 'mediaType', 'location', 'createdAt'],
  properties: {
    digest: { type: 'string' },
    size: { type: 'integer' },
    mediaType: { type: 'string' },
    location: { type: 'string', enum: ['database', 'directory'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
};
const Component = Type.Object(
  { id: Type.String({ pattern: COMPONENT_ID.source }), digest: Sha256, size: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
const RELEASE_SCHEMA = {
  type: 'object',
  required: [
    'id',
    'model',
    'version',
    'sequenceNumber',
    'components',
    'state',
    'origin',
    'envelopeDigest',
    'envelopeSize',
    'createdAt',
    'updatedAt',
  ],
  properties: {
    id: { type: 'string' },
    model: { type: 'string' },
    version: { type: 'string' },
    sequenceNumber: { type: 'integer', description: 'the SUIT manifest sequence number' },
    components: { type: 'array', items: Component },
    sbomRef: { type: 'string' },
    vendorDomain: { type: 'string', description: 'the envelope checks the vendor and class ids derived from it and the model' },
    state: { type: 'string', enum: RELEASE_STATES },
    origin: { type: 'string', enum: ['signed', 'imported'], description: 'signed here by the update authority, or uploaded signed' },
    envelopeDigest: { type: 'string' },
    envelopeSize: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};
const NewRelease = Type.Object(
  {
    model: Type.String({ pattern: RELEASE_MODEL.source }),
    version: Type.String({ pattern: RELEASE_VERSION.source }),
    sequenceNumber: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    components: Type.Array(Component, { minItems: 1, maxItems: MAX_RELEASE_COMPONENTS }),
    sbomRef: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_SBOM_REF_LENGTH })),
    vendorDomain: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    state: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('published')])),
    envelope: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]+$',
        maxLength: Math.ceil((MAX_ENVELOPE_BYTES * 4) / 3),
        description: 'a SUIT envelope signed elsewhere, base64url; without it the server builds and signs one',
      }),
    ),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });
const DigestParams = Type.Object({ digest: Sha256 });
const UploadQuery = Type.Object({
  sha256: Type.Optional(Sha256),
  mediaType: Type.Optional(Type.String({ minLength: 3, maxLength: 255 })),
});
const ReleaseQuery = pageQuery({
  model: Type.Optional(Type.String({ pattern: RELEASE_MODEL.source })),
  state: Type.Optional(Type.Enum(RELEASE_STATES)),
});
const StateChange = Type.Object(
  { state: Type.Union([Type.Literal('published'), Type.Literal('retired')]) },
  { additionalProperties: false },
);

/** The request body as the stream of bytes it arrives as. */
function bodyStream(body: unknown): AsyncIterable<Uint8Array> {
  if (body !== null && typeof body === 'object' && Symbol.asyncIterator in body) return body as AsyncIterable<Uint8Array>;
  throw new ApiProblem(415, 'ERR_API_MEDIA_TYPE', `a payload is sent as ${OCTETS}`);
}

/** Refuses at once a body that announces more bytes than the limit, before any is read. */
function checkLength(header: string | undefined, max: number): void {
  if (header !== undefined && Number(header) > max) throw new ReleaseError('ERR_PAYLOAD_TOO_LARGE', `a payload is at most ${max} bytes`);
}

function payloadRoutes(ctx: ApiContext) {
  return [
    route({
      method: 'POST',
      url: '/payloads',
      roles: ['owner'],
      summary: 'Upload a payload (firmware image) as application/octet-stream; its SHA-256 names it',
      schema: { querystring: UploadQuery },
      streamBody: true,
      openapi: {
        requestBody: { content: { [OCTETS]: { schema: { type: 'string', contentEncoding: 'binary' } } } },
        responses: {
          201: jsonResponse('the payload, stored now', PAYLOAD_SCHEMA),
          200: jsonResponse('the payload, stored before', PAYLOAD_SCHEMA),
        },
      },
      async handler(request, reply) {
        const s = serviceOf(ctx);
        const { sha256, mediaType } = request.query;
        const opts = { ...(sha256 === undefined ? {} : { expectedDigest: sha256 }), ...(mediaType === undefined ? {} : { mediaType }) };
        const { payload, created } = await releaseCall(async () => {
          checkLength(request.headers['content-length'], s.payloads.maxBytes);
          return uploadPayload(s.payloads, bodyStream(request.body), opts);
        });
        if (created)
          await ctx.store.audit.append({
            actor: actorOf(request),
            action: 'payload.uploaded',
            subject: payload.digest,
            details: { size: payload.size },
          });
        return reply.code(created ? 201 : 200).send(payloadView(payload));
      },
    }),
    route({
      method: 'GET',
      url: '/payloads',
      roles: ['owner'],
      summary: 'List payloads by digest',
      schema: { querystring: pageQuery({}) },
      openapi: { responses: { 200: jsonResponse('a page of payloads', pageOf(PAYLOAD_SCHEMA)) } },
      async handler(request) {
        serviceOf(ctx);
        const page = await withCursorCheck(() => ctx.store.payloads.list(pageRequest(request.query)));
        return { items: page.items.map(payloadView), ...(page.next === undefined ? {} : { next: page.next }) };
      },
    }),
    route({
      method: 'GET',
      url: '/payloads/:digest',
      roles: ['owner'],
      summary: 'One payload by its SHA-256',
      schema: { params: DigestParams },
      openapi: { responses: { 200: jsonResponse('the payload', PAYLOAD_SCHEMA) } },
      async handler(request) {
        serviceOf(ctx);
        return payloadView(await releaseCall(() => payloadRecord(ctx.store.payloads, request.params.digest)));
      },
    }),
    route({
      method: 'DELETE',
      url: '/payloads/:digest',
      roles: ['owner'],
      summary: 'Delete a payload no release names (409 ERR_PAYLOAD_IN_USE otherwise), record and bytes; audited',
      schema: { params: DigestParams },
      openapi: { responses: { 200: jsonResponse('the payload deleted', PAYLOAD_SCHEMA) } },
      async handler(request) {
        const s = serviceOf(ctx);
        return payloadView(await releaseCall(() => deletePayload(ctx.store, s.payloads, request.params.digest, actorOf(request))));
      },
    }),
  ];
}

function releaseRoutes(ctx: ApiContext) {
  return [
    route({
      method: 'POST',
      url: '/releases',
      roles: ['owner'],
      summary: 'Create a release: built and signed here, or with an envelope signed elsewhere that verifies against the anchors',
      schema: { body: NewRelease },
      openapi: { responses: { 201: jsonResponse('the release', RELEASE_SCHEMA) } },
      async handler(request, reply) {
        const s = serviceOf(ctx);
        const { envelope, sequenceNumber, ...rest } = request.body;
        const actor = actorOf(request);
        const made = await releaseCall(async () => {
          if (envelope !== undefined)
            return importRelease(
              s.releases,
              {
                ...rest,
                envelope: new Uint8Array(Buffer.from(envelope, 'base64url')),
                ...(sequenceNumber === undefined ? {} : { sequenceNumber }),
              },
              actor,
            );
          if (sequenceNumber === undefined) throw new ReleaseError('ERR_RELEASE_INPUT', 'a release built here needs its sequence number');
          return createRelease(s.releases, { ...rest, sequenceNumber }, actor);
        });
        return reply.code(201).send(releaseView(made));
      },
    }),
    route({
      method: 'GET',
      url: '/releases',
      roles: ['owner'],
      summary: 'List releases; model and state filter',
      schema: { querystring: ReleaseQuery },
      openapi: { responses: { 200: jsonResponse('a page of releases', pageOf(RELEASE_SCHEMA)) } },
      async handler(request) {
        serviceOf(ctx);
        const { model, state, ...query } = request.query;
        const filters = { ...(model === undefined ? {} : { model }), ...(state === undefined ? {} : { state }) };
        const page = await withCursorCheck(() => ctx.store.releases.list({ ...pageRequest(query), ...filters }));
        return { items: page.items.map(releaseView), ...(page.next === undefined ? {} : { next: page.next }) };
      },
    }),
    route({
      method: 'GET',
      url: '/releases/:id',
      roles: ['owner'],
      summary: 'One release',
      schema: { params: IdParams },
      openapi: { responses: { 200: jsonResponse('the release', RELEASE_SCHEMA) } },
      async handler(request) {
        serviceOf(ctx);
        return releaseView(await releaseCall(() => getRelease(ctx.store, request.params.id)));
      },
    }),
    route({
      method: 'GET',
      url: '/releases/:id/envelope',
      roles: ['owner'],
      summary: `The release's signed SUIT envelope (${SUIT_ENVELOPE_TYPE}, or ${OCTETS} when asked for)`,
      schema: { params: IdParams },
      openapi: {
        responses: {
          200: {
            description: 'the envelope',
            content: {
              [SUIT_ENVELOPE_TYPE]: { schema: { type: 'string', contentEncoding: 'binary' } },
              [OCTETS]: { schema: { type: 'string', contentEncoding: 'binary' } },
            },
          },
        },
      },
      async handler(request, reply) {
        serviceOf(ctx);
        const r = await releaseCall(() => getRelease(ctx.store, request.params.id));
        const accept = request.headers.accept ?? '';
        const type = accept.includes(OCTETS) && !accept.includes(SUIT_ENVELOPE_TYPE) ? OCTETS : SUIT_ENVELOPE_TYPE;
        reply.header('etag', `"${r.envelopeDigest}"`);
        return reply.type(type).send(Buffer.from(r.envelope));
      },
    }),
    route({
      method: 'POST',
      url: '/releases/:id/state',
      roles: ['owner'],
      summary: 'Publish a draft or retire a release; a retired release stays retired (409)',
      schema: { params: IdParams, body: StateChange },
      openapi: { responses: { 200: jsonResponse('the release', RELEASE_SCHEMA) } },
      async handler(request) {
        serviceOf(ctx);
        return releaseView(await releaseCall(() => setReleaseState(ctx.store, request.params.id, request.body.state, actorOf(request))));
      },
    }),
  ];
}

export const releaseApiRoutes: RouteFactory = (ctx) => [...payloadRoutes(ctx), ...releaseRoutes(ctx)];
