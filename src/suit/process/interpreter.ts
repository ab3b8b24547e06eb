/**
 * The command interpreter of draft-ietf-suit-manifest-37 §6 (abstract machine §6.4): runs one
 * command sequence of one manifest, dispatching each command by its code to a handler, counting it
 * against the run's budget and recording its step and, as its reporting policy asks, its record.
 * The processor (process-envelope.ts) decides which sequences run and in what order.
 */
import type { SuitCommand } from '../commands.ts';
import { SuitError } from '../errors.ts';
import type { ComponentHandler } from './component-command.ts';
import { CONDITIONS } from './conditions.ts';
import { componentName } from './device.ts';
import { COMPONENT_DIRECTIVES } from './directives.ts';
import { SuitProcessError } from './errors.ts';
import type { InterpreterContext, MachineState } from './machine.ts';
import { MACHINE_DIRECTIVES } from './machine-directives.ts';
import { failure, logStep, record, type SequenceWhere, stepOf, type Where } from './steps.ts';

/** Conditions (§8.4.9) and the directives that act on components (§8.4.10): run once per selected component. */
const COMPONENT_COMMANDS: ReadonlyMap<number, ComponentHandler> = new Map([...CONDITIONS, ...COMPONENT_DIRECTIVES]);

/** A command whose argument is a reporting policy but which this processor does not carry out (e.g. unlink). */
const unsupported: ComponentHandler = (x) => {
  throw new SuitProcessError('ERR_SUIT_PROCESS_UNSUPPORTED', `${x.command.name} is not supported by this processor`);
};

/** Runs a command sequence; throws CommandFailure at the first failing command. */
export async function runSequence(
  ctx: InterpreterContext,
  state: MachineState,
  commands: readonly SuitCommand[],
  where: SequenceWhere,
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
  if (++ctx.budget.executed > ctx.budget.max)
    throw failure(
      ctx,
      c,
      w,
      undefined,
      new SuitError('ERR_SUIT_LIMIT', w.sequence, `more than ${ctx.budget.max} commands executed in one run`),
    );
  const machine = MACHINE_DIRECTIVES.get(c.code);
  if (machine !== undefined) return machine({ ctx, state, command: c, where: w, runSequence });
  const a = c.argument;
  if (a.kind !== 'policy')
    throw failure(
      ctx,
      c,
      w,
      undefined,
      new SuitProcessError('ERR_SUIT_PROCESS_UNSUPPORTED', `${c.name} is not supported by this processor`),
    );
  const handler = COMPONENT_COMMANDS.get(c.code) ?? unsupported;
  for (const i of state.selected()) await runOn(ctx, state, c, w, handler, i, a.policy);
}

/** Runs a condition or component directive on component `i`: the handler, then its record and step. */
async function runOn(
  ctx: InterpreterContext,
  state: MachineState,
  c: SuitCommand,
  w: Where,
  handler: ComponentHandler,
  i: number,
  policy: number,
): Promise<void> {
  const comp = ctx.components.get(i);
  if (comp === undefined)
    throw failure(ctx, c, w, i, new SuitProcessError('ERR_SUIT_COMPONENT_UNKNOWN', `component index ${i} is not in the manifest`));
  let detail: string | undefined;
  try {
    detail = await handler({ ctx, state, command: c, index: i, component: comp, params: state.params(i), sequence: w.sequence });
  } catch (e) {
    if (e instanceof SuitProcessError || e instanceof SuitError) {
      record(ctx, state, c, w, i, policy, false);
      throw failure(ctx, c, w, i, e);
    }
    throw e;
  }
  record(ctx, state, c, w, i, policy, true);
  logStep(ctx, {
    ...stepOf(c, w),
    componentIndex: i,
    component: componentName(comp),
    ok: true,
    ...(detail === undefined ? {} : { detail }),
  });
}
