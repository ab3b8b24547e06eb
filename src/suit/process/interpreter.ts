/**
 * The command interpreter of draft-ietf-suit-manifest-37 §6 (abstract machine §6.4): per-component
 * parameters, the current component index (a number, true for every component, or a list), and the
 * conditions and directives of §8.4.9–§8.4.10, of draft-ietf-suit-update-management and of
 * draft-ietf-suit-trust-domains. One interpreter runs one command sequence of one manifest; the
 * processor (process-envelope.ts) decides which sequences run and in what order.
 */
import { constantTimeEqual } from '../../codec/bytes.ts';
import { encode } from '../../codec/cbor.ts';
import type { SuitCommand } from '../commands.ts';
import { Command, Parameter, ReportingPolicy, VersionComparison } from '../constants.ts';
import { digestOf, type SuitDigest } from '../digest.ts';
import { SuitError } from '../errors.ts';
import { parameterName } from '../parameters.ts';
import type { ComponentId, SuitDevice } from './device.ts';
import { componentName } from './device.ts';
import { SuitProcessError } from './errors.ts';
import type { SuitRecord } from './outcome.ts';

/** One executed command, for logs and the command line (every command, whatever its policy). */
export interface SuitStep {
  sequence: string;
  commandIndex: number;
  /** Position inside try-each / run-sequence, e.g. "try-each[1][0]"; absent at the top level. */
  at?: string;
  command: string;
  componentIndex?: number;
  component?: string;
  ok: boolean;
  /** What happened, e.g. "wrote 30 bytes", or why it failed. */
  detail?: string;
  code?: string;
}

/** Thrown inside the interpreter when a command fails; carries where. */
export class CommandFailure extends Error {
  readonly error: SuitProcessError | SuitError;
  readonly step: SuitStep;
  /** Code point of the failing command. */
  readonly commandCode: number;

  constructor(error: SuitProcessError | SuitError, step: SuitStep, commandCode: number) {
    super(error.message);
    this.error = error;
    this.step = step;
    this.commandCode = commandCode;
  }
}

/** Runs a dependency manifest held by a component (trust domains suit-directive-process-dependency). */
export type DependencyRunner = (envelope: Uint8Array, componentIndex: number, sequence: string) => Promise<void>;

export interface InterpreterContext {
  device: SuitDevice;
  components: readonly ComponentId[];
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
  /** suit-parameter-soft-failure: scoped to the try-each or run-sequence that sets it (suit-parameter-soft-failure). */
  softFailure = false;
  readonly componentCount: number;

  constructor(componentCount: number) {
    this.componentCount = componentCount;
  }

  /** The component indexes the current index selects. */
  selected(): number[] {
    if (this.index === true) return [...Array(this.componentCount).keys()];
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

/**
 * Runs `fn` once per selected component (§6.5 special cases of the component index: try-each and run-sequence are invoked once per
 * component, with an integer index), then restores the index.
 */
async function perComponent(state: MachineState, fn: (i: number) => Promise<void>): Promise<void> {
  const saved = state.index;
  try {
    for (const i of state.selected()) await fn(i);
  } finally {
    state.index = saved;
  }
}

/** Runs `fn` with soft failure set to `initial`, restoring the enclosing value afterwards. */
async function scoped<T>(state: MachineState, initial: boolean, fn: () => Promise<T>): Promise<T> {
  const saved = state.softFailure;
  state.softFailure = initial;
  try {
    return await fn();
  } finally {
    state.softFailure = saved;
  }
}

const CONDITIONS: ReadonlySet<number> = new Set([
  Command.conditionVendorIdentifier,
  Command.conditionClassIdentifier,
  Command.conditionImageMatch,
  Command.conditionUseBefore,
  Command.conditionComponentSlot,
  Command.conditionCheckContent,
  Command.conditionDependencyIntegrity,
  Command.conditionIsDependency,
  Command.conditionAbort,
  Command.conditionDeviceIdentifier,
  Command.conditionImageNotMatch,
  Command.conditionMinimumBattery,
  Command.conditionUpdateAuthorized,
  Command.conditionVersion,
]);

/** Whether a command is a condition (whose failure try-each and soft-failure absorb). */
export const isCondition = (code: number): boolean => CONDITIONS.has(code);

interface Where {
  sequence: string;
  commandIndex: number;
  at?: string;
}

/** Runs a command sequence; throws CommandFailure at the first failing command. */
export async function runSequence(
  ctx: InterpreterContext,
  state: MachineState,
  commands: readonly SuitCommand[],
  where: { sequence: string; at?: string; top?: number },
): Promise<void> {
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i] as SuitCommand;
    const w: Where =
      where.top === undefined
        ? { sequence: where.sequence, commandIndex: i }
        : { sequence: where.sequence, commandIndex: where.top, at: `${where.at ?? ''}[${i}]` };
    await runCommand(ctx, state, c, w);
  }
}

