/**
 * The `mud` role of `iotopia up`: serves published MUD files and their signatures (RFC 8520
 * §13) under /mud/, with the media types application/mud+json and application/pkcs7-signature,
 * a strong ETag, and Cache-Control max-age from the file's cache-validity (hours). Conditional
 * requests (If-None-Match) are answered with 304.
 */
import type { FastifyInstance } from 'fastify';
import { entityTag, resolvePublished } from '../../intent/mud-publication.ts';
import type { Store } from '../../store/store.ts';
import { sendSbom } from './serve-sbom.ts';

/** RFC 8520 §16.2 (IANA media types). */
export const MUD_MEDIA_TYPE = 'application/mud+json';
/** RFC 8551 §3.2.1: the media type of a detached CMS signature. */
export const SIGNATURE_MEDIA_TYPE = 'application/pkcs7-signature';
export const MUD_PATH_PREFIX = '/mud/';

/** True when an If-None-Match header value matches `etag` (weak comparison, RFC 9110 §13.1.2). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || strip(t) === strip(etag));
}

export function registerMudServing(app: FastifyInstance, store: Store): void {
  app.get<{ Params: { name: string } }>(`${MUD_PATH_PREFIX}:name`, async (request, reply) => {
    const found = await resolvePublished(store, request.params.name);
    if (found === undefined) {
      // RFC 9472: a published MUD file's sbom-url may name a path beside it, served from the product's SBOM.
      if (await sendSbom(store, request.params.name, request.headers['if-none-match'], reply)) return reply;
      return reply.code(404).type('text/plain; charset=utf-8').send('no such MUD file\n');
    }
    const { file, part } = found;
    const etag = entityTag(part === 'file' ? file.contentDigest : file.signatureDigest);
    reply
      .header('etag', etag)
      .header('cache-control', `public, max-age=${file.cacheValidity * 3600}`)
      .header('last-modified', file.updatedAt.toUTCString());
    if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
    const bytes = part === 'file' ? file.content : file.signature;
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    return reply.type(part === 'file' ? MUD_MEDIA_TYPE : SIGNATURE_MEDIA_TYPE).send(body);
  });
}
