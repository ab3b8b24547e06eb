/**
 * SUIT_Dependencies (draft-ietf-suit-trust-domains-12 §5.2.2) and the component index space it
 * adds to. suit-components gives the indexes 0…n-1 (draft-ietf-suit-manifest-37 §8.4.5); every key
 * of suit-dependencies is the component index of a Dependency. A key below n marks that component
 * as holding the Dependency's envelope. A key at or past n is a Dependency of its own, addressed by
 * that index and identified by its suit-dependency-prefix, as in the draft's examples (Appendix B:
 * suit-components holds one component, the Dependency is index 1). Every command may target a
 * Dependency (§5.3), so set-component-index and the per-index maps accept these indexes too.
 */
import { DependencyMetadataKey } from './constants.ts';
import { SuitError } from './errors.ts';
import { asIndex, asMap, malformed, type SuitLimits } from './lib/read.ts';
import { readComponentId } from './text.ts';

/** SUIT_Dependencies as decoded: component index → SUIT_Dependency_Metadata (kept as decoded, for encoding). */
export type SuitDependencies = Map<number, Map<unknown, unknown>>;

/**
 * Reads SUIT_Dependencies = { + uint => SUIT_Dependency_Metadata } (§5.2.2): a non-empty map in
 * ascending key order (the draft requires Core Deterministic Encoding), metadata maps whose
 * suit-dependency-prefix, when present, is a SUIT_Component_Identifier, and indexes below the
 * decoder's component limit.
 */
export function readDependencies(v: unknown, path: string, limits: SuitLimits): SuitDependencies {
  const map = asMap(v, path);
  if (map.size === 0) throw malformed(path, 'suit-dependencies names at least one dependency');
  const out: SuitDependencies = new Map();
  let previous = -1;
  for (const [k, meta] of map) {
    const index = asIndex(k, `${path} key`);
    if (index >= limits.maxComponents)
      throw new SuitError(
        'ERR_SUIT_LIMIT',
        path,
        `dependency index ${index} is past the limit of ${limits.maxComponents} component indexes`,
      );
    if (index <= previous) throw malformed(path, `dependency index ${index} follows ${previous}: keys must be in ascending order`);
    previous = index;
    const at = `${path}{${index}}`;
    const metadata = asMap(meta, at);
    const prefix = metadata.get(DependencyMetadataKey.dependencyPrefix);
    if (prefix !== undefined) readComponentId(prefix, `${at}.dependency-prefix`);
    out.set(index, metadata);
  }
  return out;
}

/** The suit-dependency-prefix of a Dependency, when its metadata has one. */
export function dependencyPrefix(dependencies: ReadonlyMap<number, unknown> | undefined, index: number): Uint8Array[] | undefined {
  const metadata = dependencies?.get(index);
  if (!(metadata instanceof Map)) return undefined;
  const prefix = metadata.get(DependencyMetadataKey.dependencyPrefix);
  return Array.isArray(prefix) && prefix.length > 0 && prefix.every((s) => s instanceof Uint8Array) ? prefix : undefined;
}

/** Every component index of a manifest, ascending: those of suit-components, then Dependencies past them. */
export function componentIndexes(components: number, dependencies: ReadonlyMap<number, unknown> | undefined): number[] {
  const out = [...Array(components).keys()];
  for (const i of [...(dependencies?.keys() ?? [])].sort((a, b) => a - b)) if (i >= components) out.push(i);
  return out;
}

/** Whether a component index names a component or a Dependency (§5.2.2, §5.3). */
export const isComponentIndex = (i: number, components: number, dependencies: ReadonlySet<number> | undefined): boolean =>
  (i >= 0 && i < components) || dependencies?.has(i) === true;

/**
 * The SUIT_Component_Identifier of every component index: suit-components for its own indexes; for
 * a Dependency past them, its suit-dependency-prefix (absent when the Dependency has none, and so no
 * identifier a device could store it under).
 */
export function componentIdentifiers(
  components: readonly Uint8Array[][],
  dependencies: ReadonlyMap<number, unknown> | undefined,
): Map<number, Uint8Array[] | undefined> {
  const out = new Map<number, Uint8Array[] | undefined>();
  for (const i of componentIndexes(components.length, dependencies)) out.set(i, components[i] ?? dependencyPrefix(dependencies, i));
  return out;
}
