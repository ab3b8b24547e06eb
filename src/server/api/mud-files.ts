/**
 * The manufacturer publishes MUD files through the management API (RFC 8520 §13): a file and its
 * detached signature, both base64 in a JSON body. A file that does not validate strictly, is
 * unsigned, or whose signature does not verify over its bytes is refused; a published file is
 * served by the `mud` role under /mud/NAME and its signature at the default location.
 */
import { isMudFileName } from '../../store/mud-file-repository.ts';
import {
  infoOf,
  MAX_PUBLISHED_MUD_BYTES,
  MAX_PUBLISHED_SIGNATURE_BYTES,
  MUD_FILE_NAME,
  MudPublishError,
  preparePublication,
} from '../mud/publish.ts';
import { actorOf } from './auth.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { ApiProblem, invalidField } from './problem.ts';
import { jsonResponse, pageOf, pageParameters, type RouteFactory } from './route.ts';

const nameParameter = {
  name: 'name',
  in: 'path',
  required: true,
  description: "the file's name: the last segment of its mud-url",
  schema: { type: 'string', pattern: MUD_FILE_NAME.source },
};

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

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4;

function base64Field(body: Record<string, unknown>, field: string, required: boolean): Uint8Array | undefined {
  const v = body[field];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length % 4 !== 0 || !BASE64.test(v)) throw invalidField(field, 'base64 text');
  return new Uint8Array(Buffer.from(v, 'base64'));
}

function refused(e: MudPublishError): ApiProblem {
  return new ApiProblem(e.code === 'ERR_MUD_PUBLISH_TOO_LARGE' ? 413 : 422, e.code, e.message, e.details);
}

export const mudFileRoutes: RouteFactory = (ctx) => [
  {
    method: 'GET',
    url: '/mud-files',
    roles: ['manufacturer'],
    summary: 'The published MUD files, by name',
    openapi: {
      parameters: pageParameters,
      responses: {
        200: jsonResponse('a page of published MUD files', pageOf(INFO_SCHEMA)),
      },
    },
    async handler(request) {
      const page = await withCursorCheck(() => ctx.store.mudFiles.list(pageRequest(request.query as Record<string, unknown>)));
      return { items: page.items.map(infoOf), ...(page.next === undefined ? {} : { next: page.next }) };
    },
  },
  {
    method: 'GET',
    url: '/mud-files/:name',
    roles: ['manufacturer'],
    summary: 'One published MUD file',
    openapi: { parameters: [nameParameter], responses: { 200: jsonResponse('the published file', INFO_SCHEMA) } },
    async handler(request) {
      const { name } = request.params as { name: string };
      const file = await ctx.store.mudFiles.get(name);
      if (file === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no published MUD file ${name}`);
      return infoOf(file);
    },
  },
  {
    method: 'PUT',
    url: '/mud-files/:name',
    roles: ['manufacturer'],
    summary: 'Publish (or replace) a MUD file with its signature; refused unless it validates strictly and the signature verifies',
    // The largest file and signature, base64 in JSON, with room for the member names.
    bodyLimit: base64Length(MAX_PUBLISHED_MUD_BYTES) + base64Length(MAX_PUBLISHED_SIGNATURE_BYTES) + 1024,
    openapi: {
      parameters: [nameParameter],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['content', 'signature'],
              properties: {
                content: { type: 'string', contentEncoding: 'base64', description: 'the MUD file, byte for byte as signed' },
                signature: { type: 'string', contentEncoding: 'base64', description: 'the DER CMS detached signature (.p7s)' },
              },
            },
          },
        },
      },
      responses: { 200: jsonResponse('the published file', INFO_SCHEMA) },
    },
    async handler(request) {
      const { name } = request.params as { name: string };
      const body = request.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw invalidField('body', 'a JSON object { content, signature }');
      const content = base64Field(body as Record<string, unknown>, 'content', true)!;
      const signature = base64Field(body as Record<string, unknown>, 'signature', false);
      let input: ReturnType<typeof preparePublication>;
      try {
        input = preparePublication(name, content, signature, (ctx.clock ?? (() => new Date()))());
      } catch (e) {
        if (e instanceof MudPublishError) throw refused(e);
        throw e;
      }
      const stored = await ctx.store.transaction(async (r) => {
        const info = infoOf(await r.mudFiles.put(input));
        await r.audit.append({
          actor: actorOf(request),
          action: 'mud-file.published',
          subject: `mud-file:${name}`,
          details: { etag: info.contentEtag, signer: info.signer, mudUrl: info.mudUrl },
        });
        return info;
      });
      return stored;
    },
  },
  {
    method: 'DELETE',
    url: '/mud-files/:name',
    roles: ['manufacturer'],
    summary: 'Stop publishing a MUD file and its signature',
    openapi: { parameters: [nameParameter], responses: { 204: { description: 'no longer published' } } },
    async handler(request, reply) {
      const { name } = request.params as { name: string };
      const deleted = await ctx.store.transaction(async (r) => {
        const gone = isMudFileName(name) && (await r.mudFiles.delete(name));
        if (gone) await r.audit.append({ actor: actorOf(request), action: 'mud-file.deleted', subject: `mud-file:${name}`, details: {} });
        return gone;
      });
      if (!deleted) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no published MUD file ${name}`);
      return reply.code(204).send();
    },
  },
];
