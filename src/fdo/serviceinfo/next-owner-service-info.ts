/**
 * The owner side of the TO2 ServiceInfo exchange, one message at a time: given the device's
 * TO2.DeviceServiceInfo, the next TO2.OwnerServiceInfo. The device's first turn is devmod; then the
 * plans run in order, each waiting for the device where its module needs an answer. When every plan
 * has finished and the device has nothing more to say, the owner sends IsDone.
 */
import { MESSAGE_ACTIVE, ModuleName } from '../constants/serviceinfo.ts';
import { decodeDeviceServiceInfo } from './device-service-info-codec.ts';
import { devmodMissing, malformed, moduleFailed, outOfSequence, stalled } from './lib/errors.ts';
import { reassemble } from './lib/inbox.ts';
import { fill, queue } from './lib/outbox.ts';
import type { OwnerModuleContext } from './lib/owner-module.ts';
import { ownerHandler } from './lib/owner-registry.ts';
import { checkMaxSize, checkState } from './lib/session.ts';
import { MessageBuilder, payloadFor } from './lib/size.ts';
import { readBool } from './lib/values.ts';
import { collectDevmod, devmodOf, finishDevmod } from './modules/devmod-owner.ts';
import { encodeOwnerServiceInfo } from './owner-service-info-codec.ts';
import type { OwnerServiceInfoState, OwnerServiceInfoStep, PlanOutcome, PlanState } from './owner-state.ts';
import type { OwnerPorts } from './ports.ts';
import type { OwnerServiceInfoMessage } from './service-info-kv.ts';

const finished = (p: PlanState): boolean => p.status === 'done' || p.status === 'failed' || p.status === 'skipped';

/**
 * `deviceBody` is the decrypted TO2.DeviceServiceInfo body; `maxSize` is the device's
 * maxOwnerServiceInfoSz (after resolveMaxServiceInfoSize). The input state is not modified.
 * Fails with an FdoError whose `fdoCode` goes to the device in the error message.
 */
export async function nextOwnerServiceInfo(
  state: OwnerServiceInfoState,
  deviceBody: Uint8Array,
  maxSize: number,
  ports: OwnerPorts = {},
): Promise<OwnerServiceInfoStep> {
  checkState(state, 'owner');
  checkMaxSize(maxSize);
  const s = structuredClone(state);
  if (s.phase === 'done') throw new TypeError('the ServiceInfo exchange has ended');
  const msg = decodeDeviceServiceInfo(deviceBody, s.limits);
  if (s.sentMore && (msg.isMoreServiceInfo || msg.serviceInfo.length > 0)) {
    throw outOfSequence('the device must answer an empty ServiceInfo while the owner has more to send');
  }
  if (s.phase === 'devmod' && !s.devmod.seen && !msg.serviceInfo[0]?.key.startsWith(`${ModuleName.devmod}:`)) {
    throw devmodMissing('the first TO2.DeviceServiceInfo must open with devmod');
  }
  const { messages, pending } = reassemble(s.inbox, msg.serviceInfo, s.limits);
  s.inbox = pending;
  for (const m of messages) {
    if (m.module === ModuleName.devmod) {
      if (s.phase === 'devmod') collectDevmod(s.devmod, m.message, m.value);
      continue;
    }
    if (s.phase === 'devmod') continue;
    const plan = s.plans[s.current];
    // Only the running plan listens; anything else from the device is ignored.
    if (plan === undefined || plan.module !== m.module || finished(plan)) continue;
    const ctx = context(s, plan, ports, null, maxSize);
    if (m.message === MESSAGE_ACTIVE) {
      if (!readBool(m.value, `${m.module}:${m.message}`)) ctx.fail('ERR_FDO_MODULE_INACTIVE', `the device does not support ${m.module}`);
    } else {
      await ownerHandler(plan.module).receive(ctx, plan.s, m.message, m.value);
    }
  }
  if (s.phase === 'devmod' && !msg.isMoreServiceInfo) {
    const devmod = finishDevmod(s.devmod);
    s.phase = 'modules';
    for (const p of s.plans) {
      if (!devmod.modules.includes(p.module)) skip(p, `the device does not list ${p.module} in devmod:modules`);
    }
  }
  requireNoFailure(s);

  let message: OwnerServiceInfoMessage;
  if (msg.isMoreServiceInfo || s.phase === 'devmod') {
    message = { isMoreServiceInfo: false, isDone: false, serviceInfo: [] };
  } else {
    const builder = new MessageBuilder(maxSize, 2);
    const more = await fill(builder, s.outbox, async () => {
      for (;;) {
        const plan = s.plans[s.current];
        if (plan === undefined) return 'exhausted';
        if (finished(plan)) {
          s.current++;
          continue;
        }
        plan.status = 'active';
        const status = await ownerHandler(plan.module).produce(context(s, plan, ports, builder, maxSize), plan.s);
        if (finished(plan)) {
          s.current++;
          return 'more';
        }
        return status;
      }
    });
    requireNoFailure(s);
    const over = !more && builder.empty && s.outbox.length === 0 && s.current >= s.plans.length;
    if (over && s.inbox !== null) throw malformed(`the value of ${s.inbox.key} was left unfinished`);
    message = { isMoreServiceInfo: more, isDone: over, serviceInfo: builder.kvs };
    if (over) s.phase = 'done';
    const idle = msg.serviceInfo.length === 0 && !over && builder.empty;
    s.idleRounds = idle ? s.idleRounds + 1 : 0;
    if (s.idleRounds > s.maxIdleRounds)
      throw stalled(`no ServiceInfo either way for ${s.idleRounds} rounds while ${s.plans[s.current]?.module} waits`);
  }
  s.sentMore = message.isMoreServiceInfo;
  return {
    state: s,
    body: encodeOwnerServiceInfo(message),
    message,
    done: message.isDone,
    ...(s.devmod.complete ? { devmod: devmodOf(s.devmod) } : {}),
    plans: outcomes(s),
  };
}

