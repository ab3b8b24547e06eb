/**
 * SUIT_Command_Sequence (draft-ietf-suit-manifest-37 §8.4.6, §8.4.9, §8.4.10): a flat array of
 * command code and argument pairs, decoded into a typed list.
 */
import { encode } from '../codec/cbor.ts';
import { COMMAND_NAMES, Command } from './constants.ts';
import { isComponentIndex } from './dependencies.ts';
import { SuitError } from './errors.ts';
import { FlatCursor, NOT_FLAT } from './lib/flat-cbor.ts';
import { asArray, asBytes, asIndex, asInt, asMap, decodeCbor, intKey, malformed, type SuitLimits } from './lib/read.ts';
import { parametersValue, readFlatParameter, readParameters, type SuitParameter } from './parameters.ts';

export type SuitCommandArgument =
  /** SUIT_Reporting_Policy (§8.4.7) of a condition or a plain directive. */
  | { kind: 'policy'; policy: number }
  /** suit-directive-set-component-index (§8.4.10): one index, every component (true), or a list. */
  | { kind: 'component-index'; index: number | true | number[] }
  /** override-parameters (§8.4.10) and set-parameters (trust domains). */
  | { kind: 'parameters'; parameters: SuitParameter[] }
  /** suit-directive-try-each (§8.4.10): alternatives, with an optional final nil. */
  | { kind: 'try-each'; sequences: SuitCommand[][]; emptyLast: boolean }
  /** suit-directive-run-sequence (§8.4.10). */
  | { kind: 'sequence'; commands: SuitCommand[] }
  /** suit-directive-override-multiple (update management). */
  | { kind: 'override-multiple'; entries: { index: number; parameters: SuitParameter[] }[] }
  /** suit-directive-copy-params (update management). */
  | { kind: 'copy-params'; entries: { index: number; parameters: number[] }[] }
  /** A command this implementation does not know, kept as decoded. */
  | { kind: 'unknown'; value: unknown };

export interface SuitCommand {
  code: number;
  /** Spec name without the suit- prefix, e.g. "condition-image-match"; "command-N" when unknown. */
  name: string;
  argument: SuitCommandArgument;
}

export interface SequenceContext {
  limits: SuitLimits;
  /** Number of components in suit-common, to check component indexes. */
  components: number;
  /**
   * Indexes of suit-dependencies (draft-ietf-suit-trust-domains-12 §5.2.2): component indexes too,
   * also those at or past `components`, since every command may target a Dependency (§5.3).
   */
  dependencies?: ReadonlySet<number>;
  /** Unknown command codes fail with ERR_SUIT_UNKNOWN_COMMAND instead of being kept. */
  rejectUnknownCommands: boolean;
  /** Decoding SUIT_Shared_Sequence (§8.4.5): only conditions and the shared directives are allowed. */
  shared?: boolean;
}

/**
 * Directives that act on components and so may not appear in the shared sequence, which only
 * selects components, sets parameters and checks conditions (§8.4.5, SUIT_Shared_Commands).
 */
const NOT_SHARED: ReadonlySet<number> = new Set([
  Command.directiveWrite,
  Command.directiveFetch,
  Command.directiveCopy,
  Command.directiveInvoke,
  Command.directiveSwap,
  Command.directiveProcessDependency,
  Command.directiveUnlink,
  Command.directiveWait,
]);

export const commandName = (code: number): string => COMMAND_NAMES.get(code) ?? `command-${code}`;

const POLICY_COMMANDS: ReadonlySet<number> = new Set([
  Command.conditionVendorIdentifier,
  Command.conditionClassIdentifier,
  Command.conditionImageMatch,
  Command.conditionUseBefore,
  Command.conditionComponentSlot,
  Command.conditionCheckContent,
  Command.conditionDependencyIntegrity,
  Command.conditionIsDependency,
  Command.directiveProcessDependency,
  Command.conditionAbort,
  Command.directiveWrite,
  Command.directiveFetch,
  Command.directiveCopy,
  Command.directiveInvoke,
  Command.conditionDeviceIdentifier,
  Command.conditionImageNotMatch,
  Command.conditionMinimumBattery,
  Command.conditionUpdateAuthorized,
  Command.conditionVersion,
  Command.directiveWait,
  Command.directiveSwap,
  Command.directiveUnlink,
]);

/** Decodes the bytes of a bstr-wrapped SUIT_Command_Sequence. */
export function decodeSequence(bytes: Uint8Array, path: string, ctx: SequenceContext, depth = 0): SuitCommand[] {
  return readFlatSequence(bytes, ctx, depth) ?? readSequence(decodeCbor(bytes, path, ctx.limits.maxBytes), path, ctx, depth);
}

