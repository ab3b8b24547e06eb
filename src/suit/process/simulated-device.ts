/** An in-memory SuitDevice for tests and the command line: every effect is recorded in `events`. */
import { bytesEqual } from '../../codec/bytes.ts';
import { type ComponentId, componentKey, componentName, type SuitDevice, type SuitDeviceIdentity } from './device.ts';
import { SuitProcessError } from './errors.ts';

export interface SimulatedComponent {
  id: ComponentId;
  /** Initial content by slot (slot 0 unless the component is slotted). */
  slots?: Record<number, Uint8Array>;
  /** The slot the component currently runs from (suit-condition-component-slot). */
  currentSlot?: number;
  version?: number[];
  /** Identity for this component; the device identity otherwise. */
  identity?: SuitDeviceIdentity;
  /** invoke fails on this component. */
  invokeFails?: boolean;
}

export interface SimulatedDeviceOptions {
  identity?: SuitDeviceIdentity;
  components?: SimulatedComponent[];
  /** Accept components the manifest names that are not listed (created empty). Default false. */
  autoCreateComponents?: boolean;
  /** Payloads by URI for the fetcher. */
  payloads?: Record<string, Uint8Array>;
  /** Seconds since the epoch (default: the real clock). */
  now?: number;
  battery?: number;
  /** Answer of update-authorized (default true), or a function of the request. */
  authorize?: boolean | ((r: { componentIndex: number; priority: number | bigint | undefined }) => boolean);
  lastSequenceNumber?: number | bigint;
}

export type SimulatedEvent =
  | { kind: 'write'; component: string; slot?: number; bytes: number }
  | { kind: 'fetch'; uri: string; bytes: number }
  | { kind: 'swap'; a: string; b: string }
  | { kind: 'invoke'; component: string; args?: Uint8Array }
  | { kind: 'wait'; info?: Map<unknown, unknown> }
  | { kind: 'sequence-number'; value: number | bigint };

export interface SimulatedDevice extends SuitDevice {
  readonly events: SimulatedEvent[];
  /** Current content of a component slot, for assertions. */
  contents(id: ComponentId, slot?: number): Uint8Array | undefined;
}

interface ComponentState {
  id: ComponentId;
  slots: Map<number, Uint8Array>;
  currentSlot?: number;
  version?: number[];
  identity?: SuitDeviceIdentity;
  invokeFails: boolean;
}

export function createSimulatedDevice(opts: SimulatedDeviceOptions = {}): SimulatedDevice {
  const components = new Map<string, ComponentState>();
  for (const c of opts.components ?? []) {
    const slots = new Map<number, Uint8Array>(Object.entries(c.slots ?? {}).map(([k, v]) => [Number(k), v]));
    components.set(componentKey(c.id), {
      id: c.id,
      slots,
      ...(c.currentSlot === undefined ? {} : { currentSlot: c.currentSlot }),
      ...(c.version === undefined ? {} : { version: c.version }),
      ...(c.identity === undefined ? {} : { identity: c.identity }),
      invokeFails: c.invokeFails === true,
    });
  }
  const payloads = new Map(Object.entries(opts.payloads ?? {}));
  const events: SimulatedEvent[] = [];
  let last = opts.lastSequenceNumber;

  const get = (id: ComponentId): ComponentState => {
    const key = componentKey(id);
    let c = components.get(key);
    if (c === undefined) {
      if (opts.autoCreateComponents !== true)
        throw new SuitProcessError('ERR_SUIT_COMPONENT_UNKNOWN', `the device has no component ${componentName(id)}`);
      c = { id, slots: new Map(), invokeFails: false };
      components.set(key, c);
    }
    return c;
  };
  const slotOf = (c: ComponentState, slot: number | undefined): number => slot ?? c.currentSlot ?? 0;

  return {
    events,
    hasComponent: (id) => opts.autoCreateComponents === true || components.has(componentKey(id)),
    identity: (id) => ({ ...opts.identity, ...components.get(componentKey(id))?.identity }),
    read: (id, slot) => {
      const c = get(id);
      return c.slots.get(slotOf(c, slot));
    },
    contents: (id, slot) => {
      const c = components.get(componentKey(id));
      return c === undefined ? undefined : c.slots.get(slotOf(c, slot));
    },
    write: (id, data, slot) => {
      const c = get(id);
      c.slots.set(slotOf(c, slot), new Uint8Array(data));
      events.push({ kind: 'write', component: componentName(id), ...(slot === undefined ? {} : { slot }), bytes: data.length });
    },
    swap: (a, b) => {
      const ca = get(a);
      const cb = get(b);
      const sa = slotOf(ca, undefined);
      const sb = slotOf(cb, undefined);
      const va = ca.slots.get(sa);
      const vb = cb.slots.get(sb);
      if (vb === undefined) ca.slots.delete(sa);
      else ca.slots.set(sa, vb);
      if (va === undefined) cb.slots.delete(sb);
      else cb.slots.set(sb, va);
      events.push({ kind: 'swap', a: componentName(a), b: componentName(b) });
    },
    currentSlot: (id) => get(id).currentSlot,
    version: (id) => get(id).version,
    invoke: (id, args) => {
      const c = get(id);
      if (c.invokeFails) throw new SuitProcessError('ERR_SUIT_DEVICE_FAILED', `component ${componentName(id)} did not start`);
      if (c.slots.get(slotOf(c, undefined)) === undefined)
        throw new SuitProcessError('ERR_SUIT_DEVICE_FAILED', `component ${componentName(id)} is empty: nothing to invoke`);
      events.push({ kind: 'invoke', component: componentName(id), ...(args === undefined ? {} : { args }) });
    },
    fetch: async (uri) => {
      const data = payloads.get(uri);
      if (data === undefined) throw new SuitProcessError('ERR_SUIT_FETCH_FAILED', `no payload at ${uri}`);
      events.push({ kind: 'fetch', uri, bytes: data.length });
      return data;
    },
    now: () => opts.now ?? Math.floor(Date.now() / 1000),
    battery: () => opts.battery,
    authorize: (r) => (typeof opts.authorize === 'function' ? opts.authorize(r) : (opts.authorize ?? true)),
    wait: async (info) => {
      events.push({ kind: 'wait', ...(info === undefined ? {} : { info }) });
    },
    lastSequenceNumber: () => last,
    setLastSequenceNumber: (n) => {
      last = n;
      events.push({ kind: 'sequence-number', value: n });
    },
  };
}

/** Whether two component identifiers are equal. */
export const sameComponent = (a: ComponentId, b: ComponentId): boolean =>
  a.length === b.length && a.every((s, i) => bytesEqual(s, b[i] as Uint8Array));
