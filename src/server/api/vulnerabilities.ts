/**
 * Vulnerabilities over the management API: OSV records imported (one record or an array, one
 * transaction per request), VEX documents imported, a release's matches, a product's open ones
 * with their remediation deadlines, and the devices one vulnerability affects.
 */
import { Type } from 'typebox';
import { DEFAULT_MAX_IMPORT_BYTES } from '../../compliance/products/context.ts';
import type { VulnerabilityMatch } from '../../compliance/vulns/vuln-types.ts';
import { actorOf } from './auth.ts';
import { COMPLIANCE_READ, COMPLIANCE_WRITE } from './compliance-roles.ts';
import { bodyBytes, productCall, productsOf } from './product-call.ts';
import { ModelParams } from './products.ts';
import { type ApiContext, jsonResponse, type RouteFactory, route } from './route.ts';
import { ReleaseParams } from './sboms.ts';

const READ = COMPLIANCE_READ;
const SourceQuery = Type.Object({
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'the file name, for the record' })),
});
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' }) });
const OBJECT = { type: 'object' };

const matchView = (m: VulnerabilityMatch) => m;

function vulnerabilityRoutes(ctx: ApiContext) {
  const now = () => (ctx.clock ?? (() => new Date()))();
  return [
    route({
      method: 'POST',
      url: '/vulnerabilities',
      roles: COMPLIANCE_WRITE,
      summary: 'Import OSV records: one record or a JSON array of them, all or none',
      schema: { querystring: SourceQuery },
      bodyLimit: DEFAULT_MAX_IMPORT_BYTES,
      openapi: {
        requestBody: { content: { 'application/json': { schema: { oneOf: [OBJECT, { type: 'array', items: OBJECT }] } } } },
        responses: { 200: jsonResponse('what was imported, and records kept because the stored one is newer', OBJECT) },
      },
      async handler(request) {
        return productCall(() => productsOf(ctx).importOsv(bodyBytes(request.body), request.query.source ?? 'api', actorOf(request)));
      },
    }),
    route({
      method: 'GET',
      url: '/vulnerabilities/:id/devices',
      roles: READ,
      summary: 'The releases an OSV record applies to and the devices running them (VEX considered); devices of unknown version apart',
      schema: { params: IdParams },
      openapi: {
        responses: {
          200: jsonResponse('the affected releases and devices', { type: 'object', required: ['releases', 'devices', 'versionUnknown'] }),
        },
      },
      async handler(request) {
        return productCall(() => productsOf(ctx).affectedDevices(request.params.id));
      },
    }),
    route({
      method: 'POST',
      url: '/vex',
      roles: COMPLIANCE_WRITE,
      summary: 'Import a VEX document (OpenVEX or CycloneDX VEX); every statement is audited',
      schema: { querystring: SourceQuery },
      bodyLimit: DEFAULT_MAX_IMPORT_BYTES,
      openapi: {
        requestBody: { content: { 'application/json': { schema: OBJECT } } },
        responses: { 200: jsonResponse('how many statements were imported', OBJECT) },
      },
      async handler(request) {
        return productCall(() => productsOf(ctx).importVex(bodyBytes(request.body), request.query.source ?? 'api', actorOf(request)));
      },
    }),
    route({
      method: 'GET',
      url: '/products/:model/releases/:version/vulnerabilities',
      roles: READ,
      summary: "The vulnerabilities matching the release's SBOM components, with the VEX statement that decided each",
      schema: { params: ReleaseParams },
      openapi: { responses: { 200: jsonResponse('the matches', { type: 'object', required: ['items'] }) } },
      async handler(request) {
        const r = await productCall(() => productsOf(ctx).releaseVulnerabilities(request.params.model, request.params.version));
        return { model: r.model, version: r.version, items: r.matches.map(matchView) };
      },
    }),
    route({
      method: 'GET',
      url: '/products/:model/vulnerabilities',
      roles: READ,
      summary: "The open vulnerabilities of the product's current release, with remediation deadlines",
      schema: { params: ModelParams },
      openapi: { responses: { 200: jsonResponse('the open vulnerabilities', { type: 'object', required: ['open'] }) } },
      async handler(request) {
        return productCall(() => productsOf(ctx).openVulnerabilities(request.params.model, now()));
      },
    }),
  ];
}

export const vulnerabilityApiRoutes: RouteFactory = (ctx) => vulnerabilityRoutes(ctx);