// The path given to the checks of the flat reading: any error there sends the sequence to the general reading.
const FLAT_PATH = 'command sequence';

/**
 * The sequence read straight from its bytes, without the generic CBOR values in between, when every
 * command has one of the common shapes: an integer code with an unsigned integer argument, or
 * override-parameters (set-parameters) with a map of leaf values. The same checks run on the same
 * values as in `readSequence`. Undefined for any other shape and on any error: the general reading
 * then decodes the bytes and accepts or refuses them with its own paths and error codes.
 */
function readFlatSequence(bytes: Uint8Array, ctx: SequenceContext, depth: number): SuitCommand[] | undefined {
  if (depth > ctx.limits.maxSequenceDepth || bytes.length > ctx.limits.maxBytes) return undefined;
  try {
    const c = new FlatCursor(bytes);
    const n = c.container(4);
    if (n === 0 || n % 2 !== 0 || n / 2 > ctx.limits.maxCommands) return undefined;
    // Sized once: the count is known from the head.
    const out = new Array<SuitCommand>(n / 2);
    for (let i = 0; i < n / 2; i++) {
      const code = c.int();
      if (ctx.shared === true && NOT_SHARED.has(code)) return undefined;
      out[i] = { code, name: commandName(code), argument: flatArgument(c, code, ctx, depth) };
    }
    return c.pos === c.end ? out : undefined;
  } catch (e) {
    if (e === NOT_FLAT || e instanceof SuitError) return undefined;
    throw e;
  }
}

function flatArgument(c: FlatCursor, code: number, ctx: SequenceContext, depth: number): SuitCommandArgument {
  const major = c.peekMajor();
  if (major === 0) {
    const v = c.head(0);
    if (POLICY_COMMANDS.has(code)) return { kind: 'policy', policy: v };
    if (code === Command.directiveSetComponentIndex && isComponentIndex(v, ctx.components, ctx.dependencies))
      return { kind: 'component-index', index: v };
    return readArgument(code, v, FLAT_PATH, ctx, depth);
  }
  if (major === 5 && (code === Command.directiveOverrideParameters || code === Command.directiveSetParameters)) {
    const n = c.container(5);
    const parameters = new Array<SuitParameter>(n);
    for (let i = 0; i < n; i++) {
      const key = c.int();
      // A repeated key is for the general decoder to refuse.
      for (let j = 0; j < i; j++) if ((parameters[j] as SuitParameter).code === key) throw NOT_FLAT;
      parameters[i] = readFlatParameter(key, c, FLAT_PATH, ctx.limits.maxBytes);
    }
    return { kind: 'parameters', parameters };
  }
  throw NOT_FLAT;
}

/** Reads a command sequence from its decoded CBOR value: the general reading, for every shape. */
export function readSequence(v: unknown, path: string, ctx: SequenceContext, depth = 0): SuitCommand[] {
  if (depth > ctx.limits.maxSequenceDepth)
    throw new SuitError('ERR_SUIT_LIMIT', path, `command sequences nest deeper than ${ctx.limits.maxSequenceDepth}`);
  const a = asArray(v, path);
  if (a.length === 0) throw malformed(path, 'a command sequence has at least one command');
  if (a.length % 2 !== 0) throw malformed(path, 'a command sequence holds command and argument pairs (odd length)');
  if (a.length / 2 > ctx.limits.maxCommands)
    throw new SuitError('ERR_SUIT_LIMIT', path, `${a.length / 2} commands, more than ${ctx.limits.maxCommands}`);
  const out: SuitCommand[] = [];
  for (let i = 0; i < a.length; i += 2) {
    // Paths are written out only for an error: most commands are a code and a reporting policy.
    const c = a[i];
    const code = typeof c === 'number' && Number.isInteger(c) ? c : commandCode(c, `${path}[${i}]`);
    const name = commandName(code);
    if (ctx.shared === true && NOT_SHARED.has(code)) throw malformed(`${path}[${i}]`, `${name} is not allowed in the shared sequence`);
    const v = a[i + 1];
    const argument: SuitCommandArgument =
      POLICY_COMMANDS.has(code) && typeof v === 'number' && Number.isInteger(v) && v >= 0
        ? { kind: 'policy', policy: v }
        : code === Command.directiveSetComponentIndex &&
            typeof v === 'number' &&
            Number.isInteger(v) &&
            v >= 0 &&
            isComponentIndex(v, ctx.components, ctx.dependencies)
          ? { kind: 'component-index', index: v }
          : readArgument(code, v, `${path}[${i + 1}](${name})`, ctx, depth);
    out.push({ code, name, argument });
  }
  return out;
}

