/**
 * The SUIT manifest processor (draft-ietf-suit-manifest-37 §6): authenticates the envelope before
 * anything else (§6.2, via authenticate.ts), refuses manifests whose sequence number is not newer
 * than the device's (anti-rollback, §6.1; RFC 9124 REQ.SEC.SEQUENCE), then runs the command sequences in order:
 * for an update dependency-resolution, payload-fetch, candidate-verification (trust domains),
 * install, then validate, load and invoke; for a boot validate, load and invoke only (the update and invocation procedures of the
 * overview's Command Sequences). The shared sequence runs before each of them (overview, Common);
 * parameter storage is cleared once, at the start (§6.1).
 */
import { type SuitKey, verifyEnvelope } from '../authenticate.ts';
import type { SuitCommand } from '../commands.ts';
import { ManifestKey } from '../constants.ts';
import { digestOf, type SuitDigest } from '../digest.ts';
import type { SuitEnvelope } from '../envelope.ts';
import { readEnvelope, wrapped } from '../envelope.ts';
import type { SuitError } from '../errors.ts';
import type { SuitLimits } from '../lib/read.ts';
import { manifestKeyName } from '../manifest.ts';
import { manifestComponents, unavailableComponent } from './components.ts';
import type { SuitDevice } from './device.ts';
import { SuitProcessError } from './errors.ts';
import { runSequence } from './interpreter.ts';
import { type InterpreterContext, MachineState } from './machine.ts';
import type { SuitProcessOutcome, SuitRecord } from './outcome.ts';
import { CommandFailure, type SuitStep } from './steps.ts';

/** Sequences of an update, in the order they run (update procedure, then invocation; trust domains for dependency-resolution and candidate-verification). */
export const UPDATE_SEQUENCES: readonly number[] = [
  ManifestKey.dependencyResolution,
  ManifestKey.payloadFetch,
  ManifestKey.candidateVerification,
  ManifestKey.install,
  ManifestKey.validate,
  ManifestKey.load,
  ManifestKey.invoke,
];

/** Sequences of a boot (the invocation procedure). */
export const BOOT_SEQUENCES: readonly number[] = [ManifestKey.validate, ManifestKey.load, ManifestKey.invoke];

/** Name of the pseudo-sequence that reports the anti-rollback check. */
export const ROLLBACK_CHECK = 'sequence-number';

export interface ProcessEnvelopeOptions {
  /** Trust anchors (authenticate.ts); the same keys verify dependency manifests. */
  keys: readonly SuitKey[];
  device: SuitDevice;
  /** "update" (default) runs every sequence; "boot" runs validate, load and invoke. */
  mode?: 'update' | 'boot';
  /** Decrypts a payload whose component carries encryption-info (draft-ietf-suit-firmware-encryption). */
  decrypt?: (encryptionInfo: Uint8Array, ciphertext: Uint8Array) => Uint8Array;
  /** Called for every executed command, as it happens. */
  onStep?: (step: SuitStep) => void;
  /** Largest fetched payload in bytes (default 16 MiB). */
  maxPayloadBytes?: number;
  /** Most commands one run executes, counting each repetition per component (default 100,000). */
  maxCommandsExecuted?: number;
  /** Deepest chain of dependency manifests (default 3). */
  maxDependencyDepth?: number;
  limits?: Partial<SuitLimits>;
}

export interface SuitProcessRun {
  outcome: SuitProcessOutcome;
  /** Every executed command, in order, with what it did. */
  steps: SuitStep[];
  /** Sequences that ran, by name. */
  sequences: string[];
  /** The failure, typed, when the outcome is not ok. */
  error?: SuitProcessError | SuitError;
}

const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

/**
 * Authenticates and processes an envelope on a device. Authentication failures throw (SuitError:
 * nothing of an unauthenticated manifest runs, and nothing is reported from it); every later
 * failure ends processing and is returned as the outcome's result, with the typed error.
 */