async function runCommand(ctx: InterpreterContext, state: MachineState, c: SuitCommand, w: Where): Promise<void> {
  const a = c.argument;
  if (++ctx.budget.executed > ctx.budget.max)
    throw fail(
      ctx,
      c,
      w,
      undefined,
      new SuitError('ERR_SUIT_LIMIT', w.sequence, `more than ${ctx.budget.max} commands executed in one run`),
    );
  switch (c.code) {
    case Command.directiveSetComponentIndex: {
      if (a.kind !== 'component-index') throw fail(ctx, c, w, undefined, badArgument(c, w));
      state.index = a.index;
      log(ctx, { ...base(c, w), ok: true, detail: `component index ${JSON.stringify(a.index)}` });
      return;
    }
    case Command.directiveOverrideParameters:
    case Command.directiveSetParameters: {
      if (a.kind !== 'parameters') throw fail(ctx, c, w, undefined, badArgument(c, w));
      for (const i of state.selected()) {
        const p = state.params(i);
        for (const q of a.parameters) {
          // Soft failure is a processor parameter, not a component's (SUIT_Parameters, §8.4.8).
          if (q.code === Parameter.softFailure) {
            state.softFailure = q.value === true;
            continue;
          }
          // set-parameters (trust domains) leaves a parameter already set alone.
          if (c.code === Command.directiveSetParameters && p.has(q.code)) continue;
          p.set(q.code, q.value);
        }
      }
      log(ctx, { ...base(c, w), ok: true, detail: `set ${a.parameters.map((q) => q.name).join(', ')}` });
      return;
    }
    case Command.directiveOverrideMultiple: {
      if (a.kind !== 'override-multiple') throw fail(ctx, c, w, undefined, badArgument(c, w));
      for (const e of a.entries) for (const q of e.parameters) state.params(e.index).set(q.code, q.value);
      // The component index is left at the last component listed (update management, override-multiple).
      const last = a.entries.at(-1);
      if (last !== undefined) state.index = last.index;
      log(ctx, { ...base(c, w), ok: true, detail: `components ${a.entries.map((e) => e.index).join(', ')}` });
      return;
    }
    case Command.directiveCopyParams: {
      if (a.kind !== 'copy-params') throw fail(ctx, c, w, undefined, badArgument(c, w));
      for (const i of state.selected()) {
        for (const e of a.entries) {
          const src = state.params(e.index);
          for (const code of e.parameters) if (src.has(code)) state.params(i).set(code, src.get(code));
        }
      }
      log(ctx, { ...base(c, w), ok: true });
      return;
    }
    case Command.directiveTryEach: {
      if (a.kind !== 'try-each') throw fail(ctx, c, w, undefined, badArgument(c, w));
      await perComponent(state, async (i) => {
        const failures: string[] = [];
        for (let k = 0; k < a.sequences.length; k++) {
          state.index = i;
          // Soft failure is True at the start of each alternative (suit-directive-try-each).
          const done = await scoped(state, true, async () => {
            try {
              await runSequence(ctx, state, a.sequences[k] as SuitCommand[], {
                sequence: w.sequence,
                top: w.commandIndex,
                at: `${w.at ?? ''}.try-each[${k}]`,
              });
              return true;
            } catch (e) {
              // A failed condition ends this alternative and, with soft failure, the next one is tried;
              // without it the try-each fails with the condition's failure.
              if (!(e instanceof CommandFailure) || !isCondition(e.commandCode) || !state.softFailure) throw e;
              failures.push(`alternative ${k}: ${e.error.message}`);
              return false;
            }
          });
          if (done) {
            log(ctx, { ...base(c, w), componentIndex: i, ok: true, detail: `alternative ${k} succeeded` });
            return;
          }
        }
        if (a.emptyLast) {
          log(ctx, { ...base(c, w), componentIndex: i, ok: true, detail: 'no alternative succeeded; the empty last alternative does' });
          return;
        }
        throw fail(
          ctx,
          c,
          w,
          i,
          new SuitProcessError('ERR_SUIT_CONDITION_FAILED', `no try-each alternative succeeded (${failures.join('; ')})`),
        );
      });
      return;
    }
    case Command.directiveRunSequence: {
      if (a.kind !== 'sequence') throw fail(ctx, c, w, undefined, badArgument(c, w));
      await perComponent(state, async (i) => {
        state.index = i;
        // Soft failure is False at the start of run-sequence and discarded at its end (suit-directive-run-sequence).
        await scoped(state, false, async () => {
          try {
            await runSequence(ctx, state, a.commands, { sequence: w.sequence, top: w.commandIndex, at: `${w.at ?? ''}.run-sequence` });
          } catch (e) {
            if (!(e instanceof CommandFailure) || !isCondition(e.commandCode) || !state.softFailure) throw e;
          }
        });
      });
      log(ctx, { ...base(c, w), ok: true });
      return;
    }
    default:
      break;
  }
  if (a.kind !== 'policy') {
    throw fail(ctx, c, w, undefined, new SuitProcessError('ERR_SUIT_PROCESS_UNSUPPORTED', `${c.name} is not supported by this processor`));
  }
  for (const i of state.selected()) {
    const comp = ctx.components[i];
    if (comp === undefined)
      throw fail(ctx, c, w, i, new SuitProcessError('ERR_SUIT_COMPONENT_UNKNOWN', `component index ${i} is not in the manifest`));
    let detail: string | undefined;
    try {
      detail = await execute(ctx, state, c, i, comp, w.sequence);
    } catch (e) {
      if (e instanceof SuitProcessError || e instanceof SuitError) {
        record(ctx, state, c, w, i, a.policy, false);
        throw fail(ctx, c, w, i, e);
      }
      throw e;
    }
    record(ctx, state, c, w, i, a.policy, true);
    log(ctx, { ...base(c, w), componentIndex: i, component: componentName(comp), ok: true, ...(detail === undefined ? {} : { detail }) });
  }
}

