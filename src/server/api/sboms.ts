/**
 * SBOMs over the management API: imported per release as CycloneDX (1.5, 1.6) or SPDX (2.3) JSON,
 * under their registered media types or plain JSON; read back as sent, or as their components.
 */
import { Type } from 'typebox';
import { DEFAULT_MAX_IMPORT_BYTES } from '../../compliance/products/context.ts';
import { PRODUCT_VERSION } from '../../compliance/products/product-input.ts';
import { sbomMediaType } from '../../compliance/products/sbom-read.ts';
import { actorOf } from './auth.ts';
import { COMPLIANCE_READ, COMPLIANCE_WRITE } from './compliance-roles.ts';
import { bodyBytes, productCall, productsOf, sbomInfoView } from './product-call.ts';
import { ModelParams } from './products.ts';
import { type ApiContext, jsonResponse, type RouteFactory, route } from './route.ts';

/** The media types an SBOM is sent in; the first two reach the route as the bytes sent (management-api.ts). */
export const SBOM_MEDIA_TYPES = ['application/vnd.cyclonedx+json', 'application/spdx+json'];

const READ = COMPLIANCE_READ;
const ReleaseParams = Type.Object({ ...ModelParams.properties, version: Type.String({ pattern: PRODUCT_VERSION.source }) });
const SourceQuery = Type.Object({
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'the file name, for the record' })),
});
const SBOM_SCHEMA = { type: 'object', required: ['model', 'version', 'format', 'specVersion', 'digest', 'size', 'componentCount'] };
const binary = { schema: { type: 'string', contentEncoding: 'binary' } };

function sbomRoutes(ctx: ApiContext) {
  return [
    route({
      method: 'PUT',
      url: '/products/:model/releases/:version/sbom',
      roles: COMPLIANCE_WRITE,
      summary: "Import the release's SBOM (CycloneDX 1.5/1.6 or SPDX 2.3 JSON), replacing the one it had",
      schema: { params: ReleaseParams, querystring: SourceQuery },
      bodyLimit: DEFAULT_MAX_IMPORT_BYTES,
      openapi: {
        requestBody: {
          content: {
            [SBOM_MEDIA_TYPES[0] as string]: binary,
            [SBOM_MEDIA_TYPES[1] as string]: binary,
            'application/json': { schema: { type: 'object' } },
          },
        },
        responses: { 201: jsonResponse('the SBOM as stored', SBOM_SCHEMA) },
      },
      async handler(request, reply) {
        const { model, version } = request.params;
        const source = request.query.source ?? 'api';
        const stored = await productCall(() =>
          productsOf(ctx).importSbom(model, version, bodyBytes(request.body), source, actorOf(request)),
        );
        return reply.code(201).send(sbomInfoView(stored));
      },
    }),
    route({
      method: 'GET',
      url: '/products/:model/releases/:version/sbom',
      roles: READ,
      summary: "The release's SBOM as imported, in its format's media type",
      schema: { params: ReleaseParams },
      openapi: {
        responses: {
          200: { description: 'the SBOM', content: { [SBOM_MEDIA_TYPES[0] as string]: binary, [SBOM_MEDIA_TYPES[1] as string]: binary } },
        },
      },
      async handler(request, reply) {
        const { info, bytes } = await productCall(() => productsOf(ctx).getSbom(request.params.model, request.params.version));
        return reply
          .type(sbomMediaType(info.format))
          .header('etag', `"${info.digest.slice(0, 32)}"`)
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      },
    }),
    route({
      method: 'GET',
      url: '/products/:model/releases/:version/sbom/components',
      roles: READ,
      summary: "The release's SBOM record and its components, in document order",
      schema: { params: ReleaseParams },
      openapi: { responses: { 200: jsonResponse('the SBOM and its components', { type: 'object', required: ['sbom', 'components'] }) } },
      async handler(request) {
        const { info, components } = await productCall(() => productsOf(ctx).sbomComponents(request.params.model, request.params.version));
        return { sbom: sbomInfoView(info), components };
      },
    }),
  ];
}

export const sbomApiRoutes: RouteFactory = (ctx) => sbomRoutes(ctx);
export { ReleaseParams };
