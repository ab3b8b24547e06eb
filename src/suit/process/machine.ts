/**
 * The abstract machine of draft-ietf-suit-manifest-37 §6.4 (parameters per component and the
 * current component index) and what the interpreter runs it against: the device, the manifest's
 * components and dependencies, the envelope's integrated payloads and the run's shared budget.
 */
import type { SuitDigest } from '../digest.ts';
import type { ComponentId, SuitDevice } from './device.ts';
import type { SuitRecord } from './outcome.ts';
import type { SuitStep } from './steps.ts';

/** Runs a dependency manifest held by a component (trust domains suit-directive-process-dependency). */
export type DependencyRunner = (envelope: Uint8Array, componentIndex: number, sequence: string) => Promise<void>;

export interface InterpreterContext {
  device: SuitDevice;
  /**
   * The identifier of every component index (draft-ietf-suit-trust-domains-12 §5.2.2): those of
   * suit-components, then Dependencies past them, identified by their suit-dependency-prefix.
   */
  components: ReadonlyMap<number, ComponentId>;
  /** Component indexes that are dependencies (suit-common suit-dependencies, trust domains). */
  dependencies: ReadonlySet<number>;
  /** Integrated payloads of the envelope, keyed by URI ("#name" or a pre-fetched URI; Integrated Payload template). */
  integrated: ReadonlyMap<string, Uint8Array>;
  decrypt?: (encryptionInfo: Uint8Array, ciphertext: Uint8Array) => Uint8Array;
  processDependency?: DependencyRunner;
  /** Manifest digest of a dependency envelope held by a component (suit-condition-dependency-integrity). */
  dependencyDigest?: (envelope: Uint8Array, algorithm: number) => SuitDigest;
  /** Largest payload a fetch accepts (bytes). */
  maxPayloadBytes: number;
  /** Commands executed so far and the most a run may execute (try-each and run-sequence multiply them per component). */
  budget: { executed: number; max: number };
  records: SuitRecord[];
  steps: SuitStep[];
  onStep?: (step: SuitStep) => void;
}

/** The abstract machine's state (§6.4): parameters per component and the current component index. */
export class MachineState {
  readonly parameters = new Map<number, Map<number, unknown>>();
  index: number | true | number[] = 0;
  /**
   * The envelope each Dependency held when its manifest digest last matched (image-match or
   * dependency-integrity, draft-ietf-suit-trust-domains-12 §5.2.2, §5.6.4): process-dependency runs
   * only these exact bytes (§5.4, §5.6.2), so a Dependency written after its check is refused.
   */
  readonly checkedDependencies = new Map<number, Uint8Array>();
  /** suit-parameter-soft-failure: scoped to the try-each or run-sequence that sets it (suit-parameter-soft-failure). */
  softFailure = false;
  /** Every component index of the manifest, Dependencies included (trust domains §5.2.2). */
  readonly indexes: readonly number[];

  constructor(indexes: readonly number[]) {
    this.indexes = indexes;
  }

  /** The component indexes the current index selects: True selects every component and Dependency (§6.5; trust domains §5.3). */
  selected(): number[] {
    if (this.index === true) return [...this.indexes];
    return Array.isArray(this.index) ? this.index : [this.index];
  }

  params(i: number): Map<number, unknown> {
    let p = this.parameters.get(i);
    if (p === undefined) {
      p = new Map();
      this.parameters.set(i, p);
    }
    return p;
  }
}
