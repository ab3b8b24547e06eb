import type { VulnerabilityMatch } from '../../compliance/vulns/vuln-types.ts';

/** One line per component: its name, version and purl, then the vulnerabilities given. */
export function renderByComponent(
  matches: VulnerabilityMatch[],
  text: (s: string) => string,
  describe: (m: VulnerabilityMatch) => string,
): string[] {
  const byRef = new Map<string, VulnerabilityMatch[]>();
  for (const m of matches) {
    const list = byRef.get(m.component.ref);
    if (list) list.push(m);
    else byRef.set(m.component.ref, [m]);
  }
  return [...byRef.values()].map((list) => {
    const c = (list[0] as VulnerabilityMatch).component;
    const name = `${text(c.name)}${c.version ? ` ${text(c.version)}` : ''}${c.purl ? ` (${text(c.purl)})` : ''}`;
    return `  ${name}: ${list.map(describe).join(', ')}`;
  });
}

/** A vulnerability id with its aliases, as printed. */
export function vulnerabilityName(m: VulnerabilityMatch, text: (s: string) => string): string {
  const aliases = m.vulnerability.aliases.length > 0 ? ` (${m.vulnerability.aliases.map(text).join(', ')})` : '';
  return `${text(m.vulnerability.id)}${aliases}`;
}

/** A suppressed match: the vulnerability, the VEX status and why. */
export function suppressedName(m: VulnerabilityMatch, text: (s: string) => string): string {
  const vex = m.vex;
  if (vex === undefined) return vulnerabilityName(m, text);
  const why = vex.justification ?? vex.impactStatement;
  return `${vulnerabilityName(m, text)} ${vex.status}${why ? `: ${text(why)}` : ''}`;
}