function base(c: SuitCommand, w: Where): SuitStep {
  return { sequence: w.sequence, commandIndex: w.commandIndex, ...(w.at === undefined ? {} : { at: w.at }), command: c.name, ok: true };
}

function log(ctx: InterpreterContext, step: SuitStep): void {
  ctx.steps.push(step);
  ctx.onStep?.(step);
}

function badArgument(c: SuitCommand, w: Where): SuitProcessError {
  return new SuitProcessError(
    'ERR_SUIT_PROCESS_UNSUPPORTED',
    `${w.sequence}[${w.commandIndex}]: ${c.name} has an argument of kind ${c.argument.kind}`,
  );
}

function fail(ctx: InterpreterContext, c: SuitCommand, w: Where, i: number | undefined, e: SuitProcessError | SuitError): CommandFailure {
  const comp = i === undefined ? undefined : ctx.components[i];
  const step: SuitStep = {
    ...base(c, w),
    ...(i === undefined ? {} : { componentIndex: i }),
    ...(comp === undefined ? {} : { component: componentName(comp) }),
    ok: false,
    detail: e.message,
    code: e.code,
  };
  log(ctx, step);
  return new CommandFailure(e, step, c.code);
}

/** Adds a record when the reporting policy (§8.4.7) asks for one. */
function record(ctx: InterpreterContext, state: MachineState, c: SuitCommand, w: Where, i: number, policy: number, ok: boolean): void {
  const want = ok ? ReportingPolicy.sendRecordOnSuccess : ReportingPolicy.sendRecordOnFailure;
  const sysinfo = ok ? ReportingPolicy.sendSysinfoOnSuccess : ReportingPolicy.sendSysinfoOnFailure;
  if ((policy & want) === 0 && (policy & sysinfo) === 0) return;
  const r: SuitRecord = { sequence: w.sequence, commandIndex: w.commandIndex, componentIndex: i, command: c.name };
  if ((policy & sysinfo) !== 0) r.parameters = Object.fromEntries(state.params(i));
  ctx.records.push(r);
}

