/**
 * Loopback, as every rule that depends on it reads it (which listeners need TLS, whether DI needs a
 * credential, which peers the rate limits leave alone): 127.0.0.0/8, ::1 (also IPv4-mapped and in
 * brackets), and the name `localhost`. A wildcard address (0.0.0.0, ::) is not loopback.
 */
import { isIP } from 'node:net';

export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return isIP(h) === 6 && (h === '::1' || h === '0:0:0:0:0:0:0:1');
}
