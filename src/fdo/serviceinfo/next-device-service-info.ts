/**
 * The device side of the TO2 ServiceInfo exchange, one message at a time. The first call (no owner
 * message yet) yields the first TO2.DeviceServiceInfo, which opens with devmod; each later call takes
 * the owner's TO2.OwnerServiceInfo and yields the device's answer, until the owner says IsDone.
 *
 * Turn-taking (TO2.DeviceServiceInfo / TO2.OwnerServiceInfo): while one side sets
 * IsMoreServiceInfo, the other answers with an empty ServiceInfo; IsDone ends the exchange.
 */
import { MESSAGE_ACTIVE, ModuleName } from '../constants/serviceinfo.ts';
import type { DeviceModuleContext, DeviceModuleHandler, DeviceProduceContext } from './device-module.ts';
import { encodeDeviceServiceInfo } from './device-service-info-codec.ts';
import type { DeviceServiceInfoState, DeviceServiceInfoStep, DevmodInfo } from './device-state.ts';
import { malformed, outOfSequence } from './lib/errors.ts';
import { type InboundMessage, reassemble } from './lib/inbox.ts';
import { fill, queue } from './lib/outbox.ts';
import { checkMaxSize, checkState } from './lib/session.ts';
import { MessageBuilder, payloadFor } from './lib/size.ts';
import { readBool } from './lib/values.ts';
import { queueDevmod } from './modules/devmod-device.ts';
import { decodeOwnerServiceInfo } from './owner-service-info-codec.ts';
import type { DeviceServiceInfoMessage } from './service-info-kv.ts';

export interface DeviceServiceInfoConfig {
  devmod: DevmodInfo;
  /** The modules this device supports (devmod is built in). */
  modules: readonly DeviceModuleHandler[];
}

type Handlers = Map<string, DeviceModuleHandler>;

/**
 * `ownerBody` is the decrypted TO2.OwnerServiceInfo body (null on the first call); `maxSize` is the
 * owner's maxDeviceServiceInfoSz (after resolveMaxServiceInfoSize). Returns the next body to send, or
 * `done` when the owner has finished. The input state is not modified.
 */
export async function nextDeviceServiceInfo(
  state: DeviceServiceInfoState,
  ownerBody: Uint8Array | null,
  maxSize: number,
  config: DeviceServiceInfoConfig,
): Promise<DeviceServiceInfoStep> {
  checkState(state, 'device');
  checkMaxSize(maxSize);
  const handlers = handlerMap(config.modules);
  const s = structuredClone(state);
  if (s.phase === 'done') throw new TypeError('the ServiceInfo exchange has ended');
  if (s.phase === 'start') {
    if (ownerBody !== null) throw new TypeError('the first device step takes no owner message');
    queueDevmod(s.outbox, config.devmod, [...handlers.keys()], maxSize);
    s.phase = 'exchange';
    return build(s, maxSize, handlers);
  }
  if (ownerBody === null) throw new TypeError('ownerBody is required after the first step');
  const msg = decodeOwnerServiceInfo(ownerBody, s.limits);
  if (msg.isMoreServiceInfo && msg.isDone) throw outOfSequence('TO2.OwnerServiceInfo has both IsMoreServiceInfo and IsDone');
  if (s.sentMore && (msg.serviceInfo.length > 0 || msg.isMoreServiceInfo || msg.isDone)) {
    throw outOfSequence('the owner must answer an empty ServiceInfo while the device has more to send');
  }
  const { messages, pending } = reassemble(s.inbox, msg.serviceInfo, s.limits);
  s.inbox = pending;
  for (const m of messages) await dispatch(s, handlers, m, maxSize);
  if (msg.isDone) {
    if (s.inbox !== null) throw malformed(`the value of ${s.inbox.key} was left unfinished at IsDone`);
    s.phase = 'done';
    for (const [module, st] of Object.entries(s.active)) await handlers.get(module)?.deactivated?.(st);
    return { state: s, done: true };
  }
  if (msg.isMoreServiceInfo) return send(s, { isMoreServiceInfo: false, serviceInfo: [] });
  return build(s, maxSize, handlers);
}

function handlerMap(modules: readonly DeviceModuleHandler[]): Handlers {
  const map: Handlers = new Map();
  for (const h of modules) {
    if (h.module === ModuleName.devmod) throw new TypeError('devmod is built in');
    if (map.has(h.module)) throw new TypeError(`module ${h.module} is registered twice`);
    map.set(h.module, h);
  }
  return map;
}

function context(s: DeviceServiceInfoState, module: string, maxSize: number): DeviceModuleContext {
  const empty = new MessageBuilder(maxSize, 1);
  return {
    send: (message, value) => queue(s.outbox, module, message, value),
    blockSize: (message) => payloadFor(empty.emptyRoom(`${module}:${message}`)),
  };
}

async function dispatch(s: DeviceServiceInfoState, handlers: Handlers, m: InboundMessage, maxSize: number): Promise<void> {
  // devmod speaks only from device to owner.
  if (m.module === ModuleName.devmod) return;
  const h = handlers.get(m.module);
  const current = s.active[m.module];
  if (m.message === MESSAGE_ACTIVE) {
    const on = readBool(m.value, `${m.module}:${m.message}`);
    // Unknown modules stay silent except for this answer, so the owner learns they are absent.
    if (h === undefined) {
      if (on) queue(s.outbox, m.module, MESSAGE_ACTIVE, false);
    } else if (on && current === undefined) {
      const fresh = h.initial();
      s.active[m.module] = fresh;
      queue(s.outbox, m.module, MESSAGE_ACTIVE, true);
      await h.activated?.(context(s, m.module, maxSize), fresh);
    } else if (!on && current !== undefined) {
      delete s.active[m.module];
      await h.deactivated?.(current);
    }
    return;
  }
  // Messages to unknown or inactive modules are ignored.
  if (h === undefined || current === undefined) return;
  await h.receive(context(s, m.module, maxSize), current, m.message, m.value);
}

async function build(s: DeviceServiceInfoState, maxSize: number, handlers: Handlers): Promise<DeviceServiceInfoStep> {
  const builder = new MessageBuilder(maxSize, 1);
  const more = await fill(builder, s.outbox, async () => {
    for (const h of handlers.values()) {
      const st = s.active[h.module];
      if (h.produce === undefined || st === undefined) continue;
      const ctx: DeviceProduceContext = {
        ...context(s, h.module, maxSize),
        blockRoom: (message) => payloadFor(builder.room(`${h.module}:${message}`)),
        get messageEmpty() {
          return builder.empty;
        },
      };
      const status = await h.produce(ctx, st);
      if (status !== 'idle') return status;
    }
    return 'exhausted';
  });
  return send(s, { isMoreServiceInfo: more, serviceInfo: builder.kvs });
}

function send(s: DeviceServiceInfoState, message: DeviceServiceInfoMessage): DeviceServiceInfoStep {
  s.sentMore = message.isMoreServiceInfo;
  return { state: s, done: false, body: encodeDeviceServiceInfo(message), message };
}