function skip(p: PlanState, reason: string): void {
  if (finished(p)) return;
  Object.assign(p, { status: 'skipped', code: 'ERR_FDO_MODULE_INACTIVE', reason });
}

function requireNoFailure(s: OwnerServiceInfoState): void {
  const bad = s.plans.find((p) => p.required && (p.status === 'failed' || p.status === 'skipped'));
  if (bad !== undefined) throw moduleFailed(`required ${bad.module} plan ${bad.status}: ${bad.reason ?? ''} (${bad.code})`);
}

function outcomes(s: OwnerServiceInfoState): PlanOutcome[] {
  return s.plans.map(({ s: _, ...outcome }) => structuredClone(outcome));
}

function context(
  s: OwnerServiceInfoState,
  plan: PlanState,
  ports: OwnerPorts,
  builder: MessageBuilder | null,
  maxSize: number,
): OwnerModuleContext {
  const module = plan.module;
  const sizing = builder ?? new MessageBuilder(maxSize, 2);
  const settle = (fields: Partial<PlanState>) => {
    if (!finished(plan)) Object.assign(plan, fields);
  };
  return {
    send: (message, value) => queue(s.outbox, module, message, value),
    activate: () => {
      if (s.activated.includes(module)) return;
      s.activated.push(module);
      queue(s.outbox, module, MESSAGE_ACTIVE, true);
    },
    deactivate: () => {
      s.activated = s.activated.filter((m) => m !== module);
      queue(s.outbox, module, MESSAGE_ACTIVE, false);
    },
    complete: (detail) => settle({ status: 'done', ...(detail === undefined ? {} : { detail }) }),
    fail: (code, reason, detail) => settle({ status: 'failed', code, reason, ...(detail === undefined ? {} : { detail }) }),
    blockSize: (message) => payloadFor(new MessageBuilder(maxSize, 2).emptyRoom(`${module}:${message}`)),
    blockRoom: (message) => payloadFor(sizing.room(`${module}:${message}`)),
    get messageEmpty() {
      return sizing.empty;
    },
    ports,
  };
}
