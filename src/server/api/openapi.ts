/** The OpenAPI 3.1 document of the management API, built from the same route list the server serves. */

import type { TSchema } from 'typebox';
import { AUDIT_SCHEMA } from './audit.ts';
import { DEVICE_SCHEMA } from './devices.ts';
import { REGISTRATION_SCHEMA } from './rendezvous.ts';
import type { ApiRoute } from './route.ts';
import { VOUCHER_SCHEMA } from './voucher-view.ts';

export const API_PREFIX = '/api/v1';

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** `/devices/:guid` in Fastify's form is `/devices/{guid}` in OpenAPI's. */
export const openApiPath = (url: string): string => API_PREFIX + url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The members of a params or querystring schema as OpenAPI parameters, each with its description lifted out. */
function parametersOf(schema: TSchema | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  if (schema === undefined) return [];
  const { properties = {}, required = [] } = schema as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(properties).map(([name, { description, ...member }]) => ({
    name,
    in: where,
    ...(where === 'path' || required.includes(name) ? { required: true } : {}),
    ...(description === undefined ? {} : { description }),
    schema: member,
  }));
}

/** The operation's parameters and request body: what the route's schema checks, and what else it documents. */
function requestOf(r: ApiRoute): Record<string, unknown> {
  const parameters = [
    ...parametersOf(r.schema?.params, 'path'),
    ...parametersOf(r.schema?.querystring, 'query'),
    ...((r.openapi.parameters as unknown[] | undefined) ?? []),
  ];
  const documented = r.openapi.requestBody as { content?: Record<string, unknown> } | undefined;
  const body = r.schema?.body ?? r.jsonBody;
  return {
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(body === undefined && documented === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { ...(body === undefined ? {} : { 'application/json': { schema: body } }), ...documented?.content },
          },
        }),
  };
}

export function openApiDocument(routes: readonly ApiRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const secured = r.roles !== 'public';
    const operation = {
      summary: r.summary,
      ...(secured ? { description: `Roles: ${[...new Set(['admin', ...(r.roles as readonly string[])])].join(', ')}.` } : {}),
      security: secured ? [{ bearer: [] }] : [],
      ...r.openapi,
      ...requestOf(r),
      responses: {
        ...(r.openapi.responses as Record<string, unknown>),
        ...(secured
          ? { 401: problemResponse('no token, an unknown one, or a revoked one'), 403: problemResponse('the token lacks the role') }
          : {}),
        400: problemResponse('a parameter or the body is invalid; `field` names it'),
        default: problemResponse('any other failure'),
      },
    };
    paths[openApiPath(r.url)] = { ...paths[openApiPath(r.url)], [r.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'IoTopia management API', version, description: 'Vouchers, devices and the audit log of an IoTopia server.' },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API token (`iotopia token create`)' } },
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details',
          required: ['type', 'title', 'status', 'detail', 'code'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string', description: 'stable error code, see docs/errors-server.md' },
            field: { type: 'string', description: 'the request field at fault' },
            reason: { type: 'string', description: 'for a rejected voucher: the code of the failed check' },
          },
        },
        Voucher: VOUCHER_SCHEMA,
        Device: DEVICE_SCHEMA,
        AuditRecord: AUDIT_SCHEMA,
        Registration: REGISTRATION_SCHEMA,
      },
    },
  };
}