const conditionFailed = (c: SuitCommand, why: string): SuitProcessError =>
  new SuitProcessError('ERR_SUIT_CONDITION_FAILED', `${c.name}: ${why}`);

function need<T>(state: MachineState, i: number, code: number, c: SuitCommand): T {
  const p = state.params(i);
  if (!p.has(code))
    throw new SuitProcessError('ERR_SUIT_PARAMETER_MISSING', `${c.name} needs ${parameterName(code)}, which is not set for component ${i}`);
  return p.get(code) as T;
}

const hex = (b: Uint8Array | undefined): string => (b === undefined ? 'none' : Buffer.from(b).toString('hex'));

function slotOf(state: MachineState, i: number): number | undefined {
  const s = state.params(i).get(Parameter.componentSlot);
  return typeof s === 'number' ? s : undefined;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && constantTimeEqual(a, b);
}

function imageMatches(
  ctx: InterpreterContext,
  state: MachineState,
  c: SuitCommand,
  i: number,
  comp: ComponentId,
): { ok: boolean; why: string } {
  const expected = need<SuitDigest>(state, i, Parameter.imageDigest, c);
  const content = ctx.device.read(comp, slotOf(state, i));
  if (content === undefined) return { ok: false, why: `component ${componentName(comp)} is empty` };
  if (ctx.dependencies.has(i) && ctx.dependencyDigest !== undefined) {
    // A dependency is measured by its manifest: the digest over the bstr-wrapped SUIT_Manifest of the
    // envelope it holds, so that signatures and severing do not change it (trust domains).
    const actual = ctx.dependencyDigest(content, expected.algorithm);
    if (!sameBytes(actual.bytes, expected.bytes))
      return {
        ok: false,
        why: `manifest digest of dependency ${componentName(comp)} is ${hex(actual.bytes)}, image-digest is ${hex(expected.bytes)}`,
      };
    return { ok: true, why: 'dependency manifest digest matches' };
  }
  const size = state.params(i).get(Parameter.imageSize);
  if (typeof size === 'number' && content.length !== size)
    return { ok: false, why: `component ${componentName(comp)} holds ${content.length} bytes, image-size is ${size}` };
  const actual = digestOf(expected.algorithm, content, c.name);
  if (!sameBytes(actual.bytes, expected.bytes))
    return { ok: false, why: `digest of ${componentName(comp)} is ${hex(actual.bytes)}, image-digest is ${hex(expected.bytes)}` };
  return { ok: true, why: 'image digest matches' };
}

/**
 * Compares an installed version with the manifest's comparison value (update management,
 * suit-parameter-version): integer by integer, stopping once the manifest's integers are consumed
 * or at the first difference, so "Equal [1]" matches 1.x.y. A missing installed integer counts as 0.
 */
