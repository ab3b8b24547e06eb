/**
 * Checks import references against layering rules given as data (test/architecture.test.ts holds
 * IoTopia's). A unit is a folder or file named in a layer; a path belongs to the longest unit that
 * contains it. A module is a unit's top-level folder under src/ (src/codec/cose is part of codec),
 * and a `lib/` folder anywhere in a module is private to it.
 */
import type { ImportRef } from './imports.ts';

/** An import allowed between two units of one layer: paths (or path prefixes) on both sides. */
export interface AllowedEdge {
  from: string;
  to: string;
  why: string;
}

export interface Layer {
  name: string;
  units: readonly string[];
}

export interface LayerRules {
  /** Bottom layer first. */
  layers: readonly Layer[];
  /** The only imports allowed between different units of the same layer. */
  sameLayer: readonly AllowedEdge[];
  /**
   * Imports that break a rule today and that a change under way removes: file to file, exact.
   * Each must still exist, so that the list shrinks as the code moves.
   */
  pending: readonly AllowedEdge[];
}

export type ViolationKind = 'unplaced' | 'upward' | 'lib' | 'same-layer';

export interface Violation {
  kind: ViolationKind;
  from: string;
  line: number;
  target: string;
  /** One line: `file:line: kind: what -> what`. */
  message: string;
}

interface Place {
  unit: string;
  layer: number;
  name: string;
}

/**
 * The violations of `refs`, in input order, and the pending entries that no reference used. An
 * importer outside every layer is unplacedFiles' to report, not this function's.
 */
export function checkLayers(refs: readonly ImportRef[], rules: LayerRules): { violations: Violation[]; stalePending: AllowedEdge[] } {
  const used = new Set<AllowedEdge>();
  const violations: Violation[] = [];
  for (const ref of refs) {
    const found = violationOf(ref, rules);
    if (found === undefined) continue;
    const excuse = rules.pending.find((p) => p.from === ref.from && p.to === ref.target);
    if (excuse === undefined) violations.push(found);
    else used.add(excuse);
  }
  return { violations, stalePending: rules.pending.filter((p) => !used.has(p)) };
}

/** The files of `paths` that belong to no layer. */
export function unplacedFiles(paths: readonly string[], rules: LayerRules): string[] {
  return paths.filter((p) => placeOf(p, rules) === undefined);
}

function violationOf(ref: ImportRef, rules: LayerRules): Violation | undefined {
  // Packages and node: built-ins are outside the layering.
  if (!ref.specifier.startsWith('./') && !ref.specifier.startsWith('../')) return undefined;
  const from = placeOf(ref.from, rules);
  if (from === undefined) return undefined;
  const to = placeOf(ref.target, rules);
  if (to === undefined) return violation('unplaced', ref, `${ref.target} belongs to no layer`);
  if (reachesLib(ref.target, moduleOf(from.unit), moduleOf(to.unit))) {
    return violation('lib', ref, `${moduleOf(from.unit)} -> ${libFolder(ref.target)} (private to ${moduleOf(to.unit)})`);
  }
  if (to.layer > from.layer) {
    return violation('upward', ref, `${from.unit} (${from.name}) -> ${to.unit} (${to.name})`);
  }
  if (to.layer === from.layer && to.unit !== from.unit && !sameLayerAllowed(ref, rules)) {
    return violation('same-layer', ref, `${from.unit} -> ${to.unit} (${ref.target})`);
  }
  return undefined;
}

function violation(kind: ViolationKind, ref: ImportRef, what: string): Violation {
  return { kind, from: ref.from, line: ref.line, target: ref.target, message: `${ref.from}:${ref.line}: ${kind}: ${what}` };
}

function placeOf(path: string, rules: LayerRules): Place | undefined {
  let best: Place | undefined;
  rules.layers.forEach(({ name, units }, layer) => {
    for (const unit of units) {
      if (within(path, unit) && (best === undefined || unit.length > best.unit.length)) best = { unit, layer, name };
    }
  });
  return best;
}

function within(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/** src/codec/cose -> src/codec; web -> web. */
function moduleOf(unit: string): string {
  const parts = unit.split('/');
  return parts[0] === 'src' && parts.length > 1 ? `${parts[0]}/${parts[1]}` : (parts[0] ?? unit);
}

function reachesLib(target: string, fromModule: string, toModule: string): boolean {
  return fromModule !== toModule && target.split('/').includes('lib');
}

function libFolder(target: string): string {
  const parts = target.split('/');
  return `${parts.slice(0, parts.indexOf('lib') + 1).join('/')}/`;
}

function sameLayerAllowed(ref: ImportRef, rules: LayerRules): boolean {
  return rules.sameLayer.some((e) => within(ref.from, e.from) && within(ref.target, e.to));
}
