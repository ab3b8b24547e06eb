/**
 * The components a manifest acts on, by component index: suit-components (draft-ietf-suit-manifest-37
 * §8.4.5) and the Dependencies of suit-dependencies, also those past suit-components, which are
 * addressed by their index and identified by their suit-dependency-prefix
 * (draft-ietf-suit-trust-domains-12 §5.2.2, Appendix B).
 */
import { componentIdentifiers } from '../dependencies.ts';
import type { SuitCommon } from '../manifest.ts';
import { type ComponentId, componentName, type SuitDevice } from './device.ts';

export interface ManifestComponents {
  /** Identifier by component index (a Dependency without one is left out). */
  ids: Map<number, ComponentId>;
  /** Every component index, ascending (what the component index True selects). */
  indexes: number[];
}

export function manifestComponents(common: SuitCommon): ManifestComponents {
  const ids = new Map<number, ComponentId>();
  const all = componentIdentifiers(common.components, common.dependencies);
  for (const [i, id] of all) if (id !== undefined) ids.set(i, id);
  return { ids, indexes: [...all.keys()] };
}

/**
 * The first component index the device cannot act on, and why (§6.2): a component it does not have,
 * or a Dependency past suit-components with no suit-dependency-prefix, which has no identifier for
 * the device to hold its envelope under.
 */
export function unavailableComponent(common: SuitCommon, device: SuitDevice): { index: number; reason: string } | undefined {
  for (const [index, id] of componentIdentifiers(common.components, common.dependencies)) {
    if (id === undefined)
      return {
        index,
        reason: `dependency ${index} is past the ${common.components.length} component(s) and has no dependency-prefix to identify it`,
      };
    if (!device.hasComponent(id)) {
      const what = index < common.components.length ? 'component' : 'dependency';
      return { index, reason: `the device has no component ${componentName(id)} (${what} ${index})` };
    }
  }
  return undefined;
}
