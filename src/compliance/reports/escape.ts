/**
 * HTML escaping for every string a report prints. Device-supplied strings (names, MUD URLs, rule
 * details) reach reports, so nothing is written into the markup without passing through here.
 */
const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and for double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * A fragment identifier made from free text: characters outside [A-Za-z0-9-] become `_`, their code
 * point in hex and `_`, and parts are joined with `.` (always encoded inside a part), so distinct
 * provisions never share an anchor and the id needs no escaping.
 */
export function anchorId(prefix: string, ...parts: string[]): string {
  const encoded = parts.map((p) => p.replace(/[^A-Za-z0-9-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}_`));
  return `${prefix}-${encoded.join('.')}`;
}
