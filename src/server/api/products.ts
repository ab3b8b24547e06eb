/**
 * Products over the management API: the models a maker ships with their support period, MUD URL
 * and disclosure policy; their releases (lifecycle ones and declared ones); the devices out of
 * support. The rules live in src/compliance/products; these routes only adapt.
 */
import { Type } from 'typebox';
import { PRODUCT_MODEL, PRODUCT_VERSION } from '../../compliance/products/product-input.ts';
import type { Product, ProductInput, ProductRelease } from '../../compliance/products/product-types.ts';
import { actorOf } from './auth.ts';
import { COMPLIANCE_READ, COMPLIANCE_WRITE } from './compliance-roles.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { productCall, productsOf, sbomInfoView } from './product-call.ts';
import { type ApiContext, jsonResponse, pageOf, pageQuery, type RouteFactory, route } from './route.ts';

const READ = COMPLIANCE_READ;
const WRITE = COMPLIANCE_WRITE;

const productView = (p: Product) => ({ ...p, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString() });
const releaseView = (r: ProductRelease) => ({ ...r, ...(r.releasedAt === undefined ? {} : { releasedAt: r.releasedAt.toISOString() }) });

const Model = Type.String({ pattern: PRODUCT_MODEL.source, description: 'the model, as releases and devices carry it' });
export const ModelParams = Type.Object({ model: Model });
const Members = {
  manufacturer: Type.String({ minLength: 1, maxLength: 256 }),
  name: Type.String({ minLength: 1, maxLength: 256 }),
  mudUrl: Type.Optional(Type.String({ maxLength: 2048, description: 'https URL of the MUD file' })),
  disclosurePolicyUrl: Type.Optional(Type.String({ maxLength: 2048, description: 'https URL of the vulnerability disclosure policy' })),
  securityContact: Type.Optional(Type.String({ maxLength: 2048, description: 'mailto: or https: URL' })),
  supportEnd: Type.Optional(Type.String({ description: 'the last day of the defined support period, YYYY-MM-DD' })),
  supportPublished: Type.Boolean(),
  updatable: Type.Boolean(),
  constrained: Type.Boolean(),
  usesPasswords: Type.Boolean(),
  hasUserInterface: Type.Boolean(),
  processesPersonalData: Type.Boolean(),
  remediationDays: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 3650, description: 'days from publication to fix a vulnerability (default 90)' }),
  ),
};
const NewProduct = Type.Object({ model: Model, ...Members }, { additionalProperties: false });
const ChangedProduct = Type.Object(Members, { additionalProperties: false });
const NewRelease = Type.Object(
  { version: Type.String({ pattern: PRODUCT_VERSION.source }), releasedAt: Type.Optional(Type.String({ format: 'date-time' })) },
  { additionalProperties: false },
);
const PRODUCT_SCHEMA = { type: 'object', required: ['model', 'manufacturer', 'name', 'createdAt', 'updatedAt'] };
const RELEASE_SCHEMA = {
  type: 'object',
  required: ['model', 'version', 'origin'],
  properties: {
    origin: { type: 'string', enum: ['lifecycle', 'declared'] },
    releaseId: { type: 'string' },
    releasedAt: { type: 'string', format: 'date-time' },
    sbom: { type: 'object', description: 'the SBOM imported for this release: format, version, component count, source, digest, when' },
  },
};

