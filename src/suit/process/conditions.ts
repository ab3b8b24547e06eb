/**
 * The conditions of draft-ietf-suit-manifest-37 §8.4.9, of draft-ietf-suit-update-management and of
 * draft-ietf-suit-trust-domains, each checking one component. A condition that does not hold throws
 * ERR_SUIT_CONDITION_FAILED, which try-each and soft failure may absorb; the others are errors.
 */
import { Command, Parameter, VersionComparison } from '../constants.ts';
import { parameterName } from '../parameters.ts';
import {
  type ComponentCommand,
  type ComponentHandler,
  conditionFailed,
  hex,
  imageMatches,
  need,
  sameBytes,
  slotOf,
} from './component-command.ts';
import { componentName, type SuitDeviceIdentity } from './device.ts';
import { SuitProcessError } from './errors.ts';

/** suit-condition-vendor-identifier, -class-identifier, -device-identifier (§8.4.9): the device's identity. */
const identity =
  (param: number, field: keyof SuitDeviceIdentity): ComponentHandler =>
  (x) => {
    const expected = need<Uint8Array>(x, param);
    const actual = x.ctx.device.identity(x.component)[field];
    if (!sameBytes(actual, expected))
      throw conditionFailed(x.command, `the device's ${parameterName(param)} is ${hex(actual)}, the manifest's ${hex(expected)}`);
    return `${parameterName(param)} ${hex(expected)}`;
  };

/** suit-condition-image-match (§8.4.9). */
function imageMatch(x: ComponentCommand): string {
  const r = imageMatches(x);
  if (!r.ok) throw conditionFailed(x.command, r.why);
  // The Dependency envelope whose manifest digest matched is the one process-dependency may run (trust domains §5.6.2).
  if (r.dependency !== undefined) x.state.checkedDependencies.set(x.index, r.dependency);
  return r.why;
}

/** suit-condition-image-not-match (update management). */
function imageNotMatch(x: ComponentCommand): string {
  const r = imageMatches(x);
  if (r.ok) throw conditionFailed(x.command, `component ${componentName(x.component)} already holds the image`);
  return r.why;
}

/** suit-condition-component-slot (§8.4.9). */
function componentSlot(x: ComponentCommand): string {
  const expected = need<number>(x, Parameter.componentSlot);
  const actual = x.ctx.device.currentSlot(x.component);
  if (actual !== expected)
    throw conditionFailed(x.command, `component ${componentName(x.component)} is in slot ${actual ?? 'none'}, not ${expected}`);
  return `slot ${expected}`;
}

/** suit-condition-check-content (§8.4.9). */
function checkContent(x: ComponentCommand): undefined {
  const expected = need<Uint8Array>(x, Parameter.content);
  if (!sameBytes(x.ctx.device.read(x.component, slotOf(x.state, x.index)), expected))
    throw conditionFailed(x.command, `component ${componentName(x.component)} does not hold the content`);
  return undefined;
}

