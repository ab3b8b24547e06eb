/**
 * JSON Schema checks shared by the services and the management API: one Ajv configuration, so a
 * setting read back from the store passes or fails exactly as the request that wrote it did, and
 * one way of naming the field at fault (`directives[0].dns`, as the API documents it).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import type { Static, TSchema } from 'typebox';

/**
 * Strict checking: nothing is coerced, defaulted or silently dropped, so unknown members are
 * refused by name. Query strings and path parameters arrive as text; only they are coerced.
 */
export function newAjv(options: { coerce: boolean }): Ajv {
  const ajv = new Ajv({
    allErrors: false,
    coerceTypes: options.coerce,
    useDefaults: false,
    removeAdditional: false,
    discriminator: true,
  });
  formats.default(ajv);
  return ajv;
}

const strict = newAjv({ coerce: false });
const compiled = new WeakMap<object, ValidateFunction>();

/** `/directives/0/dns` as `directives[0].dns`. */
function jsonPointerToField(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

/** What Ajv (and Fastify, passing Ajv's errors on) says about one failed keyword. */
export interface SchemaErrorLike {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

const join = (base: string, member: string) => (base === '' ? member : `${base}.${member}`);

/**
 * The field an Ajv error is about. A missing or unknown member is named itself, an unknown module
 * by its `module` member; a failed anyOf/oneOf reports its branches first and itself last, so the
 * caller passes the last error. `root` names the whole value (e.g. `body`, or `directives` for a list).
 */
export function fieldOfError(error: SchemaErrorLike, root: string): string {
  const at = jsonPointerToField(error.instancePath);
  const params: Record<string, unknown> = error.params;
  let field = at;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') field = join(at, params.missingProperty);
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string')
    field = join(at, params.additionalProperty);
  if (error.keyword === 'discriminator' && typeof params.tag === 'string') field = join(at, params.tag);
  // An array's items are named under the array's own name: `directives[0].dns`.
  if (field === '' || field.startsWith('[')) return root + field;
  return field;
}

export type SchemaCheck<T> = { ok: true; value: T } | { ok: false; field: string; reason: string };

/** Checks a value against a schema; on failure names the field (under `root`) and the reason. */
export function checkSchema<S extends TSchema>(schema: S, value: unknown, root: string): SchemaCheck<Static<S>> {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = strict.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return { ok: true, value: value as Static<S> };
  const error = validate.errors?.at(-1);
  if (error === undefined) return { ok: false, field: root, reason: 'invalid' };
  return { ok: false, field: fieldOfError(error, root), reason: error.message ?? 'invalid' };
}

/** Base64 text (RFC 4648 §4): whole quanta, padding only at the end. */
export const BASE64_PATTERN = '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';
