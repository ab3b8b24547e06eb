/**
 * Device API bodies in CBOR (RFC 8949): a request body is decoded under tight limits and turned
 * into the JSON data model the route schemas check (text-keyed maps become objects); anything
 * JSON cannot say (byte strings, tags, other keys, undefined) is refused. Answers go out in CBOR
 * when the device asks for it in Accept.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decode, encode } from '../../codec/cbor.ts';
import { ApiProblem } from '../api/problem.ts';

export const CBOR_TYPE = 'application/cbor';

const LIMITS = { maxDepth: 8, maxContainerLength: 256, maxStringBytes: 4096, maxItems: 4096 };

function toJson(v: unknown, at: string): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (Array.isArray(v)) return v.map((x, i) => toJson(x, `${at}[${i}]`));
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) {
      if (typeof k !== 'string') throw new ApiProblem(400, 'ERR_API_VALIDATION', `${at}: map keys must be text`, { field: at });
      if (k === '__proto__') throw new ApiProblem(400, 'ERR_API_VALIDATION', `${at}: key ${k} is not allowed`, { field: at });
      out[k] = toJson(x, `${at}.${k}`);
    }
    return out;
  }
  throw new ApiProblem(400, 'ERR_API_VALIDATION', `${at}: only maps, arrays, text, numbers, booleans and null`, { field: at });
}

/** The body of a CBOR request as JSON data; a malformed item is a 400 problem. */
export function cborBody(bytes: Buffer): unknown {
  let item: unknown;
  try {
    item = decode(new Uint8Array(bytes), LIMITS);
  } catch (e) {
    throw new ApiProblem(400, 'ERR_API_VALIDATION', `body: not a CBOR item within the limits (${(e as Error).message})`, { field: 'body' });
  }
  return toJson(item, 'body');
}

const wantsCbor = (request: FastifyRequest): boolean => /(^|,)\s*application\/cbor\s*(;|,|$)/i.test(request.headers.accept ?? '');

/** Sends `value` as CBOR when the request's Accept names application/cbor, else as JSON. */
export function answer(request: FastifyRequest, reply: FastifyReply, value: unknown): FastifyReply {
  if (wantsCbor(request)) return reply.type(CBOR_TYPE).send(Buffer.from(encode(value)));
  return reply.send(value);
}