/** suit-condition-abort (§8.4.9): always fails (a try-each alternative that must not be taken). */
function abort(): never {
  throw new SuitProcessError('ERR_SUIT_ABORT', 'condition-abort: the manifest ends processing here');
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

/** What each SUIT_Condition_Version_Comparison_Types value accepts of a comparison's sign. */
const COMPARISONS: ReadonlyMap<unknown, (cmp: number) => boolean> = new Map([
  [VersionComparison.greater, (cmp: number) => cmp > 0],
  [VersionComparison.greaterEqual, (cmp: number) => cmp >= 0],
  [VersionComparison.equal, (cmp: number) => cmp === 0],
  [VersionComparison.lesserEqual, (cmp: number) => cmp <= 0],
  [VersionComparison.lesser, (cmp: number) => cmp < 0],
]);

/** suit-condition-version (update management). */
function version(x: ComponentCommand): string {
  const [type, value] = need<[number, number[]]>(x, Parameter.version);
  const installed = x.ctx.device.version(x.component);
  if (installed === undefined) throw conditionFailed(x.command, `the version of ${componentName(x.component)} is unknown`);
  const cmp = compareVersions(installed, value);
  const accepts = COMPARISONS.get(type);
  if (accepts === undefined)
    throw new SuitProcessError('ERR_SUIT_PROCESS_UNSUPPORTED', `${x.command.name}: comparison type ${type} is not defined`);
  if (!accepts(cmp))
    throw conditionFailed(x.command, `installed version ${installed.join('.')} fails comparison ${type} with ${value.join('.')}`);
  return `version ${installed.join('.')}`;
}

/** suit-condition-use-before (update management). */
function useBefore(x: ComponentCommand): undefined {
  const limit = need<number>(x, Parameter.useBefore);
  const now = x.ctx.device.now();
  // §6.4: assert(now() < arg).
  if (!(now < limit)) throw conditionFailed(x.command, `it is ${now}, the manifest may only be used before ${limit}`);
  return undefined;
}

/** suit-condition-minimum-battery (update management). */
function minimumBattery(x: ComponentCommand): string {
  const min = need<number>(x, Parameter.minimumBattery);
  const level = x.ctx.device.battery();
  // A device without a battery (mains powered) meets any minimum.
  if (level !== undefined && level < min) throw conditionFailed(x.command, `battery at ${level}, the manifest needs ${min}`);
  return level === undefined ? 'no battery' : `battery at ${level}`;
}

/** suit-condition-update-authorized (update management): the device decides, given the update's priority. */
function updateAuthorized(x: ComponentCommand): undefined {
  const priority = x.params.get(Parameter.updatePriority) as number | bigint | undefined;
  if (!x.ctx.device.authorize({ componentIndex: x.index, priority })) throw conditionFailed(x.command, 'the update was not authorized');
  return undefined;
}

/** suit-condition-is-dependency (trust domains). */
function isDependency(x: ComponentCommand): undefined {
  if (!x.ctx.dependencies.has(x.index)) throw conditionFailed(x.command, `component ${x.index} is not a dependency`);
  return undefined;
}

/** suit-condition-dependency-integrity (trust domains): a dependency whose manifest digest is image-digest. */
function dependencyIntegrity(x: ComponentCommand): string {
  if (!x.ctx.dependencies.has(x.index)) throw conditionFailed(x.command, `component ${x.index} is not a dependency`);
  return imageMatch(x);
}

/** Every condition this processor knows, by command code. */
export const CONDITIONS: ReadonlyMap<number, ComponentHandler> = new Map<number, ComponentHandler>([
  // draft-ietf-suit-manifest-37 §8.4.9
  [Command.conditionVendorIdentifier, identity(Parameter.vendorIdentifier, 'vendorId')],
  [Command.conditionClassIdentifier, identity(Parameter.classIdentifier, 'classId')],
  [Command.conditionDeviceIdentifier, identity(Parameter.deviceIdentifier, 'deviceId')],
  [Command.conditionImageMatch, imageMatch],
  [Command.conditionComponentSlot, componentSlot],
  [Command.conditionCheckContent, checkContent],
  [Command.conditionAbort, abort],
  // draft-ietf-suit-update-management
  [Command.conditionUseBefore, useBefore],
  [Command.conditionImageNotMatch, imageNotMatch],
  [Command.conditionMinimumBattery, minimumBattery],
  [Command.conditionUpdateAuthorized, updateAuthorized],
  [Command.conditionVersion, version],
  // draft-ietf-suit-trust-domains
  [Command.conditionDependencyIntegrity, dependencyIntegrity],
  [Command.conditionIsDependency, isDependency],
]);

/** Whether a command is a condition (whose failure try-each and soft-failure absorb). */
export const isCondition = (code: number): boolean => CONDITIONS.has(code);
