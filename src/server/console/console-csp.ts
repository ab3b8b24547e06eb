/**
 * The Content-Security-Policy of the console's pages and assets. Every other answer of the server
 * keeps the policy that allows nothing (transport/security-headers.ts); the console may load its
 * own scripts, styles, images and fonts and call its own origin, and nothing else: no inline
 * script, no other origin, no framing, no plugins.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
