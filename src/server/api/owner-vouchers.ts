import { Type } from 'typebox';
import { IotopiaError } from '../../errors.ts';
import { guidToHex } from '../../fdo/types/guid.ts';
import { samePublicKey } from '../../fdo/types/public-key.ts';
import { VoucherError } from '../../fdo/voucher/voucher.ts';
import { encodeVoucher } from '../../fdo/voucher/voucher-encode.ts';
import { parseVoucher } from '../../fdo/voucher/voucher-parse.ts';
import { verifyVoucher } from '../../fdo/voucher/voucher-verify.ts';
import { storeOwnerVoucherStore } from '../../onboarding/owner-vouchers.ts';
import { to0Status } from '../../onboarding/to0-status.ts';
import { registerHeldVoucher } from '../../onboarding/voucher-registration.ts';
import type { VoucherState } from '../../store/voucher-repository.ts';
import { actorOf } from './auth.ts';
import { guidParam } from './guid-param.ts';
import { pageRequest, withCursorCheck } from './pagination.ts';
import { ApiProblem, invalidField } from './problem.ts';
import { GuidParams, jsonResponse, pageOf, pageQuery, type RouteFactory, ref, route } from './route.ts';
import { ownerVoucherView, voucherView } from './voucher-view.ts';

const OWNER_STATES: readonly VoucherState[] = ['imported', 'registered', 'onboarded', 'replaced', 'resold'];

/** Malformed input may fail in any decoder below the voucher (CBOR, COSE, keys); all of it is the voucher's fault. */
function rejected(e: IotopiaError): ApiProblem {
  const entry = e instanceof VoucherError && e.entryIndex !== undefined ? { entry: e.entryIndex } : {};
  return new ApiProblem(422, 'ERR_API_VOUCHER_REJECTED', `the voucher was rejected: ${e.message}`, { reason: e.code, ...entry });
}

function voucherBytes(body: unknown): Uint8Array | string {
  if (Buffer.isBuffer(body)) return new Uint8Array(body);
  if (typeof body === 'string' && body.trim() !== '') return body;
  const pem = (body as { voucher?: unknown } | null)?.voucher;
  if (typeof pem === 'string' && pem.trim() !== '') return pem;
  throw invalidField('voucher', 'send the voucher as PEM or CBOR (application/cbor), or JSON { "voucher": "<PEM>" }');
}

const VoucherQuery = pageQuery({ state: Type.Optional(Type.Enum(OWNER_STATES)) });
/** The JSON form of an import; PEM, text and CBOR bodies carry the voucher itself. */
const ImportJson = Type.Object({ voucher: Type.String() });

export const ownerVoucherRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/owner/vouchers',
    roles: ['owner'],
    summary: 'List the vouchers this owner holds, in GUID order',
    schema: { querystring: VoucherQuery },
    openapi: {
      responses: { 200: jsonResponse('a page of vouchers', pageOf('Voucher')) },
    },
    async handler(request) {
      const { state, ...query } = request.query;
      const page = await withCursorCheck(() =>
        ctx.store.vouchers.list('owner', { ...pageRequest(query), ...(state === undefined ? {} : { state }) }),
      );

      const items = [];
      for (const v of page.items) items.push(ownerVoucherView(v, await to0Status(ctx.store, v.guid)));
      return { items, ...(page.next === undefined ? {} : { next: page.next }) };
    },
  }),
  route({
    method: 'POST',
    url: '/owner/vouchers',
    roles: ['owner'],
    summary: 'Import a voucher (PEM or CBOR); it is verified and must be extended to an owner key of this server',
    jsonBody: ImportJson,
    openapi: {
      requestBody: {
        content: {
          'application/x-pem-file': { schema: { type: 'string' } },
          'text/plain': { schema: { type: 'string' } },
          'application/cbor': { schema: { type: 'string', contentEncoding: 'binary' } },
        },
      },
      responses: { 201: jsonResponse('the imported voucher', ref('Voucher')) },
    },
    async handler(request, reply) {
      const input = voucherBytes(request.body);
      let guid: Uint8Array;
      let cbor: Uint8Array;
      try {
        const voucher = parseVoucher(input);
        const verified = verifyVoucher(voucher);
        if (!ctx.ownerKeys.some((k) => samePublicKey(verified.owner, k))) {
          throw new ApiProblem(422, 'ERR_API_VOUCHER_NOT_OURS', 'the voucher is not extended to an owner key of this server');
        }
        guid = voucher.header.guid;
        cbor = encodeVoucher(voucher);
      } catch (e) {
        if (e instanceof IotopiaError && !(e instanceof ApiProblem)) throw rejected(e);
        throw e;
      }
      await storeOwnerVoucherStore(ctx.store, { actor: actorOf(request) }).add(guid, cbor);
      const stored = await ctx.store.vouchers.get('owner', guid);
      if (stored === undefined) throw new Error(`voucher ${guidToHex(guid)} vanished after import`);

      return reply.code(201).send(voucherView(stored));
    },
  }),
  route({
    method: 'GET',
    url: '/owner/vouchers/:guid',
    roles: ['owner'],
    summary: 'One voucher this owner holds, with the state of its TO0 registration',
    schema: { params: GuidParams },
    openapi: { responses: { 200: jsonResponse('the voucher', ref('Voucher')) } },
    async handler(request) {
      const guid = guidParam(request.params);
      const record = await ctx.store.vouchers.get('owner', guid);
      if (record === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `this owner holds no voucher for GUID ${guidToHex(guid)}`);
      return ownerVoucherView(record, await to0Status(ctx.store, guid));
    },
  }),
  route({
    method: 'POST',
    url: '/owner/vouchers/:guid/register',
    roles: ['owner'],
    summary:
      "Register a voucher with the rendezvous (TO0): the one its rendezvous info names for the owner (this server's own in process), or the configured list",
    schema: { params: GuidParams },
    openapi: { responses: { 200: jsonResponse('the voucher, registered', ref('Voucher')) } },
    async handler(request) {
      const guid = guidParam(request.params);
      const deps = {
        store: ctx.store,
        clock: ctx.clock ?? (() => new Date()),
        ...(ctx.register === undefined ? {} : { register: ctx.register }),
        ...(ctx.to0RefreshMargin === undefined ? {} : { margin: ctx.to0RefreshMargin }),
      };
      try {
        const stored = await registerHeldVoucher(deps, guid, actorOf(request));
        return ownerVoucherView(stored, await to0Status(ctx.store, guid));
      } catch (e) {
        throw registrationProblem(e);
      }
    },
  }),
];

/** The API's answer to a failed registration request. */
function registrationProblem(e: unknown): unknown {
  if (!(e instanceof IotopiaError) || e instanceof ApiProblem) return e;
  if (e.code === 'ERR_VOUCHER_NOT_HELD') return new ApiProblem(404, 'ERR_API_NOT_FOUND', e.message);
  if (e.code === 'ERR_OWNER_TO0_NO_RENDEZVOUS') return new ApiProblem(409, 'ERR_API_NO_RENDEZVOUS', e.message);
  return new ApiProblem(409, 'ERR_API_REGISTRATION_FAILED', `the registration failed: ${e.message}`, { reason: e.code });
}
