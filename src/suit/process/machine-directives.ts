/**
 * The directives that change the abstract machine (draft-ietf-suit-manifest-37 §6.4) rather than a
 * component: the component index, parameters (§8.4.10, update management, trust domains) and the
 * nested sequences of try-each and run-sequence (§8.4.10) with their soft-failure scoping. Each runs
 * once, not per component, takes an argument of its own kind and logs its own step.
 */
import type { SuitCommand, SuitCommandArgument } from '../commands.ts';
import { Command, Parameter } from '../constants.ts';
import type { SuitParameter } from '../parameters.ts';
import { isCondition } from './conditions.ts';
import { SuitProcessError } from './errors.ts';
import type { InterpreterContext, MachineState } from './machine.ts';
import { badArgument, CommandFailure, failure, logStep, type SequenceWhere, stepOf, type Where } from './steps.ts';

/** Runs a command sequence (the interpreter's runSequence, passed in so that the two modules do not import each other). */
export type SequenceRunner = (
  ctx: InterpreterContext,
  state: MachineState,
  commands: readonly SuitCommand[],
  where: SequenceWhere,
) => Promise<void>;

/** One machine directive about to run. */
export interface MachineCommand {
  ctx: InterpreterContext;
  state: MachineState;
  command: SuitCommand;
  where: Where;
  runSequence: SequenceRunner;
}

export type MachineHandler = (x: MachineCommand) => void | Promise<void>;

/** The command's argument when it is of the kind the directive takes; otherwise the command fails. */
function argumentOf<K extends SuitCommandArgument['kind']>(x: MachineCommand, kind: K): Extract<SuitCommandArgument, { kind: K }> {
  const a = x.command.argument;
  if (a.kind !== kind) throw failure(x.ctx, x.command, x.where, undefined, badArgument(x.command, x.where));
  return a as Extract<SuitCommandArgument, { kind: K }>;
}

const done = (x: MachineCommand, detail?: string, componentIndex?: number): void =>
  logStep(x.ctx, {
    ...stepOf(x.command, x.where),
    ...(componentIndex === undefined ? {} : { componentIndex }),
    ok: true,
    ...(detail === undefined ? {} : { detail }),
  });

/** suit-directive-set-component-index (§8.4.10). */
function setComponentIndex(x: MachineCommand): void {
  const a = argumentOf(x, 'component-index');
  x.state.index = a.index;
  done(x, `component index ${JSON.stringify(a.index)}`);
}

/**
 * suit-directive-override-parameters (§8.4.10) and suit-directive-set-parameters (trust domains),
 * which leaves a parameter already set alone, on every selected component.
 */
const parameters =
  (keepSet: boolean): MachineHandler =>
  (x) => {
    const a = argumentOf(x, 'parameters');
    for (const i of x.state.selected()) setParameters(x.state, i, a.parameters, keepSet);
    done(x, `set ${a.parameters.map((q) => q.name).join(', ')}`);
  };

function setParameters(state: MachineState, i: number, parameters: readonly SuitParameter[], keepSet: boolean): void {
  const p = state.params(i);
  for (const q of parameters) {
    // Soft failure is a processor parameter, not a component's (SUIT_Parameters, §8.4.8).
    if (q.code === Parameter.softFailure) {
      state.softFailure = q.value === true;
      continue;
    }
    if (keepSet && p.has(q.code)) continue;
    p.set(q.code, q.value);
  }
}

/** suit-directive-override-multiple (update management). */
function overrideMultiple(x: MachineCommand): void {
  const a = argumentOf(x, 'override-multiple');
  for (const e of a.entries) for (const q of e.parameters) x.state.params(e.index).set(q.code, q.value);
  // The component index is left at the last component listed (update management, override-multiple).
  const last = a.entries.at(-1);
  if (last !== undefined) x.state.index = last.index;
  done(x, `components ${a.entries.map((e) => e.index).join(', ')}`);
}

