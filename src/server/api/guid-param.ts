import type { FastifyRequest } from 'fastify';
import { FdoError } from '../../fdo/errors.ts';
import { guidFromText } from '../../fdo/types/guid.ts';
import { invalidField } from './problem.ts';

export function guidParam(request: FastifyRequest): Uint8Array {
  const text = (request.params as Record<string, string | undefined>).guid ?? '';
  try {
    return guidFromText(text);
  } catch (e) {
    if (e instanceof FdoError) throw invalidField('guid', '32 hex digits, dashes allowed');
    throw e;
  }
}