export async function processEnvelope(bytes: Uint8Array, opts: ProcessEnvelopeOptions): Promise<SuitProcessRun> {
  if (opts === null || typeof opts !== 'object' || opts.device === undefined || !Array.isArray(opts.keys))
    throw new TypeError('processEnvelope: options with keys and device are required');
  const verified = verifyEnvelope(bytes, { keys: opts.keys, ...(opts.limits === undefined ? {} : { limits: opts.limits }) });
  const env = verified.envelope;
  const manifest = env.manifest;
  const records: SuitRecord[] = [];
  const steps: SuitStep[] = [];
  const sequences: string[] = [];
  const outcome = (result: SuitProcessOutcome['result']): SuitProcessOutcome => ({
    manifestDigest: { algorithm: env.authentication.digest.algorithm, bytes: env.authentication.digest.bytes },
    sequenceNumber: manifest.sequenceNumber,
    records,
    result,
  });
  const mode = opts.mode ?? 'update';

  // Anti-rollback: an update must be newer than what the device holds; a boot may not be older.
  const last = opts.device.lastSequenceNumber();
  if (last !== undefined) {
    const seq = BigInt(manifest.sequenceNumber);
    const stored = BigInt(last);
    if (mode === 'update' ? seq <= stored : seq < stored) {
      const error = new SuitProcessError(
        'ERR_SUIT_ROLLBACK',
        `manifest sequence number ${seq} is ${mode === 'update' ? 'not greater than' : 'less than'} the device's ${stored}: refused`,
      );
      const at = { sequence: ROLLBACK_CHECK, commandIndex: 0, command: 'check-sequence-number' };
      records.push({ ...at });
      const step: SuitStep = { ...at, ok: false, detail: error.message, code: error.code };
      steps.push(step);
      opts.onStep?.(step);
      return { outcome: outcome({ ok: false, failedAt: at, reason: error.message, code: error.code }), steps, sequences, error };
    }
  }

  // The device must have every component the manifest lists (§6.2), Dependencies included (trust domains §5.2.2).
  const unavailable = unavailableComponent(manifest.common, opts.device);
  if (unavailable !== undefined) {
    const error = new SuitProcessError('ERR_SUIT_COMPONENT_UNKNOWN', unavailable.reason);
    const at = {
      sequence: manifestKeyName(ManifestKey.common),
      commandIndex: 0,
      command: 'check-components',
      componentIndex: unavailable.index,
    };
    records.push({ ...at });
    const step: SuitStep = { ...at, ok: false, detail: error.message, code: error.code };
    steps.push(step);
    opts.onStep?.(step);
    return { outcome: outcome({ ok: false, failedAt: at, reason: error.message, code: error.code }), steps, sequences, error };
  }

  const depth = { value: 0, budget: { executed: 0, max: opts.maxCommandsExecuted ?? 100_000 } };
  const ctx = context(env, opts, records, steps, depth, '');
  // Parameter storage is cleared once, before the first sequence (§6.1); the shared sequence runs before each.
  const state = new MachineState(manifestComponents(manifest.common).indexes);
  const order = mode === 'update' ? UPDATE_SEQUENCES : BOOT_SEQUENCES;
  try {
    for (const key of order) {
      const commands = sequenceOf(env, key);
      const name = manifestKeyName(key);
      if (commands === undefined) {
        if (manifest.severed.has(key) && key === ManifestKey.install) {
          const error = new SuitProcessError('ERR_SUIT_SEQUENCE_MISSING', 'install is severed and the envelope does not carry it');
          const failedAt = { sequence: name, commandIndex: 0, command: 'severed-sequence' };
          const step: SuitStep = { ...failedAt, ok: false, detail: error.message, code: error.code };
          steps.push(step);
          opts.onStep?.(step);
          return { outcome: outcome({ ok: false, failedAt, reason: error.message, code: error.code }), steps, sequences, error };
        }
        continue;
      }
      sequences.push(name);
      await runWithShared(ctx, state, env, commands, name);
      if (mode === 'update' && (key === ManifestKey.validate || (key === ManifestKey.install && !hasSequence(env, ManifestKey.validate))))
        opts.device.setLastSequenceNumber(manifest.sequenceNumber);
    }
    if (mode === 'update' && !sequences.includes('validate') && !sequences.includes('install'))
      opts.device.setLastSequenceNumber(manifest.sequenceNumber);
  } catch (e) {
    if (e instanceof CommandFailure) {
      const s = e.step;
      const failedAt = {
        sequence: s.sequence,
        commandIndex: s.commandIndex,
        command: s.command,
        ...(s.componentIndex === undefined ? {} : { componentIndex: s.componentIndex }),
      };
      return { outcome: outcome({ ok: false, failedAt, reason: e.error.message, code: e.error.code }), steps, sequences, error: e.error };
    }
    throw e;
  }
  return { outcome: outcome({ ok: true }), steps, sequences };
}

