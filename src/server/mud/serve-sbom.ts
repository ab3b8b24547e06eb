/**
 * An SBOM served beside a published MUD file at the `sbom-url` its RFC 9472 transparency member
 * names (src/compliance/products/mud-sbom-link.ts), public as MUD files are, with the format's
 * registered media type and a strong ETag from the document's digest.
 */
import type { FastifyReply } from 'fastify';
import { sbomServedAs } from '../../compliance/products/mud-sbom-link.ts';
import { sbomMediaType } from '../../compliance/products/sbom-read.ts';
import type { Store } from '../../store/store.ts';
import { etagMatches } from './serve.ts';

/** True when an SBOM was sent (or a 304 for it). */
export async function sendSbom(store: Store, name: string, ifNoneMatch: string | undefined, reply: FastifyReply): Promise<boolean> {
  const found = await sbomServedAs(store, name);
  if (found === undefined) return false;
  const etag = `"${found.info.digest.slice(0, 32)}"`;
  reply.header('etag', etag).header('cache-control', 'public, max-age=3600').header('last-modified', found.info.importedAt.toUTCString());
  if (etagMatches(ifNoneMatch, etag)) {
    await reply.code(304).send();
    return true;
  }
  await reply.type(sbomMediaType(found.info.format)).send(Buffer.from(found.bytes.buffer, found.bytes.byteOffset, found.bytes.length));
  return true;
}
