import { createHash } from 'node:crypto';

/**
 * What is stored for a bearer secret (API token, protocol session token): hex SHA-256. The secrets
 * are long random strings, so a fast unsalted hash suffices and lookups stay indexable.
 */
export function hashSecret(secret: string): string {
  if (typeof secret !== 'string' || secret.length === 0) throw new TypeError('a secret must be a non-empty string');
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