function productRoutes(ctx: ApiContext) {
  const now = () => (ctx.clock ?? (() => new Date()))();
  return [
    route({
      method: 'GET',
      url: '/products',
      roles: READ,
      summary: 'List products, by model',
      schema: { querystring: pageQuery({}) },
      openapi: { responses: { 200: jsonResponse('a page of products', pageOf(PRODUCT_SCHEMA)) } },
      async handler(request) {
        const page = await withCursorCheck(() => productsOf(ctx).list(pageRequest(request.query)));
        return { items: page.items.map(productView), ...(page.next === undefined ? {} : { next: page.next }) };
      },
    }),
    route({
      method: 'POST',
      url: '/products',
      roles: WRITE,
      summary: 'Create a product',
      schema: { body: NewProduct },
      openapi: { responses: { 201: jsonResponse('the product', PRODUCT_SCHEMA) } },
      async handler(request, reply) {
        const made = await productCall(() => productsOf(ctx).create(request.body as ProductInput, actorOf(request)));
        return reply.code(201).send(productView(made));
      },
    }),
    route({
      method: 'GET',
      url: '/products/out-of-support',
      roles: READ,
      summary: 'Devices of products whose defined support period has ended',
      openapi: { responses: { 200: jsonResponse('the devices', { type: 'object', required: ['items'] }) } },
      async handler() {
        return { items: await productCall(() => productsOf(ctx).outOfSupport(now())) };
      },
    }),
    route({
      method: 'GET',
      url: '/products/:model',
      roles: READ,
      summary: 'One product, with its current release, whether it is out of support and the SBOM links of its MUD file',
      schema: { params: ModelParams },
      openapi: { responses: { 200: jsonResponse('the product', { type: 'object', required: ['product', 'outOfSupport', 'mudSbom'] }) } },
      async handler(request) {
        const v = await productCall(() => productsOf(ctx).view(request.params.model));
        return {
          ...v,
          product: productView(v.product),
          ...(v.currentRelease === undefined ? {} : { currentRelease: releaseView(v.currentRelease) }),
        };
      },
    }),
    route({
      method: 'PUT',
      url: '/products/:model',
      roles: WRITE,
      summary: "Replace a product's members",
      schema: { params: ModelParams, body: ChangedProduct },
      openapi: { responses: { 200: jsonResponse('the product', PRODUCT_SCHEMA) } },
      async handler(request) {
        const input = { ...(request.body as Omit<ProductInput, 'model'>), model: request.params.model };
        return productView(await productCall(() => productsOf(ctx).update(input, actorOf(request))));
      },
    }),
    route({
      method: 'DELETE',
      url: '/products/:model',
      roles: WRITE,
      summary: 'Delete a product and its declared releases',
      schema: { params: ModelParams },
      openapi: { responses: { 204: { description: 'deleted' } } },
      async handler(request, reply) {
        await productCall(() => productsOf(ctx).delete(request.params.model, actorOf(request)));
        return reply.code(204).send();
      },
    }),
    route({
      method: 'GET',
      url: '/products/:model/releases',
      roles: READ,
      summary:
        "A product's releases: lifecycle ones by sequence number, then declared ones, each with its SBOM's record when one was imported",
      schema: { params: ModelParams },
      openapi: {
        responses: {
          200: jsonResponse('the releases', {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: RELEASE_SCHEMA } },
          }),
        },
      },
      async handler(request) {
        const s = productsOf(ctx);
        await productCall(() => s.get(request.params.model));
        const [releases, sboms] = await Promise.all([s.releases(request.params.model), s.releaseSboms(request.params.model)]);
        const sbomOf = new Map(sboms.map((b) => [b.version, sbomInfoView(b)]));
        return {
          items: releases.map((r) => {
            const sbom = sbomOf.get(r.version);
            return { ...releaseView(r), ...(sbom === undefined ? {} : { sbom }) };
          }),
        };
      },
    }),
    route({
      method: 'POST',
      url: '/products/:model/releases',
      roles: WRITE,
      summary: 'Declare a release of a product (one not built as a lifecycle release)',
      schema: { params: ModelParams, body: NewRelease },
      openapi: { responses: { 201: jsonResponse('the release', RELEASE_SCHEMA) } },
      async handler(request, reply) {
        const { version, releasedAt } = request.body;
        const at = releasedAt === undefined ? undefined : new Date(releasedAt);
        const made = await productCall(() => productsOf(ctx).declareRelease(request.params.model, version, at, actorOf(request)));
        return reply.code(201).send(releaseView(made));
      },
    }),
  ];
}

export const productApiRoutes: RouteFactory = (ctx) => productRoutes(ctx);
