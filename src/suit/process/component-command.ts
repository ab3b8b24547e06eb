/**
 * The view a condition or directive that acts on components has of the abstract machine
 * (draft-ietf-suit-manifest-37 §6.4): one selected component, its parameters and the device, with
 * the checks those commands share (a needed parameter, the slot, image digests, decryption).
 */
import { constantTimeEqual } from '../../codec/bytes.ts';
import { encode } from '../../codec/cbor.ts';
import type { SuitCommand } from '../commands.ts';
import { Parameter } from '../constants.ts';
import { digestOf, type SuitDigest } from '../digest.ts';
import { parameterName } from '../parameters.ts';
import type { ComponentId } from './device.ts';
import { componentName } from './device.ts';
import { SuitProcessError } from './errors.ts';
import type { InterpreterContext, MachineState } from './machine.ts';

/** One command about to run for one selected component. */
export interface ComponentCommand {
  ctx: InterpreterContext;
  state: MachineState;
  command: SuitCommand;
  /** The component index it runs for. */
  index: number;
  component: ComponentId;
  /** The parameters of that component. */
  params: Map<number, unknown>;
  /** Name of the running sequence (process-dependency runs the dependency's sequence of that name). */
  sequence: string;
}

/**
 * Runs a condition or directive for one component: returns what happened, for the step, or throws a
 * SuitProcessError or SuitError, which fails the command.
 */
export type ComponentHandler = (x: ComponentCommand) => string | undefined | Promise<string | undefined>;

export const conditionFailed = (c: SuitCommand, why: string): SuitProcessError =>
  new SuitProcessError('ERR_SUIT_CONDITION_FAILED', `${c.name}: ${why}`);

/** A parameter the command cannot run without. */
export function need<T>(x: ComponentCommand, code: number): T {
  if (!x.params.has(code))
    throw new SuitProcessError(
      'ERR_SUIT_PARAMETER_MISSING',
      `${x.command.name} needs ${parameterName(code)}, which is not set for component ${x.index}`,
    );
  return x.params.get(code) as T;
}

export const hex = (b: Uint8Array | undefined): string => (b === undefined ? 'none' : Buffer.from(b).toString('hex'));

export function slotOf(state: MachineState, i: number): number | undefined {
  const s = state.params(i).get(Parameter.componentSlot);
  return typeof s === 'number' ? s : undefined;
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && constantTimeEqual(a, b);
}

/** Whether the component holds the image that image-digest (and image-size) describe, and why not. */
export function imageMatches(x: ComponentCommand): { ok: boolean; why: string; dependency?: Uint8Array } {
  const { ctx, component: comp } = x;
  const expected = need<SuitDigest>(x, Parameter.imageDigest);
  const content = ctx.device.read(comp, slotOf(x.state, x.index));
  if (content === undefined) return { ok: false, why: `component ${componentName(comp)} is empty` };
  if (ctx.dependencies.has(x.index) && ctx.dependencyDigest !== undefined) {
    // A dependency is measured by its manifest: the digest over the bstr-wrapped SUIT_Manifest of the
    // envelope it holds, so that signatures and severing do not change it (trust domains).
    const actual = ctx.dependencyDigest(content, expected.algorithm);
    if (!sameBytes(actual.bytes, expected.bytes))
      return {
        ok: false,
        why: `manifest digest of dependency ${componentName(comp)} is ${hex(actual.bytes)}, image-digest is ${hex(expected.bytes)}`,
      };
    return { ok: true, why: 'dependency manifest digest matches', dependency: content };
  }
  const size = x.params.get(Parameter.imageSize);
  if (typeof size === 'number' && content.length !== size)
    return { ok: false, why: `component ${componentName(comp)} holds ${content.length} bytes, image-size is ${size}` };
  const actual = digestOf(expected.algorithm, content, x.command.name);
  if (!sameBytes(actual.bytes, expected.bytes))
    return { ok: false, why: `digest of ${componentName(comp)} is ${hex(actual.bytes)}, image-digest is ${hex(expected.bytes)}` };
  return { ok: true, why: 'image digest matches' };
}

/** Decrypts a payload when the component's parameters carry encryption-info (draft-ietf-suit-firmware-encryption). */
export function plaintext(x: ComponentCommand, data: Uint8Array): { data: Uint8Array; note: string } {
  const p = x.params;
  if (!p.has(Parameter.encryptionInfo)) return { data, note: '' };
  if (x.ctx.decrypt === undefined)
    throw new SuitProcessError(
      'ERR_SUIT_DECRYPT_UNAVAILABLE',
      `component ${x.index} has encryption-info but no decryption key or function was given`,
    );
  return { data: x.ctx.decrypt(encode(p.get(Parameter.encryptionInfo)), data), note: ' (decrypted)' };
}
