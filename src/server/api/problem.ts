/**
 * Management API errors as RFC 9457 problem details. Every refusal carries a stable `code` from
 * docs/errors-server.md, so clients branch on it and never on the wording of `detail`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { IotopiaError } from '../../errors.ts';
import { ERR_SETTING_CORRUPT, ERR_SETTING_INVALID, ERR_SETTING_TOO_LARGE, SettingError } from '../../onboarding/settings.ts';
import { fieldOfError, type SchemaErrorLike } from '../../platform/json-schema.ts';

export const PROBLEM_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

export class ApiProblem extends IotopiaError {
  readonly status: number;
  readonly extensions: Record<string, unknown>;
  /** Sent as Retry-After (a refusal over a rate limit). */
  retryAfterSeconds?: number;

  constructor(status: number, code: string, detail: string, extensions: Record<string, unknown> = {}) {
    super(code, detail);
    this.status = status;
    this.extensions = extensions;
  }
}

/** A field of the request that is missing or malformed; `field` names it for the client. */
export function invalidField(field: string, reason: string): ApiProblem {
  return new ApiProblem(400, 'ERR_API_VALIDATION', `${field}: ${reason}`, { field });
}

export function toProblem(p: ApiProblem): Problem {
  return {
    // The codes are the problem types: one documented page lists them all.
    type: `https://iotopia.dev/problems/${p.code}`,
    title: TITLES[p.status] ?? 'Error',
    status: p.status,
    detail: p.message,
    code: p.code,
    ...p.extensions,
  };
}

export function sendProblem(reply: FastifyReply, p: ApiProblem): FastifyReply {
  if (p.retryAfterSeconds !== undefined) reply.header('retry-after', String(p.retryAfterSeconds));
  return reply.code(p.status).type(PROBLEM_TYPE).send(toProblem(p));
}

/** A request part that failed its route schema: the last Ajv error is the outermost (see fieldOfError). */
function schemaProblem(errors: readonly SchemaErrorLike[], part: string | undefined): ApiProblem {
  const last = errors.at(-1);
  const field = last === undefined ? (part ?? 'body') : fieldOfError(last, part ?? 'body');
  return invalidField(field, last?.message ?? 'invalid');
}

/** The settings services' refusals, under the codes the API has always answered with. */
export function settingProblem(e: SettingError): ApiProblem {
  if (e.code === ERR_SETTING_INVALID) return invalidField(e.field ?? 'body', e.reason);
  if (e.code === ERR_SETTING_TOO_LARGE) return new ApiProblem(413, 'ERR_API_SETTING_TOO_LARGE', e.message);
  if (e.code === ERR_SETTING_CORRUPT) return new ApiProblem(500, 'ERR_API_SETTING_CORRUPT', e.message);
  return new ApiProblem(500, 'ERR_API_INTERNAL', 'the server failed to answer; details are in its log');
}

/** Fastify's own refusals (schemas, body limits, bad JSON, media types) get the same shape as ours. */
export function problemErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiProblem) return sendProblem(reply, error);
  if (error.validation !== undefined) return sendProblem(reply, schemaProblem(error.validation, error.validationContext));
  if (error instanceof SettingError) {
    if (error.code === ERR_SETTING_CORRUPT) request.log.error({ err: error }, 'a stored setting is invalid');
    return sendProblem(reply, settingProblem(error));
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(reply, new ApiProblem(413, 'ERR_API_BODY_TOO_LARGE', error.message));
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return sendProblem(reply, new ApiProblem(415, 'ERR_API_MEDIA_TYPE', `request body: ${error.message}`, { field: 'body' }));
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
    return sendProblem(reply, new ApiProblem(error.statusCode, 'ERR_API_VALIDATION', `body: ${error.message}`, { field: 'body' }));
  // Internals stay in the log; the client learns only that it was not its fault.
  request.log.error({ err: error }, 'management API request failed');
  return sendProblem(reply, new ApiProblem(500, 'ERR_API_INTERNAL', 'the server failed to answer; details are in its log'));
}
