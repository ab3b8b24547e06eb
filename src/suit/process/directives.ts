/**
 * The directives of draft-ietf-suit-manifest-37 §8.4.10, of draft-ietf-suit-update-management and of
 * draft-ietf-suit-trust-domains that act on one component: write, fetch, copy, swap, invoke, wait
 * and process-dependency. Those that change the machine's state rather than a component are in
 * sequencing.ts.
 */
import { Command, Parameter } from '../constants.ts';
import { type ComponentCommand, type ComponentHandler, need, plaintext, sameBytes, slotOf } from './component-command.ts';
import { type ComponentId, componentName } from './device.ts';
import { SuitProcessError } from './errors.ts';

/** suit-directive-write (§8.4.10): the content parameter, decrypted when it carries encryption-info. */
function write(x: ComponentCommand): string {
  const content = need<Uint8Array>(x, Parameter.content);
  const { data, note } = plaintext(x, content);
  x.ctx.device.write(x.component, data, slotOf(x.state, x.index));
  return `wrote ${data.length} bytes${note}`;
}

/**
 * The payload at a URI: an integrated payload is keyed by its URI (Integrated Payload template: a
 * fragment such as "#image", or a URI a distributor pre-fetched); a fragment-only reference can only
 * be integrated; any other URI is the device's to fetch.
 */
async function payloadAt(x: ComponentCommand, uri: string): Promise<Uint8Array> {
  const integrated = x.ctx.integrated.get(uri);
  if (integrated !== undefined) return integrated;
  if (uri.startsWith('#')) throw new SuitProcessError('ERR_SUIT_FETCH_FAILED', `the envelope has no integrated payload ${uri}`);
  try {
    return await x.ctx.device.fetch(uri, x.params.get(Parameter.fetchArguments) as Uint8Array | undefined);
  } catch (e) {
    if (e instanceof SuitProcessError) throw e;
    throw new SuitProcessError('ERR_SUIT_FETCH_FAILED', `fetching ${uri} failed: ${(e as Error).message}`, { cause: e });
  }
}

/** suit-directive-fetch (§8.4.10): the payload at the uri parameter, at most maxPayloadBytes. */
async function fetch(x: ComponentCommand): Promise<string> {
  const uri = need<string>(x, Parameter.uri);
  const fetched = await payloadAt(x, uri);
  if (fetched.length > x.ctx.maxPayloadBytes)
    throw new SuitProcessError('ERR_SUIT_FETCH_FAILED', `${uri} is ${fetched.length} bytes, more than ${x.ctx.maxPayloadBytes}`);
  const { data, note } = plaintext(x, fetched);
  x.ctx.device.write(x.component, data, slotOf(x.state, x.index));
  return `fetched ${uri}: ${data.length} bytes${note}`;
}

/** The source-component parameter of copy and swap, and its identifier. */
function source(x: ComponentCommand): { src: number; srcId: ComponentId } {
  const src = need<number>(x, Parameter.sourceComponent);
  const srcId = x.ctx.components.get(src);
  if (srcId === undefined)
    throw new SuitProcessError('ERR_SUIT_COMPONENT_UNKNOWN', `${x.command.name}: source-component ${src} is not in the manifest`);
  return { src, srcId };
}

/** suit-directive-copy (§8.4.10): the source component's content, decrypted when it carries encryption-info. */
function copy(x: ComponentCommand): string {
  const { src, srcId } = source(x);
  const content = x.ctx.device.read(srcId, slotOf(x.state, src));
  if (content === undefined)
    throw new SuitProcessError('ERR_SUIT_DEVICE_FAILED', `copy: source component ${componentName(srcId)} is empty`);
  const { data, note } = plaintext(x, content);
  x.ctx.device.write(x.component, data, slotOf(x.state, x.index));
  return `copied ${data.length} bytes from ${componentName(srcId)}${note}`;
}

/** suit-directive-swap (§8.4.10). */
function swap(x: ComponentCommand): string {
  const { srcId } = source(x);
  x.ctx.device.swap(x.component, srcId);
  return `swapped with ${componentName(srcId)}`;
}

/** suit-directive-invoke (§8.4.10). */
function invoke(x: ComponentCommand): string {
  x.ctx.device.invoke(x.component, x.params.get(Parameter.invokeArgs) as Uint8Array | undefined);
  return 'invoked';
}

/** suit-directive-wait (update management). */
async function wait(x: ComponentCommand): Promise<undefined> {
  await x.ctx.device.wait(x.params.get(Parameter.waitInfo) as Map<unknown, unknown> | undefined);
  return undefined;
}

/** suit-directive-process-dependency (trust domains): runs the same sequence of the dependency manifest the component holds. */
async function processDependency(x: ComponentCommand): Promise<string> {
  const { ctx, state } = x;
  // With the index True it applies to every dependency and passes over the other components (trust domains).
  if (!ctx.dependencies.has(x.index)) {
    if (state.index === true) return 'not a dependency: skipped';
    throw new SuitProcessError('ERR_SUIT_DEPENDENCY_FAILED', `component ${x.index} is not a dependency`);
  }
  const content = ctx.device.read(x.component, slotOf(state, x.index));
  if (content === undefined)
    throw new SuitProcessError('ERR_SUIT_DEPENDENCY_FAILED', `component ${componentName(x.component)} holds no dependency manifest`);
  // Only a Dependency whose manifest digest was checked, and not written since, is processed (§5.4, §5.6.2).
  const checked = state.checkedDependencies.get(x.index);
  if (checked === undefined || !sameBytes(checked, content))
    throw new SuitProcessError(
      'ERR_SUIT_DEPENDENCY_FAILED',
      `dependency ${x.index} (${componentName(x.component)}) has not passed dependency-integrity or image-match since it was last written`,
    );
  if (ctx.processDependency === undefined)
    throw new SuitProcessError('ERR_SUIT_PROCESS_UNSUPPORTED', 'process-dependency is not available here');
  await ctx.processDependency(content, x.index, x.sequence);
  return `processed the dependency's ${x.sequence}`;
}

/** The directives that act on components, by command code. */
export const COMPONENT_DIRECTIVES: ReadonlyMap<number, ComponentHandler> = new Map<number, ComponentHandler>([
  // draft-ietf-suit-manifest-37 §8.4.10
  [Command.directiveWrite, write],
  [Command.directiveFetch, fetch],
  [Command.directiveCopy, copy],
  [Command.directiveSwap, swap],
  [Command.directiveInvoke, invoke],
  // draft-ietf-suit-update-management
  [Command.directiveWait, wait],
  // draft-ietf-suit-trust-domains
  [Command.directiveProcessDependency, processDependency],
]);
