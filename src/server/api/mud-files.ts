/**
 * The manufacturer publishes MUD files through the management API (RFC 8520 §13): a file and its
 * detached signature, both base64 in a JSON body. A file that does not validate strictly, is
 * unsigned, or whose signature does not verify over its bytes is refused; a published file is
 * served by the `mud` role under /mud/NAME and its signature at the default location.
 */
import { Type } from 'typebox';
import {
  infoOf,
  MAX_PUBLISHED_MUD_BYTES,
  MAX_PUBLISHED_SIGNATURE_BYTES,
  MudPublishError,
  publishMudFile,
  unpublishMudFile,
} from '../../intent/mud-publication.ts';
import { describePublishedMud } from '../../intent/mud-publication-describe.ts';
import { BASE64_PATTERN } from '../../platform/json-schema.ts';
import { actorOf } from './auth.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { ApiProblem } from './problem.ts';
import { jsonResponse, pageOf, pageQuery, type RouteFactory, route } from './route.ts';

/** The name's rules are checked where it is published, so that a bad name is refused with ERR_MUD_PUBLISH_NAME. */
const NameParams = Type.Object({
  name: Type.String({ description: "the file's name: the last segment of its mud-url (letters, digits, . _ -; not .p7s)" }),
});
const MudFileQuery = pageQuery({});
const Publication = Type.Object({
  content: Type.String({
    minLength: 1,
    pattern: BASE64_PATTERN,
    contentEncoding: 'base64',
    description: 'the MUD file, byte for byte as signed',
  }),
  signature: Type.Optional(
    Type.String({ minLength: 1, pattern: BASE64_PATTERN, contentEncoding: 'base64', description: 'the DER CMS detached signature (.p7s)' }),
  ),
});

const INFO_SCHEMA = {
  type: 'object',
  required: [
    'name',
    'mudUrl',
    'contentEtag',
    'signatureEtag',
    'cacheValidity',
    'signer',
    'publishedAt',
    'updatedAt',
    'bytes',
    'signatureBytes',
  ],
  properties: {
    name: { type: 'string' },
    mudUrl: { type: 'string' },
    contentEtag: { type: 'string' },
    signatureEtag: { type: 'string' },
    cacheValidity: { type: 'integer', description: 'hours; the max-age the files are served with' },
    signer: { type: 'string', description: "the signing certificate's subject" },
    publishedAt: { type: 'string', format: 'date-time', description: 'when a file was first published under this name' },
    updatedAt: { type: 'string', format: 'date-time', description: 'when the file under this name last changed (Last-Modified)' },
    bytes: { type: 'integer' },
    signatureBytes: { type: 'integer' },
  },
};

/** Published files are public (served under /mud/ without a token), so those who run or audit the network may read them too. */
const READ = ['manufacturer', 'owner', 'auditor'] as const;

const DESCRIPTION_SCHEMA = {
  type: 'object',
  required: ['device', 'sentences', 'rows'],
  properties: {
    device: {
      type: 'object',
      properties: {
        mudUrl: { type: 'string' },
        manufacturer: { type: 'string' },
        model: { type: 'string' },
        systeminfo: { type: 'string' },
        documentation: { type: 'string' },
        lastUpdate: { type: 'string' },
        cacheValidityHours: { type: 'integer' },
        supported: { type: 'boolean' },
        extensions: { type: 'array', items: { type: 'string' } },
      },
    },
    sentences: { type: 'array', items: { type: 'string' }, description: 'the policy in plain words' },
    rows: {
      type: 'array',
      description: 'one row per ACE, in policy order',
      items: {
        type: 'object',
        properties: {
          policy: { enum: ['from-device', 'to-device', 'quarantine'] },
          acl: { type: 'string' },
          ace: { type: 'string' },
          family: { enum: ['ipv4', 'ipv6', 'eth', 'any'] },
          peer: { type: 'string' },
          protocol: { type: 'string' },
          ports: { type: 'string' },
          initiatedBy: { enum: ['device', 'remote'] },
          action: { type: 'string' },
        },
      },
    },
  },
};

const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4;
const bytesOf = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));

function refused(e: MudPublishError): ApiProblem {
  return new ApiProblem(e.code === 'ERR_MUD_PUBLISH_TOO_LARGE' ? 413 : 422, e.code, e.message, e.details);
}

export const mudFileRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/mud-files',
    roles: READ,
    summary: 'The published MUD files, by name',
    schema: { querystring: MudFileQuery },
    openapi: {
      responses: {
        200: jsonResponse('a page of published MUD files', pageOf(INFO_SCHEMA)),
      },
    },
    async handler(request) {
      const page = await withCursorCheck(() => ctx.store.mudFiles.list(pageRequest(request.query)));
      return { items: page.items.map(infoOf), ...(page.next === undefined ? {} : { next: page.next }) };
    },
  }),
  route({
    method: 'GET',
    url: '/mud-files/:name',
    roles: READ,
    summary: 'One published MUD file',
    schema: { params: NameParams },
    openapi: { responses: { 200: jsonResponse('the published file', INFO_SCHEMA) } },
    async handler(request) {
      const { name } = request.params;
      const file = await ctx.store.mudFiles.get(name);
      if (file === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no published MUD file ${name}`);
      return infoOf(file);
    },
  }),
  route({
    method: 'GET',
    url: '/mud-files/:name/description',
    roles: READ,
    summary: "One published MUD file's policy in plain words: sentences and one row per ACE",
    schema: { params: NameParams },
    openapi: { responses: { 200: jsonResponse('the description', DESCRIPTION_SCHEMA) } },
    async handler(request) {
      const { name } = request.params;
      const description = await describePublishedMud(ctx.store.mudFiles, name);
      if (description === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no published MUD file ${name}`);
      return description;
    },
  }),
  route({
    method: 'PUT',
    url: '/mud-files/:name',
    roles: ['manufacturer'],
    summary: 'Publish (or replace) a MUD file with its signature; refused unless it validates strictly and the signature verifies',
    // The largest file and signature, base64 in JSON, with room for the member names.
    bodyLimit: base64Length(MAX_PUBLISHED_MUD_BYTES) + base64Length(MAX_PUBLISHED_SIGNATURE_BYTES) + 1024,
    schema: { params: NameParams, body: Publication },
    openapi: { responses: { 200: jsonResponse('the published file', INFO_SCHEMA) } },
    async handler(request) {
      const { name } = request.params;
      const content = bytesOf(request.body.content);
      // Optional here so that an unsigned file is refused by name (ERR_MUD_PUBLISH_UNSIGNED).
      const signature = request.body.signature === undefined ? undefined : bytesOf(request.body.signature);
      try {
        return await publishMudFile(ctx.store, { name, content, signature }, (ctx.clock ?? (() => new Date()))(), actorOf(request));
      } catch (e) {
        if (e instanceof MudPublishError) throw refused(e);
        throw e;
      }
    },
  }),
  route({
    method: 'DELETE',
    url: '/mud-files/:name',
    roles: ['manufacturer'],
    summary: 'Stop publishing a MUD file and its signature',
    schema: { params: NameParams },
    openapi: { responses: { 204: { description: 'no longer published' } } },
    async handler(request, reply) {
      const { name } = request.params;
      const deleted = await unpublishMudFile(ctx.store, name, actorOf(request));
      if (!deleted) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no published MUD file ${name}`);
      return reply.code(204).send();
    },
  }),
];
