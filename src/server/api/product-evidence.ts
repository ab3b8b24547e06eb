/**
 * Evidence a product's maker supplies over the management API: manual statements about one
 * provision, with files attached as base64 within the limits, and open-port probe results. Both
 * are recorded with an audit record and listed; the rules live in src/compliance/assessment.
 */
import { Type } from 'typebox';
import {
  EVIDENCE_ID_TEXT,
  MANUAL_OUTCOMES,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  MAX_STATEMENT_BYTES,
  MAX_STATEMENT_CHARS,
  MEDIA_TYPE,
  PRODUCT_MODEL,
} from '../../compliance/assessment/evidence-limits.ts';
import type { ProbeEntry } from '../../compliance/assessment/evidence-records.ts';
import { assessmentCall, assessmentsOf, pageView } from './assessment-problems.ts';
import { actorOf } from './auth.ts';
import { COMPLIANCE_READ, COMPLIANCE_WRITE } from './compliance-roles.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { jsonResponse, pageOf, pageQuery, type RouteFactory, route } from './route.ts';

const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);
/** The attachments' base64 at their largest, and room for the rest of the statement. */
const MANUAL_BODY_LIMIT = base64Length(MAX_STATEMENT_BYTES) + 1024 * 1024;

const ModelParams = Type.Object({ model: Type.String({ pattern: PRODUCT_MODEL.source }) });
const Attachment = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    mediaType: Type.String({ pattern: MEDIA_TYPE.source, maxLength: 255 }),
    content: Type.String({
      maxLength: base64Length(MAX_ATTACHMENT_BYTES),
      pattern: '^[A-Za-z0-9+/]*={0,2}$',
      description: `the file, base64; at most ${MAX_ATTACHMENT_BYTES} bytes`,
    }),
  },
  { additionalProperties: false },
);
const NewManual = Type.Object(
  {
    catalog: Type.String({ pattern: EVIDENCE_ID_TEXT.source }),
    provision: Type.String({ pattern: EVIDENCE_ID_TEXT.source }),
    statement: Type.String({ minLength: 1, maxLength: MAX_STATEMENT_CHARS }),
    outcome: Type.Union(MANUAL_OUTCOMES.map((o) => Type.Literal(o))),
    attachments: Type.Optional(Type.Array(Attachment, { maxItems: MAX_ATTACHMENTS })),
  },
  { additionalProperties: false },
);
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const PortList = Type.Array(Port, { maxItems: 65535 });
const ProbeResult = Type.Object(
  {
    address: Type.String({ minLength: 1, maxLength: 64 }),
    mudUrl: Type.String({ minLength: 1, maxLength: 2048 }),
    protocol: Type.Literal('tcp'),
    ports: Type.Object({ from: Port, to: Port }, { additionalProperties: false }),
    open: PortList,
    allowed: PortList,
    unexpected: PortList,
    closed: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    filtered: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const MANUAL_SCHEMA = {
  type: 'object',
  required: ['id', 'productModel', 'catalog', 'provision', 'statement', 'outcome', 'attachments', 'by', 'at'],
  properties: {
    id: { type: 'string' },
    productModel: { type: 'string' },
    catalog: { type: 'string' },
    provision: { type: 'string' },
    statement: { type: 'string' },
    outcome: { type: 'string', enum: MANUAL_OUTCOMES },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, mediaType: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' } },
      },
    },
    by: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
  },
};
const PROBE_SCHEMA = {
  type: 'object',
  required: ['id', 'productModel', 'result', 'by', 'at'],
  properties: {
    id: { type: 'string' },
    productModel: { type: 'string' },
    result: { type: 'object', description: 'the PortProbeResult as recorded' },
    by: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
  },
};

const probeView = (p: ProbeEntry) => ({ ...p, at: p.at.toISOString() });

export const productEvidenceRoutes: RouteFactory = (ctx) => [
  route({
    method: 'POST',
    url: '/products/:model/manual-evidence',
    roles: COMPLIANCE_WRITE,
    summary: `A manual statement about one provision, with up to ${MAX_ATTACHMENTS} files (base64); audited`,
    schema: { params: ModelParams, body: NewManual },
    bodyLimit: MANUAL_BODY_LIMIT,
    openapi: { responses: { 201: jsonResponse('the statement as recorded', MANUAL_SCHEMA) } },
    async handler(request, reply) {
      const s = assessmentsOf(ctx);
      const { attachments, ...rest } = request.body;
      const files = (attachments ?? []).map((a) => ({
        name: a.name,
        mediaType: a.mediaType,
        bytes: new Uint8Array(Buffer.from(a.content, 'base64')),
      }));
      const m = await assessmentCall(() => s.addManualEvidence(request.params.model, { ...rest, attachments: files }, actorOf(request)));
      return reply.code(201).send(m);
    },
  }),
  route({
    method: 'GET',
    url: '/products/:model/manual-evidence',
    roles: COMPLIANCE_READ,
    summary: "The product's manual statements, oldest first",
    schema: { params: ModelParams, querystring: pageQuery({}) },
    openapi: { responses: { 200: jsonResponse('a page of statements', pageOf(MANUAL_SCHEMA)) } },
    async handler(request) {
      const s = assessmentsOf(ctx);
      return pageView(await withCursorCheck(() => s.listManualEvidence(request.params.model, pageRequest(request.query))), (m) => m);
    },
  }),
  route({
    method: 'GET',
    url: '/products/:model/manual-evidence/:id/attachments/:n',
    roles: COMPLIANCE_READ,
    summary: 'One file attached to a statement, as its media type; ETag its SHA-256',
    schema: {
      params: Type.Object({
        model: ModelParams.properties.model,
        id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }),
        n: Type.Integer({ minimum: 0, maximum: MAX_ATTACHMENTS - 1 }),
      }),
    },
    openapi: {
      responses: { 200: { description: 'the file', content: { '*/*': { schema: { type: 'string', contentEncoding: 'binary' } } } } },
    },
    async handler(request, reply) {
      const s = assessmentsOf(ctx);
      const { model, id, n } = request.params;
      const a = await assessmentCall(() => s.attachment(model, id, n));
      // Served as a download, never rendered: the bytes are the maker's, not ours.
      reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(a.name)}`);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('etag', `"${a.sha256}"`);
      return reply.type(a.mediaType).send(Buffer.from(a.bytes));
    },
  }),
  route({
    method: 'POST',
    url: '/products/:model/probes',
    roles: COMPLIANCE_WRITE,
    summary: "An open-port probe of one of the product's test devices; audited, the newest feeds the open-ports rule",
    schema: { params: ModelParams, body: ProbeResult },
    openapi: { responses: { 201: jsonResponse('the probe as recorded', PROBE_SCHEMA) } },
    async handler(request, reply) {
      const s = assessmentsOf(ctx);
      const p = await assessmentCall(() => s.recordProbe(request.params.model, request.body, actorOf(request)));
      return reply.code(201).send(probeView(p));
    },
  }),
  route({
    method: 'GET',
    url: '/products/:model/probes',
    roles: COMPLIANCE_READ,
    summary: "The product's probe results, newest first",
    schema: { params: ModelParams, querystring: pageQuery({}) },
    openapi: { responses: { 200: jsonResponse('a page of probe results', pageOf(PROBE_SCHEMA)) } },
    async handler(request) {
      const s = assessmentsOf(ctx);
      return pageView(await withCursorCheck(() => s.listProbes(request.params.model, pageRequest(request.query))), probeView);
    },
  }),
];