const hasSequence = (env: SuitEnvelope, key: number): boolean => sequenceOf(env, key) !== undefined;

/** A sequence from the manifest or, when severed, from the envelope (whose digest verifyEnvelope checked). */
function sequenceOf(env: SuitEnvelope, key: number): SuitCommand[] | undefined {
  return env.manifest.sequences.get(key) ?? env.severable.get(key)?.sequence;
}

async function runWithShared(
  ctx: InterpreterContext,
  state: MachineState,
  env: SuitEnvelope,
  commands: SuitCommand[],
  name: string,
): Promise<void> {
  state.index = 0;
  state.softFailure = false;
  const shared = env.manifest.common.sharedSequence;
  if (shared !== undefined) await runSequence(ctx, state, shared, { sequence: prefixed(ctx, 'shared-sequence') });
  state.index = 0;
  await runSequence(ctx, state, commands, { sequence: prefixed(ctx, name) });
}

const PREFIX = new WeakMap<InterpreterContext, string>();
const prefixed = (ctx: InterpreterContext, name: string): string => `${PREFIX.get(ctx) ?? ''}${name}`;

function context(
  env: SuitEnvelope,
  opts: ProcessEnvelopeOptions,
  records: SuitRecord[],
  steps: SuitStep[],
  depth: { value: number; budget: { executed: number; max: number } },
  prefix: string,
): InterpreterContext {
  const ctx: InterpreterContext = {
    device: opts.device,
    components: manifestComponents(env.manifest.common).ids,
    dependencies: new Set(env.manifest.common.dependencies?.keys() ?? []),
    integrated: env.integrated,
    ...(opts.decrypt === undefined ? {} : { decrypt: opts.decrypt }),
    maxPayloadBytes: opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD,
    budget: depth.budget,
    records,
    steps,
    ...(opts.onStep === undefined ? {} : { onStep: opts.onStep }),
    dependencyDigest: (bytes: Uint8Array, algorithm: number): SuitDigest =>
      digestOf(
        algorithm,
        wrapped(readEnvelope(bytes, opts.limits === undefined ? {} : { limits: opts.limits }).manifestBytes),
        'dependency',
      ),
    processDependency: async (bytes, componentIndex, sequence) => {
      const max = opts.maxDependencyDepth ?? 3;
      if (depth.value >= max) throw new SuitProcessError('ERR_SUIT_DEPENDENCY_FAILED', `dependency manifests nest deeper than ${max}`);
      // The dependency is authenticated with the same trust anchors before any of it runs.
      const dep = verifyEnvelope(bytes, { keys: opts.keys, ...(opts.limits === undefined ? {} : { limits: opts.limits }) }).envelope;
      const key = sequenceKey(sequence);
      const commands = key === undefined ? undefined : sequenceOf(dep, key);
      if (commands === undefined) return;
      // Records of a dependency belong to its own manifest; only the steps are kept here.
      const inner = context(dep, opts, [], steps, depth, `${prefix}dependency[${componentIndex}].`);
      depth.value++;
      try {
        await runWithShared(
          inner,
          new MachineState(manifestComponents(dep.manifest.common).indexes),
          dep,
          commands,
          manifestKeyName(key as number),
        );
      } catch (e) {
        if (e instanceof CommandFailure)
          throw new SuitProcessError(
            'ERR_SUIT_DEPENDENCY_FAILED',
            `dependency ${componentIndex}: ${e.step.sequence}[${e.step.commandIndex}] ${e.step.command}: ${e.error.message} [${e.error.code}]`,
            {
              cause: e.error,
            },
          );
        throw e;
      } finally {
        depth.value--;
      }
    },
  };
  PREFIX.set(ctx, prefix);
  return ctx;
}

/** The manifest key of a (possibly prefixed) sequence name. */
function sequenceKey(name: string): number | undefined {
  const bare = name.slice(name.lastIndexOf('.') + 1);
  for (const key of UPDATE_SEQUENCES) if (manifestKeyName(key) === bare) return key;
  return undefined;
}
