/**
 * The owner's resale route: parses the next owner's key, calls the onboarding resale service
 * (src/onboarding/resale.ts) and answers with the extended voucher in the form Accept asks for.
 */
import type { KeyObject } from 'node:crypto';
import { Type } from 'typebox';
import { CryptoError } from '../../crypto/errors.ts';
import { importPublicKey } from '../../crypto/key-import.ts';
import { IotopiaError } from '../../errors.ts';
import { guidToHex } from '../../fdo/types/guid.ts';
import { encodeVoucherPem } from '../../fdo/voucher/voucher-encode.ts';
import { parseVoucher } from '../../fdo/voucher/voucher-parse.ts';
import type { Resale } from '../../onboarding/owner-vouchers.ts';
import { resellDevice } from '../../onboarding/resale.ts';
import { ERR_STORE_CONFLICT, ERR_STORE_NOT_FOUND, StoreError } from '../../store/errors.ts';
import { actorOf } from './auth.ts';
import { guidParam } from './guid-param.ts';
import { ApiProblem, invalidField } from './problem.ts';
import { GuidParams, type RouteFactory, ref, route } from './route.ts';
import { voucherView } from './voucher-view.ts';

const PEM = 'application/x-pem-file';
const CBOR = 'application/cbor';
const JSON_TYPE = 'application/json';

/** The next owner's key: JSON `{ "ownerKey": "<PEM>" }` or the PEM as the body, as the manufacturer's extend takes it. */
function nextOwnerKey(body: unknown): KeyObject {
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

/** The answer's form by Accept: CBOR, a JSON summary with the PEM, or the PEM (the default). */
function answerType(accept: string | undefined): typeof PEM | typeof CBOR | typeof JSON_TYPE {
  const types = (accept ?? '').split(',').map((t) => t.split(';')[0]?.trim().toLowerCase());
  if (types.includes(PEM)) return PEM;
  if (types.includes(CBOR)) return CBOR;
  if (types.includes(JSON_TYPE)) return JSON_TYPE;
  return PEM;
}

/** The JSON form of a resale request; the PEM may also be the whole body. */
const ResellJson = Type.Object({ ownerKey: Type.String({ description: 'PEM public key' }) });

export const ownerResaleRoutes: RouteFactory = (ctx) => [
  route({
    method: 'POST',
    url: '/owner/vouchers/:guid/resell',
    roles: ['owner'],
    summary:
      "Resell a device: extend its current voucher to the next owner's public key and hand it on; this owner stops offering and registering it",
    schema: { params: GuidParams },
    jsonBody: ResellJson,
    openapi: {
      requestBody: { content: { [PEM]: { schema: { type: 'string' } } } },
      responses: {
        200: {
          description: 'the extended voucher: PEM (default), CBOR, or JSON with the PEM, by Accept',
          content: {
            [PEM]: { schema: { type: 'string' } },
            [CBOR]: { schema: { type: 'string', contentEncoding: 'binary' } },
            [JSON_TYPE]: {
              schema: {
                type: 'object',
                required: ['voucher', 'pem', 'retired'],
                properties: {
                  voucher: ref('Voucher'),
                  pem: { type: 'string' },
                  retired: { type: 'array', items: { type: 'string' }, description: 'GUIDs of earlier vouchers retired with the resale' },
                },
              },
            },
          },
        },
      },
    },
    async handler(request, reply) {
      const guid = guidParam(request.params);
      const nextOwner = nextOwnerKey(request.body);
      let resale: Resale;
      try {
        resale = await resellDevice({ store: ctx.store, ownerKeys: ctx.ownerKeys }, guid, nextOwner, actorOf(request));
      } catch (e) {
        if (e instanceof StoreError && e.code === ERR_STORE_NOT_FOUND) {
          throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `this owner holds no current voucher for GUID ${guidToHex(guid)}`);
        }
        if (e instanceof IotopiaError && e.code === 'ERR_VOUCHER_NOT_OURS')
          throw new ApiProblem(409, 'ERR_API_VOUCHER_NOT_OURS', e.message);
        if (e instanceof StoreError && e.code === ERR_STORE_CONFLICT) {
          throw new ApiProblem(409, 'ERR_API_VOUCHER_RESOLD', `the device of GUID ${guidToHex(guid)} was resold already`);
        }
        throw e;
      }
      const extended = parseVoucher(resale.extended);
      const type = answerType(request.headers.accept);
      if (type === CBOR) return reply.type(CBOR).send(Buffer.from(resale.extended));
      if (type === PEM) return reply.type(PEM).send(encodeVoucherPem(extended));
      const stored = await ctx.store.vouchers.get('owner', resale.current.guid);
      return {
        voucher: voucherView({ ...(stored ?? resale.current), voucher: resale.extended, state: 'resold' }),
        pem: encodeVoucherPem(extended),
        retired: resale.retired.map(guidToHex),
      };
    },
  }),
];
