/**
 * The manufacturer's vouchers: list, get, export as PEM, and extend to a buyer's owner key — the
 * "sale" step of the journey, after which the PEM goes to the buyer.
 */
import type { KeyObject } from 'node:crypto';
import { Type } from 'typebox';
import { CryptoError } from '../../crypto/errors.ts';
import { importPublicKey } from '../../crypto/key-import.ts';
import { IotopiaError } from '../../errors.ts';
import { guidToHex } from '../../fdo/types/guid.ts';
import { encodeVoucherPem } from '../../fdo/voucher/voucher-encode.ts';
import { parseVoucher } from '../../fdo/voucher/voucher-parse.ts';
import { extendMadeVoucher } from '../../onboarding/voucher-extension.ts';
import { ABSENT, VoucherTransitionError } from '../../onboarding/voucher-states.ts';
import type { VoucherRecord } from '../../store/voucher-repository.ts';
import { actorOf } from './auth.ts';
import { guidParam } from './guid-param.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { ApiProblem, invalidField } from './problem.ts';
import { type ApiContext, GuidParams, jsonResponse, pageOf, pageQuery, type RouteFactory, ref, route } from './route.ts';
import { type VoucherView, voucherView } from './voucher-view.ts';

const PEM = 'application/x-pem-file';

async function find(ctx: ApiContext, guid: Uint8Array): Promise<VoucherRecord> {
  const r = await ctx.store.vouchers.get('manufacturer', guid);
  if (r === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no manufacturer voucher for GUID ${guidToHex(guid)}`);
  return r;
}

/** The owner key in an extend request: JSON `{ "ownerKey": "<PEM>" }` or the PEM as the body. */
function ownerKeyOf(body: unknown): KeyObject {
  const text =
    typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : (body as { ownerKey?: unknown } | null)?.ownerKey;
  if (typeof text !== 'string' || text.trim() === '') throw invalidField('ownerKey', "the next owner's public key, PEM");
  try {
    return importPublicKey(text);
  } catch (e) {
    if (e instanceof CryptoError) throw invalidField('ownerKey', `not a public key: ${e.message}`);
    throw e;
  }
}

const VoucherQuery = pageQuery({ state: Type.Optional(Type.Enum(['created', 'extended'])) });
/** The JSON form of an extend request; the PEM may also be the whole body. */
const ExtendJson = Type.Object({ ownerKey: Type.String({ description: 'PEM public key' }) });

export const manufacturerVoucherRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/manufacturer/vouchers',
    roles: ['manufacturer'],
    summary: 'List the vouchers this manufacturer made, in GUID order',
    schema: { querystring: VoucherQuery },
    openapi: {
      responses: { 200: jsonResponse('a page of vouchers', pageOf('Voucher')) },
    },
    async handler(request) {
      const { state, ...query } = request.query;
      const page = await withCursorCheck(() =>
        ctx.store.vouchers.list('manufacturer', { ...pageRequest(query), ...(state === undefined ? {} : { state }) }),
      );
      return { items: page.items.map(voucherView), ...(page.next === undefined ? {} : { next: page.next }) };
    },
  }),
  route({
    method: 'GET',
    url: '/manufacturer/vouchers/:guid',
    roles: ['manufacturer'],
    summary: 'One voucher of this manufacturer',
    schema: { params: GuidParams },
    openapi: { responses: { 200: jsonResponse('the voucher', ref('Voucher')) } },
    async handler(request): Promise<VoucherView> {
      return voucherView(await find(ctx, guidParam(request.params)));
    },
  }),
  route({
    method: 'GET',
    url: '/manufacturer/vouchers/:guid/pem',
    roles: ['manufacturer'],
    summary: 'Export a voucher as PEM (OWNERSHIP VOUCHER), as handed to a buyer',
    schema: { params: GuidParams },
    openapi: {
      responses: { 200: { description: 'the voucher', content: { [PEM]: { schema: { type: 'string' } } } } },
    },
    async handler(request, reply) {
      const r = await find(ctx, guidParam(request.params));
      return reply.type(PEM).send(encodeVoucherPem(parseVoucher(r.voucher)));
    },
  }),
  route({
    method: 'POST',
    url: '/manufacturer/vouchers/:guid/extend',
    roles: ['manufacturer'],
    summary: "Extend a voucher to a buyer's owner public key; the extended voucher replaces the stored one",
    schema: { params: GuidParams },
    jsonBody: ExtendJson,
    openapi: {
      requestBody: { content: { [PEM]: { schema: { type: 'string' } } } },
      responses: {
        200: jsonResponse('the extended voucher', {
          type: 'object',
          required: ['voucher', 'pem'],
          properties: { voucher: ref('Voucher'), pem: { type: 'string' } },
        }),
      },
    },
    async handler(request) {
      const guid = guidParam(request.params);
      const nextOwner = ownerKeyOf(request.body);
      let done: Awaited<ReturnType<typeof extendMadeVoucher>>;
      try {
        done = await extendMadeVoucher(
          { store: ctx.store, keys: [...ctx.manufacturerKeys, ...ctx.ownerKeys] },
          guid,
          nextOwner,
          actorOf(request),
        );
      } catch (e) {
        if (e instanceof IotopiaError && e.code === 'ERR_VOUCHER_NOT_OURS')
          throw new ApiProblem(409, 'ERR_API_VOUCHER_NOT_OURS', e.message);
        if (e instanceof VoucherTransitionError && e.state === ABSENT) {
          throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no manufacturer voucher for GUID ${guidToHex(guid)}`);
        }
        throw e;
      }
      const { record: stored, extended } = done;
      return { voucher: voucherView(stored), pem: encodeVoucherPem(extended) };
    },
  }),
];
