/**
 * Assessments over the management API: a product assessed against a market's catalogs or one
 * catalog, its assessments listed newest first, one read, and two compared. The rules live in
 * src/compliance/assessment; these routes only adapt.
 */
import { Type } from 'typebox';
import { EVIDENCE_ID_TEXT, PRODUCT_MODEL } from '../../compliance/assessment/evidence-limits.ts';
import type { AssessmentInfo } from '../../store/assessment-repository.ts';
import { assessmentCall, assessmentsOf, pageView } from './assessment-problems.ts';
import { actorOf } from './auth.ts';
import { COMPLIANCE_READ, COMPLIANCE_WRITE } from './compliance-roles.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { invalidField } from './problem.ts';
import { productCall } from './product-call.ts';
import { jsonResponse, pageOf, pageQuery, type RouteFactory, route } from './route.ts';

const OUTCOMES = ['met', 'not-met', 'partially-met', 'not-applicable', 'manual-evidence-needed'];
const Model = Type.String({ pattern: PRODUCT_MODEL.source, description: 'the product model' });
const IdText = Type.String({ pattern: EVIDENCE_ID_TEXT.source });
const AssessmentId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' });

const NewAssessment = Type.Object(
  {
    product: Model,
    market: Type.Optional(Type.String({ minLength: 1, maxLength: 16, description: 'eu, uk, us or us-ca' })),
    catalog: Type.Optional(IdText),
  },
  { additionalProperties: false, description: 'exactly one of market and catalog' },
);

const COUNTS = {
  type: 'object',
  required: ['met', 'notMet', 'partiallyMet', 'notApplicable', 'manualEvidenceNeeded'],
  properties: Object.fromEntries(
    ['met', 'notMet', 'partiallyMet', 'notApplicable', 'manualEvidenceNeeded'].map((k) => [k, { type: 'integer' }]),
  ),
};
const RESULT_SCHEMA = {
  type: 'object',
  required: ['catalog', 'provision', 'section', 'title', 'status', 'outcome', 'rules'],
  properties: {
    catalog: { type: 'string' },
    provision: { type: 'string' },
    section: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'string', enum: ['M', 'R', 'M C', 'R C'] },
    outcome: { type: 'string', enum: OUTCOMES },
    condition: { type: 'object', description: 'the condition that does not hold, or that manual evidence must decide' },
    rules: { type: 'array', items: { type: 'object', description: 'an evidence rule result with the evidence it rests on' } },
    manual: { type: 'object', description: 'the newest manual evidence for this provision' },
    remedy: { type: 'string' },
  },
};
const ASSESSMENT_SCHEMA = {
  type: 'object',
  required: ['id', 'productModel', 'catalogs', 'at', 'results', 'summary', 'gaps'],
  properties: {
    id: { type: 'string' },
    productModel: { type: 'string' },
    market: { type: 'string' },
    catalogs: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, version: { type: 'string' } } },
    },
    at: { type: 'string', format: 'date-time' },
    results: { type: 'array', items: RESULT_SCHEMA },
    summary: COUNTS,
    gaps: { type: 'array', items: { type: 'object', description: 'catalog, provision, outcome, remedy; most important first' } },
  },
};
const INFO_SCHEMA = {
  type: 'object',
  required: ['id', 'productModel', 'catalogs', 'at', 'summary'],
  properties: {
    id: { type: 'string' },
    productModel: { type: 'string' },
    market: { type: 'string' },
    catalogs: { type: 'array', items: { type: 'string' } },
    at: { type: 'string', format: 'date-time' },
    summary: COUNTS,
  },
};
const DIFF_SCHEMA = {
  type: 'object',
  required: ['from', 'to', 'changes'],
  properties: {
    from: { type: 'string' },
    to: { type: 'string' },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['catalog', 'provision', 'why'],
        properties: {
          catalog: { type: 'string' },
          provision: { type: 'string' },
          before: { type: 'string', enum: OUTCOMES },
          after: { type: 'string', enum: OUTCOMES },
          why: { type: 'string' },
        },
      },
    },
  },
};

const infoView = (a: AssessmentInfo) => ({
  id: a.id,
  productModel: a.model,
  ...(a.market === undefined ? {} : { market: a.market }),
  catalogs: a.catalogs,
  at: a.at.toISOString(),
  summary: a.counts,
});

const READERS = COMPLIANCE_READ;

export const assessmentRoutes: RouteFactory = (ctx) => [
  route({
    method: 'POST',
    url: '/assessments',
    roles: COMPLIANCE_WRITE,
    summary: "Assess a product against a market's catalogs or one catalog; the assessment is kept and audited",
    schema: { body: NewAssessment },
    openapi: { responses: { 201: jsonResponse('the assessment', ASSESSMENT_SCHEMA) } },
    async handler(request, reply) {
      const s = assessmentsOf(ctx);
      const { product, market, catalog } = request.body;
      if ((market === undefined) === (catalog === undefined)) throw invalidField('body', 'give exactly one of market and catalog');
      const target = market === undefined ? { catalog: catalog as string } : { market };
      // Matching the current release's vulnerabilities can be refused (too many candidate records): the product's code.
      const a = await productCall(() => assessmentCall(() => s.assess(product, target, actorOf(request))));
      return reply.code(201).send(a);
    },
  }),
  route({
    method: 'GET',
    url: '/assessments',
    roles: READERS,
    summary: "A product's assessments, newest first (summaries; read one for its results)",
    schema: { querystring: pageQuery({ product: Model }) },
    openapi: { responses: { 200: jsonResponse('a page of assessments', pageOf(INFO_SCHEMA)) } },
    async handler(request) {
      const s = assessmentsOf(ctx);
      const { product, ...query } = request.query;
      return pageView(await withCursorCheck(() => s.list(product, pageRequest(query))), infoView);
    },
  }),
  route({
    method: 'GET',
    url: '/assessments/latest',
    roles: READERS,
    summary: "A product's newest assessment for each market, and for each catalog assessed alone (summaries), newest first",
    schema: { querystring: Type.Object({ product: Model }, { additionalProperties: false }) },
    openapi: {
      responses: {
        200: jsonResponse('the newest assessment per target', {
          type: 'object',
          required: ['items', 'complete'],
          properties: {
            items: { type: 'array', items: INFO_SCHEMA },
            complete: { type: 'boolean', description: 'false when the product has more assessments than the server reads for this answer' },
          },
        }),
      },
    },
    async handler(request) {
      const r = await assessmentCall(() => assessmentsOf(ctx).latest(request.query.product));
      return { items: r.items.map(infoView), complete: r.complete };
    },
  }),
  route({
    method: 'GET',
    url: '/assessments/:id',
    roles: READERS,
    summary: 'One assessment with every provision result and its evidence',
    schema: { params: Type.Object({ id: AssessmentId }) },
    openapi: { responses: { 200: jsonResponse('the assessment', ASSESSMENT_SCHEMA) } },
    async handler(request) {
      const s = assessmentsOf(ctx);
      return assessmentCall(() => s.get(request.params.id));
    },
  }),
  route({
    method: 'GET',
    url: '/assessments/:id/diff/:otherId',
    roles: READERS,
    summary: 'What changed from assessment id to otherId of the same product, provision by provision, and why',
    schema: { params: Type.Object({ id: AssessmentId, otherId: AssessmentId }) },
    openapi: { responses: { 200: jsonResponse('the changes', DIFF_SCHEMA) } },
    async handler(request) {
      const s = assessmentsOf(ctx);
      return assessmentCall(() => s.diff(request.params.id, request.params.otherId));
    },
  }),
];
