import { PackageURL } from 'packageurl-js';
import type { SbomComponent } from '../sbom/sbom-types.ts';
import type { VexStatement } from './vuln-types.ts';

/** A statement's product id, with its purl's parts when it is one. */
interface Product {
  id: string;
  /** "pkg:type/namespace/name" without version, qualifiers or subpath. */
  base?: string;
  version?: string;
  hasQualifiers?: boolean;
}

interface Indexed {
  statement: VexStatement;
  products: Product[];
  order: number;
}

/** The purl of a component split into what VEX products are compared on. */
export interface ComponentKey {
  ref: string;
  purl?: string;
  base?: string;
  version?: string;
}

/** VEX statements by vulnerability id, each product parsed once. */
export class VexIndex {
  readonly #byVulnerability = new Map<string, Indexed[]>();

  constructor(statements: VexStatement[]) {
    statements.forEach((statement, order) => {
      const entry = { statement, products: statement.products.map(toProduct), order };
      const list = this.#byVulnerability.get(statement.vulnerability);
      if (list) list.push(entry);
      else this.#byVulnerability.set(statement.vulnerability, [entry]);
    });
  }

  /**
   * The statement deciding (vulnerability ids, component): among those whose vulnerability is one
   * of `ids` and whose product covers the component, the latest by timestamp, then the last given.
   */
  decide(ids: string[], component: ComponentKey): VexStatement | undefined {
    let best: Indexed | undefined;
    for (const id of ids) {
      for (const entry of this.#byVulnerability.get(id) ?? []) {
        if (entry.products.some((p) => covers(p, component)) && (best === undefined || later(entry, best))) best = entry;
      }
    }
    return best?.statement;
  }
}

/** A component's ref and purl, split once for VEX comparisons. */
export function componentKey(component: SbomComponent): ComponentKey {
  const purl = component.purl;
  if (purl === undefined) return { ref: component.ref };
  const parts = splitPurl(purl);
  return { ref: component.ref, purl, ...(parts ? { base: parts.base, version: parts.version } : {}) };
}

// Qualifiers count only when the statement names some; a versionless purl covers every version.
function covers(p: Product, c: ComponentKey): boolean {
  if (p.id === c.ref || p.id === c.purl) return true;
  if (p.base === undefined || p.hasQualifiers || p.base !== c.base) return false;
  return p.version === undefined || p.version === c.version;
}

function later(a: Indexed, b: Indexed): boolean {
  const ta = Date.parse(a.statement.source.timestamp ?? '');
  const tb = Date.parse(b.statement.source.timestamp ?? '');
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta > tb;
  return a.order > b.order;
}

function toProduct(id: string): Product {
  const parts = splitPurl(id);
  return parts ? { id, ...parts } : { id };
}

function splitPurl(id: string): { base: string; version?: string; hasQualifiers: boolean } | undefined {
  if (!id.startsWith('pkg:')) return undefined;
  try {
    const p = PackageURL.fromString(id);
    const base = new PackageURL(p.type, p.namespace, p.name, undefined, undefined, undefined).toString();
    const hasQualifiers = p.qualifiers !== undefined && p.qualifiers !== null && Object.keys(p.qualifiers).length > 0;
    return { base, ...(p.version ? { version: p.version } : {}), hasQualifiers };
  } catch {
    return undefined;
  }
}
