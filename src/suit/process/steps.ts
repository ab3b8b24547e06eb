/**
 * What the interpreter leaves behind for each command it runs: a step for logs and the command line
 * (every command), a SUIT_Record when the reporting policy asks for one (draft-ietf-suit-manifest-37
 * §8.4.7, draft-ietf-suit-report), and a CommandFailure that carries where a command failed.
 */
import type { SuitCommand } from '../commands.ts';
import { ReportingPolicy } from '../constants.ts';
import type { SuitError } from '../errors.ts';
import { componentName } from './device.ts';
import { SuitProcessError } from './errors.ts';
import type { InterpreterContext, MachineState } from './machine.ts';
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

/** Where a command sits: its sequence, its index there and, inside try-each or run-sequence, the path below it. */
export interface Where {
  sequence: string;
  commandIndex: number;
  at?: string;
}

/** Where a sequence runs: at the top level of a manifest sequence, or nested below the command at `top`. */
export interface SequenceWhere {
  sequence: string;
  at?: string;
  top?: number;
}

export function stepOf(c: SuitCommand, w: Where): SuitStep {
  return { sequence: w.sequence, commandIndex: w.commandIndex, ...(w.at === undefined ? {} : { at: w.at }), command: c.name, ok: true };
}

export function logStep(ctx: InterpreterContext, step: SuitStep): void {
  ctx.steps.push(step);
  ctx.onStep?.(step);
}

export function badArgument(c: SuitCommand, w: Where): SuitProcessError {
  return new SuitProcessError(
    'ERR_SUIT_PROCESS_UNSUPPORTED',
    `${w.sequence}[${w.commandIndex}]: ${c.name} has an argument of kind ${c.argument.kind}`,
  );
}

/** Logs the failed step and makes the CommandFailure to throw. */
export function failure(
  ctx: InterpreterContext,
  c: SuitCommand,
  w: Where,
  i: number | undefined,
  e: SuitProcessError | SuitError,
): CommandFailure {
  const comp = i === undefined ? undefined : ctx.components.get(i);
  const step: SuitStep = {
    ...stepOf(c, w),
    ...(i === undefined ? {} : { componentIndex: i }),
    ...(comp === undefined ? {} : { component: componentName(comp) }),
    ok: false,
    detail: e.message,
    code: e.code,
  };
  logStep(ctx, step);
  return new CommandFailure(e, step, c.code);
}

/** Adds a record when the reporting policy (§8.4.7) asks for one. */
export function record(
  ctx: InterpreterContext,
  state: MachineState,
  c: SuitCommand,
  w: Where,
  i: number,
  policy: number,
  ok: boolean,
): void {
  const want = ok ? ReportingPolicy.sendRecordOnSuccess : ReportingPolicy.sendRecordOnFailure;
  const sysinfo = ok ? ReportingPolicy.sendSysinfoOnSuccess : ReportingPolicy.sendSysinfoOnFailure;
  if ((policy & want) === 0 && (policy & sysinfo) === 0) return;
  const r: SuitRecord = { sequence: w.sequence, commandIndex: w.commandIndex, componentIndex: i, command: c.name };
  if ((policy & sysinfo) !== 0) r.parameters = Object.fromEntries(state.params(i));
  ctx.records.push(r);
}