/** suit-directive-copy-params (update management): parameters of other components onto every selected one. */
function copyParams(x: MachineCommand): void {
  const a = argumentOf(x, 'copy-params');
  const { state } = x;
  for (const i of state.selected()) {
    for (const e of a.entries) {
      const src = state.params(e.index);
      for (const code of e.parameters) if (src.has(code)) state.params(i).set(code, src.get(code));
    }
  }
  done(x);
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

/** Runs a sequence nested below this command, at `at` (e.g. ".try-each[1]"). */
const nested = (x: MachineCommand, commands: readonly SuitCommand[], at: string): Promise<void> =>
  x.runSequence(x.ctx, x.state, commands, { sequence: x.where.sequence, top: x.where.commandIndex, at: `${x.where.at ?? ''}${at}` });

/** A failed condition under soft failure ends its sequence without failing the enclosing one. */
const absorbed = (state: MachineState, e: unknown): e is CommandFailure =>
  e instanceof CommandFailure && isCondition(e.commandCode) && state.softFailure;

/** suit-directive-try-each (§8.4.10): per selected component, the first alternative that succeeds. */
async function tryEach(x: MachineCommand): Promise<void> {
  const a = argumentOf(x, 'try-each');
  await perComponent(x.state, async (i) => {
    const failures: string[] = [];
    for (let k = 0; k < a.sequences.length; k++) {
      x.state.index = i;
      if (await alternative(x, a.sequences[k] as SuitCommand[], k, failures)) {
        done(x, `alternative ${k} succeeded`, i);
        return;
      }
    }
    if (a.emptyLast) {
      done(x, 'no alternative succeeded; the empty last alternative does', i);
      return;
    }
    const why = `no try-each alternative succeeded (${failures.join('; ')})`;
    throw failure(x.ctx, x.command, x.where, i, new SuitProcessError('ERR_SUIT_CONDITION_FAILED', why));
  });
}

/** Runs one try-each alternative; false (with the reason added to `failures`) when a condition ended it under soft failure. */
function alternative(x: MachineCommand, commands: readonly SuitCommand[], k: number, failures: string[]): Promise<boolean> {
  // Soft failure is True at the start of each alternative (suit-directive-try-each); without it
  // a failed condition fails the try-each.
  return scoped(x.state, true, async () => {
    try {
      await nested(x, commands, `.try-each[${k}]`);
      return true;
    } catch (e) {
      if (!absorbed(x.state, e)) throw e;
      failures.push(`alternative ${k}: ${e.error.message}`);
      return false;
    }
  });
}

/** suit-directive-run-sequence (§8.4.10): the sequence once per selected component. */
async function runSequenceDirective(x: MachineCommand): Promise<void> {
  const a = argumentOf(x, 'sequence');
  await perComponent(x.state, async (i) => {
    x.state.index = i;
    // Soft failure is False at the start of run-sequence and discarded at its end (suit-directive-run-sequence).
    await scoped(x.state, false, async () => {
      try {
        await nested(x, a.commands, '.run-sequence');
      } catch (e) {
        if (!absorbed(x.state, e)) throw e;
      }
    });
  });
  done(x);
}

/** The machine directives, by command code. */
export const MACHINE_DIRECTIVES: ReadonlyMap<number, MachineHandler> = new Map<number, MachineHandler>([
  // draft-ietf-suit-manifest-37 §8.4.10
  [Command.directiveSetComponentIndex, setComponentIndex],
  [Command.directiveOverrideParameters, parameters(false)],
  [Command.directiveTryEach, tryEach],
  [Command.directiveRunSequence, runSequenceDirective],
  // draft-ietf-suit-update-management
  [Command.directiveOverrideMultiple, overrideMultiple],
  [Command.directiveCopyParams, copyParams],
  // draft-ietf-suit-trust-domains
  [Command.directiveSetParameters, parameters(true)],
]);