function commandCode(v: unknown, path: string): number {
  const code = asInt(v, path);
  if (typeof code !== 'number') throw malformed(path, 'command code out of range');
  return code;
}

function readArgument(code: number, v: unknown, path: string, ctx: SequenceContext, depth: number): SuitCommandArgument {
  if (POLICY_COMMANDS.has(code)) return { kind: 'policy', policy: asIndex(v, path) };
  switch (code) {
    case Command.directiveSetComponentIndex:
      return { kind: 'component-index', index: readComponentIndex(v, path, ctx) };
    case Command.directiveOverrideParameters:
    case Command.directiveSetParameters:
      return { kind: 'parameters', parameters: readParameters(v, path, ctx.limits.maxBytes) };
    case Command.directiveTryEach: {
      const a = asArray(v, path);
      const emptyLast = a.length > 0 && a[a.length - 1] === null;
      const alternatives = emptyLast ? a.slice(0, -1) : a;
      if (alternatives.length === 0) throw malformed(path, 'try-each needs at least one sequence');
      const sequences = alternatives.map((s, i) => decodeSequence(asBytes(s, `${path}[${i}]`), `${path}[${i}]`, ctx, depth + 1));
      return { kind: 'try-each', sequences, emptyLast };
    }
    case Command.directiveRunSequence:
      return { kind: 'sequence', commands: decodeSequence(asBytes(v, path), path, ctx, depth + 1) };
    case Command.directiveOverrideMultiple: {
      const entries: { index: number; parameters: SuitParameter[] }[] = [];
      for (const [k, p] of asMap(v, path)) {
        const index = checkIndex(intKey(k, path), path, ctx);
        entries.push({ index, parameters: readParameters(p, `${path}{${index}}`, ctx.limits.maxBytes) });
      }
      return { kind: 'override-multiple', entries };
    }
    case Command.directiveCopyParams: {
      const entries: { index: number; parameters: number[] }[] = [];
      for (const [k, p] of asMap(v, path)) {
        const index = checkIndex(intKey(k, path), path, ctx);
        const list = asArray(p, `${path}{${index}}`).map((x, j) => intKey(x, `${path}{${index}}[${j}]`));
        entries.push({ index, parameters: list });
      }
      return { kind: 'copy-params', entries };
    }
    default:
      if (ctx.rejectUnknownCommands) throw new SuitError('ERR_SUIT_UNKNOWN_COMMAND', path, `unknown command ${code}`);
      return { kind: 'unknown', value: v };
  }
}

/** A component index must name a component of suit-components or a Dependency (trust domains §5.2.2). */
function checkIndex(i: number, path: string, ctx: SequenceContext): number {
  if (!isComponentIndex(i, ctx.components, ctx.dependencies)) {
    const deps = [...(ctx.dependencies ?? [])];
    const also = deps.length === 0 ? '' : ` and is not one of the dependencies (${deps.join(', ')})`;
    throw malformed(path, `component index ${i} is outside the ${ctx.components} component(s)${also}`);
  }
  return i;
}

function readComponentIndex(v: unknown, path: string, ctx: SequenceContext): number | true | number[] {
  if (v === true) return true;
  if (Array.isArray(v)) {
    if (v.length === 0) throw malformed(path, 'a list of component indexes is not empty');
    return v.map((x, i) => checkIndex(asIndex(x, `${path}[${i}]`), path, ctx));
  }
  return checkIndex(asIndex(v, path), path, ctx);
}

/** The CBOR value (flat array) of a command sequence. */
export function sequenceValue(commands: readonly SuitCommand[]): unknown[] {
  const out: unknown[] = [];
  for (const c of commands) out.push(c.code, argumentValue(c.argument));
  return out;
}

/** The bstr content of a command sequence. */
export const encodeSequence = (commands: readonly SuitCommand[]): Uint8Array => encode(sequenceValue(commands));

function argumentValue(a: SuitCommandArgument): unknown {
  switch (a.kind) {
    case 'policy':
      return a.policy;
    case 'component-index':
      return a.index;
    case 'parameters':
      return parametersValue(a.parameters);
    case 'try-each': {
      const list: unknown[] = a.sequences.map(encodeSequence);
      if (a.emptyLast) list.push(null);
      return list;
    }
    case 'sequence':
      return encodeSequence(a.commands);
    case 'override-multiple':
      return new Map(a.entries.map((e) => [e.index, parametersValue(e.parameters)]));
    case 'copy-params':
      return new Map(a.entries.map((e) => [e.index, e.parameters]));
    case 'unknown':
      return a.value;
  }
}