function compareVersions(installed: readonly number[], value: readonly number[]): number {
  for (let k = 0; k < value.length; k++) {
    const x = Number(installed[k] ?? 0);
    const y = Number(value[k]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Decrypts a payload when the component's parameters carry encryption-info (draft-ietf-suit-firmware-encryption). */
function plaintext(ctx: InterpreterContext, state: MachineState, i: number, data: Uint8Array): { data: Uint8Array; note: string } {
  const p = state.params(i);
  if (!p.has(Parameter.encryptionInfo)) return { data, note: '' };
  if (ctx.decrypt === undefined)
    throw new SuitProcessError(
      'ERR_SUIT_DECRYPT_UNAVAILABLE',
      `component ${i} has encryption-info but no decryption key or function was given`,
    );
  return { data: ctx.decrypt(encode(p.get(Parameter.encryptionInfo)), data), note: ' (decrypted)' };
}

async function execute(
  ctx: InterpreterContext,
  state: MachineState,
  c: SuitCommand,
  i: number,
  comp: ComponentId,
  sequence: string,
): Promise<string | undefined> {
  const dev = ctx.device;
  const p = state.params(i);
  switch (c.code) {
    case Command.conditionVendorIdentifier:
    case Command.conditionClassIdentifier:
    case Command.conditionDeviceIdentifier: {
      const [param, field] =
        c.code === Command.conditionVendorIdentifier
          ? ([Parameter.vendorIdentifier, 'vendorId'] as const)
          : c.code === Command.conditionClassIdentifier
            ? ([Parameter.classIdentifier, 'classId'] as const)
            : ([Parameter.deviceIdentifier, 'deviceId'] as const);
      const expected = need<Uint8Array>(state, i, param, c);
      const actual = dev.identity(comp)[field];
      if (!sameBytes(actual, expected))
        throw conditionFailed(c, `the device's ${parameterName(param)} is ${hex(actual)}, the manifest's ${hex(expected)}`);
      return `${parameterName(param)} ${hex(expected)}`;
    }
    case Command.conditionImageMatch: {
      const r = imageMatches(ctx, state, c, i, comp);
      if (!r.ok) throw conditionFailed(c, r.why);
      return r.why;
    }
    case Command.conditionImageNotMatch: {
      const r = imageMatches(ctx, state, c, i, comp);
      if (r.ok) throw conditionFailed(c, `component ${componentName(comp)} already holds the image`);
      return r.why;
    }
    case Command.conditionComponentSlot: {
      const expected = need<number>(state, i, Parameter.componentSlot, c);
      const actual = dev.currentSlot(comp);
      if (actual !== expected) throw conditionFailed(c, `component ${componentName(comp)} is in slot ${actual ?? 'none'}, not ${expected}`);
      return `slot ${expected}`;
    }
    case Command.conditionCheckContent: {
      const expected = need<Uint8Array>(state, i, Parameter.content, c);
      if (!sameBytes(dev.read(comp, slotOf(state, i)), expected))
        throw conditionFailed(c, `component ${componentName(comp)} does not hold the content`);
      return undefined;
    }
    case Command.conditionAbort:
      throw new SuitProcessError('ERR_SUIT_ABORT', 'condition-abort: the manifest ends processing here');
    case Command.conditionVersion: {
      const [type, value] = need<[number, number[]]>(state, i, Parameter.version, c);
      const installed = dev.version(comp);
      if (installed === undefined) throw conditionFailed(c, `the version of ${componentName(comp)} is unknown`);
      const cmp = compareVersions(installed, value);
      const ok =
        type === VersionComparison.greater
          ? cmp > 0
          : type === VersionComparison.greaterEqual
            ? cmp >= 0
            : type === VersionComparison.equal
              ? cmp === 0
              : type === VersionComparison.lesserEqual
                ? cmp <= 0
                : type === VersionComparison.lesser
                  ? cmp < 0
                  : undefined;
      if (ok === undefined) throw new SuitProcessError('ERR_SUIT_PROCESS_UNSUPPORTED', `${c.name}: comparison type ${type} is not defined`);
      if (!ok) throw conditionFailed(c, `installed version ${installed.join('.')} fails comparison ${type} with ${value.join('.')}`);
      return `version ${installed.join('.')}`;
    }
    case Command.conditionUseBefore: {
      const limit = need<number>(state, i, Parameter.useBefore, c);
      const now = dev.now();
      // §6.4: assert(now() < arg).
      if (!(now < limit)) throw conditionFailed(c, `it is ${now}, the manifest may only be used before ${limit}`);
      return undefined;
    }
    case Command.conditionMinimumBattery: {
      const min = need<number>(state, i, Parameter.minimumBattery, c);
      const level = dev.battery();
      // A device without a battery (mains powered) meets any minimum.
      if (level !== undefined && level < min) throw conditionFailed(c, `battery at ${level}, the manifest needs ${min}`);
      return level === undefined ? 'no battery' : `battery at ${level}`;
    }
    case Command.conditionUpdateAuthorized: {
      const priority = p.get(Parameter.updatePriority) as number | bigint | undefined;
      if (!dev.authorize({ componentIndex: i, priority })) throw conditionFailed(c, 'the update was not authorized');
      return undefined;
    }
    case Command.conditionIsDependency:
      if (!ctx.dependencies.has(i)) throw conditionFailed(c, `component ${i} is not a dependency`);
      return undefined;
    case Command.conditionDependencyIntegrity: {
      if (!ctx.dependencies.has(i)) throw conditionFailed(c, `component ${i} is not a dependency`);
      const r = imageMatches(ctx, state, c, i, comp);
      if (!r.ok) throw conditionFailed(c, r.why);
      return r.why;
    }
    case Command.directiveWrite: {
      const content = need<Uint8Array>(state, i, Parameter.content, c);
      const { data, note } = plaintext(ctx, state, i, content);
      dev.write(comp, data, slotOf(state, i));
      return `wrote ${data.length} bytes${note}`;
    }
    case Command.directiveFetch: {
      const uri = need<string>(state, i, Parameter.uri, c);
      let fetched: Uint8Array;
      // An integrated payload is keyed by its URI (Integrated Payload template: a fragment such as "#image", or a URI a
      // distributor pre-fetched); a fragment-only reference can only be integrated.
      const integrated = ctx.integrated.get(uri);
      if (integrated !== undefined) fetched = integrated;
      else if (uri.startsWith('#')) throw new SuitProcessError('ERR_SUIT_FETCH_FAILED', `the envelope has no integrated payload ${uri}`);
      else {
        try {
          fetched = await dev.fetch(uri, p.get(Parameter.fetchArguments) as Uint8Array | undefined);
        } catch (e) {
          if (e instanceof SuitProcessError) throw e;
          throw new SuitProcessError('ERR_SUIT_FETCH_FAILED', `fetching ${uri} failed: ${(e as Error).message}`, { cause: e });
        }
      }
      if (fetched.length > ctx.maxPayloadBytes)
        throw new SuitProcessError('ERR_SUIT_FETCH_FAILED', `${uri} is ${fetched.length} bytes, more than ${ctx.maxPayloadBytes}`);
      const { data, note } = plaintext(ctx, state, i, fetched);
      dev.write(comp, data, slotOf(state, i));
      return `fetched ${uri}: ${data.length} bytes${note}`;
    }
    case Command.directiveCopy:
    case Command.directiveSwap: {
      const src = need<number>(state, i, Parameter.sourceComponent, c);
      const srcId = ctx.components[src];
      if (srcId === undefined)
        throw new SuitProcessError('ERR_SUIT_COMPONENT_UNKNOWN', `${c.name}: source-component ${src} is not in the manifest`);
      if (c.code === Command.directiveSwap) {
        dev.swap(comp, srcId);
        return `swapped with ${componentName(srcId)}`;
      }
      const content = dev.read(srcId, slotOf(state, src));
      if (content === undefined)
        throw new SuitProcessError('ERR_SUIT_DEVICE_FAILED', `copy: source component ${componentName(srcId)} is empty`);
      const { data, note } = plaintext(ctx, state, i, content);
      dev.write(comp, data, slotOf(state, i));
      return `copied ${data.length} bytes from ${componentName(srcId)}${note}`;
    }
    case Command.directiveInvoke:
      dev.invoke(comp, p.get(Parameter.invokeArgs) as Uint8Array | undefined);
      return 'invoked';
    case Command.directiveWait:
      await dev.wait(p.get(Parameter.waitInfo) as Map<unknown, unknown> | undefined);
      return undefined;
    case Command.directiveProcessDependency: {
      // With the index True it applies to every dependency and passes over the other components (trust domains).
      if (!ctx.dependencies.has(i)) {
        if (state.index === true) return 'not a dependency: skipped';
        throw new SuitProcessError('ERR_SUIT_DEPENDENCY_FAILED', `component ${i} is not a dependency`);
      }
      const content = dev.read(comp, slotOf(state, i));
      if (content === undefined)
        throw new SuitProcessError('ERR_SUIT_DEPENDENCY_FAILED', `component ${componentName(comp)} holds no dependency manifest`);
      if (ctx.processDependency === undefined)
        throw new SuitProcessError('ERR_SUIT_PROCESS_UNSUPPORTED', 'process-dependency is not available here');
      await ctx.processDependency(content, i, sequence);
      return `processed the dependency's ${sequence}`;
    }
    default:
      throw new SuitProcessError('ERR_SUIT_PROCESS_UNSUPPORTED', `${c.name} is not supported by this processor`);
  }
}
