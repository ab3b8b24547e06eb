/**
 * The management API as a Fastify plugin under /api/v1: every route but the OpenAPI document
 * needs a bearer token with a fitting role, and every failure is a problem-details answer.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest, FastifySchema } from 'fastify';
import { newAjv } from '../../platform/json-schema.ts';
import { ensureRateLimiting } from '../http/rate-limits.ts';
import { type ApiRateLimits, apiLimiters, limitRequest } from './api-limits.ts';
import { assessmentReportRoutes } from './assessment-reports.ts';
import { assessmentRoutes } from './assessments.ts';
import { auditRoutes } from './audit.ts';
import { authenticate, authorize } from './auth.ts';
import { campaignApiRoutes } from './campaigns.ts';
import { demoRoutes } from './demo.ts';
import { deviceCredentialRoutes } from './device-credentials.ts';
import { deviceDetailRoutes } from './device-detail.ts';
import { deviceRoutes } from './devices.ts';
import { intentDeviceRoutes } from './intent-devices.ts';
import { intentStatsRoutes } from './intent-stats.ts';
import { manufacturerDiTokenRoutes } from './manufacturer-di-tokens.ts';
import { manufacturerRvInfoRoutes } from './manufacturer-rv-info.ts';
import { manufacturerVoucherRoutes } from './manufacturer-vouchers.ts';
import { meRoutes } from './me.ts';
import { mudFileRoutes } from './mud-files.ts';
import { onboardingStatsRoutes } from './onboarding-stats.ts';
import { API_PREFIX, openApiDocument } from './openapi.ts';
import { ownerRendezvousRoutes } from './owner-rendezvous.ts';
import { ownerResaleRoutes } from './owner-resale.ts';
import { ownerServiceInfoRoutes } from './owner-serviceinfo.ts';
import { ownerTo2AddressRoutes } from './owner-to2-address.ts';
import { ownerVoucherRoutes } from './owner-vouchers.ts';
import { ApiProblem, problemErrorHandler, sendProblem } from './problem.ts';
import { productEvidenceRoutes } from './product-evidence.ts';
import { productApiRoutes } from './products.ts';
import { releaseApiRoutes } from './releases.ts';
import { rendezvousRoutes } from './rendezvous.ts';
import { rendezvousPolicyRoutes } from './rendezvous-policy.ts';
import type { ApiContext, ApiRoute } from './route.ts';
import { SBOM_MEDIA_TYPES, sbomApiRoutes } from './sboms.ts';
import { tokenRoutes } from './tokens-api.ts';
import { vulnerabilityApiRoutes } from './vulnerabilities.ts';

export { API_PREFIX } from './openapi.ts';

const BODY_LIMIT = 1024 * 1024;

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Every route of the API, the OpenAPI document's own included. */
export function apiRoutes(ctx: ApiContext): ApiRoute[] {
  const routes = [
    ...manufacturerVoucherRoutes(ctx),
    ...manufacturerRvInfoRoutes(ctx),
    ...manufacturerDiTokenRoutes(ctx),
    ...ownerVoucherRoutes(ctx),
    ...ownerResaleRoutes(ctx),
    ...ownerTo2AddressRoutes(ctx),
    ...ownerRendezvousRoutes(ctx),
    ...ownerServiceInfoRoutes(ctx),
    ...deviceRoutes(ctx),
    ...deviceCredentialRoutes(ctx),
    ...releaseApiRoutes(ctx),
    ...campaignApiRoutes(ctx),
    ...rendezvousRoutes(ctx),
    ...rendezvousPolicyRoutes(ctx),
    ...auditRoutes(ctx),
    ...tokenRoutes(ctx),
    ...meRoutes(ctx),
    ...mudFileRoutes(ctx),
    ...intentDeviceRoutes(ctx),
    ...intentStatsRoutes(ctx),
    ...productApiRoutes(ctx),
    ...sbomApiRoutes(ctx),
    ...vulnerabilityApiRoutes(ctx),
    ...assessmentRoutes(ctx),
    ...assessmentReportRoutes(ctx),
    ...productEvidenceRoutes(ctx),
    ...demoRoutes(ctx),
    ...deviceDetailRoutes(ctx),
    ...onboardingStatsRoutes(ctx),
  ];
  let document: Record<string, unknown> | undefined;
  const self: ApiRoute = {
    method: 'GET',
    url: '/openapi.json',
    roles: 'public',
    summary: 'This OpenAPI document',
    openapi: {
      responses: { 200: { description: 'the OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
    async handler() {
      document ??= openApiDocument([self, ...routes], version());
      return document;
    },
  };
  return [self, ...routes];
}

/** The route's schema as Fastify takes it: a body of several media types is checked only as JSON. */
function fastifySchema(route: ApiRoute): FastifySchema {
  const schema: FastifySchema = { ...route.schema };
  if (route.jsonBody !== undefined) schema.body = { content: { 'application/json': { schema: route.jsonBody } } };
  return schema;
}

export function managementApi(ctx: ApiContext, limits: ApiRateLimits = {}): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    await ensureRateLimiting(app);
    const limiters = apiLimiters(app, limits);
    // Vouchers arrive as CBOR or PEM files; the handlers decide what the bytes are.
    app.addContentTypeParser(
      ['application/cbor', 'application/octet-stream', 'application/x-pem-file'],
      { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
      (_r, body, done) => done(null, body),
    );
    // SBOMs in their formats' own media types reach the import as the bytes sent (their digest is of those).
    app.addContentTypeParser(SBOM_MEDIA_TYPES, { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
    // Fastify's default Ajv coerces bodies and drops unknown members; the API refuses both by name.
    const bodies = newAjv({ coerce: false });
    const texts = newAjv({ coerce: true });
    app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : texts).compile(schema));
    app.setErrorHandler(problemErrorHandler);
    // Before authentication and before the body is read: a flood costs no lookup and no parsing.
    app.addHook('onRequest', async (request) => limitRequest(limiters, request));
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, new ApiProblem(404, 'ERR_API_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
    );
    const options = (route: ApiRoute) => {
      const roles = route.roles;
      return {
        method: route.method,
        url: route.url,
        bodyLimit: route.bodyLimit ?? BODY_LIMIT,
        ...(route.schema === undefined && route.jsonBody === undefined ? {} : { schema: fastifySchema(route) }),
        ...(roles === 'public'
          ? {}
          : {
              onRequest: async (request: FastifyRequest) => {
                await authenticate(ctx.store, request, { limiters, now: (ctx.clock ?? (() => new Date()))() });
                authorize(request, roles);
              },
            }),
        handler: route.handler,
      };
    };
    const routes = apiRoutes(ctx);
    for (const route of routes.filter((r) => r.streamBody !== true)) app.route(options(route));
    const streamed = routes.filter((r) => r.streamBody === true);
    if (streamed.length > 0)
      app.register(async (child) => {
        // Their octet-stream bodies reach the handler as the request stream, never buffered here.
        child.removeContentTypeParser('application/octet-stream');
        child.addContentTypeParser('application/octet-stream', (_r, payload, done) => done(null, payload));
        for (const route of streamed) child.route(options(route));
      });
  };
}

export const registerManagementApi = (app: FastifyInstance, ctx: ApiContext, limits?: ApiRateLimits): void => {
  app.register(managementApi(ctx, limits), { prefix: API_PREFIX });
};
