/**
 * The voucher state machine: every change of a voucher's state goes through this table, on both
 * sides (the manufacturer's copy made at DI, the owner's copies). States are described on
 * `VoucherState`; the events are what happened to the voucher:
 *
 * | event        | side         | from                                          | to           |
 * |--------------|--------------|-----------------------------------------------|--------------|
 * | `made`       | manufacturer | (none)                                        | `created`    |
 * | `extended`   | manufacturer | `created`, `extended`                         | `extended`   |
 * | `imported`   | owner        | (none) or any (a new copy replaces the old)   | `imported`   |
 * | `registered` | owner        | `imported`; kept in `registered`, `onboarded`, `replaced` | `registered` |
 * | `onboarded`  | owner        | `imported`, `registered`, `onboarded`, `replaced` (ADR 0009) | `onboarded` |
 * | `replacement`| owner        | (none) or any (TO2 issued this voucher for the device) | `onboarded` |
 * | `superseded` | owner        | `onboarded` (a replacement the device never took) | `replaced` |
 * | `retired`    | owner        | `onboarded` (the device proved its replacement) | `replaced`  |
 * | `resold`     | owner        | `imported`, `registered`, `onboarded`         | `resold`     |
 *
 * A state listed under `keeps` takes the event without changing (a TO0 renewed after onboarding
 * leaves the voucher onboarded); any other state refuses it with ERR_VOUCHER_TRANSITION. Writes
 * are conditional on the state read (`setState` with `expected`), so of two writers racing on one
 * voucher only one commits.
 */
import { IotopiaError } from '../errors.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import type { Repositories } from '../store/store.ts';
import type { VoucherSide, VoucherState } from '../store/voucher-repository.ts';

export type VoucherEvent =
  | 'made'
  | 'extended'
  | 'imported'
  | 'registered'
  | 'onboarded'
  | 'replacement'
  | 'superseded'
  | 'retired'
  | 'resold';

/** No voucher stored yet for the GUID on that side. */
export const ABSENT = 'absent';
type From = VoucherState | typeof ABSENT;

export interface VoucherTransition {
  side: VoucherSide;
  from: readonly From[];
  to: VoucherState;
  /** States in which the event is accepted and changes nothing. */
  keeps?: readonly VoucherState[];
}

const OWNER_STATES: readonly VoucherState[] = ['imported', 'registered', 'onboarded', 'replaced', 'resold'];
/** States in which the owner still holds the voucher (it is offered in TO2). */
export const HELD_STATES: readonly VoucherState[] = ['imported', 'registered', 'onboarded'];

export const VOUCHER_TRANSITIONS: Readonly<Record<VoucherEvent, VoucherTransition>> = Object.freeze({
  made: { side: 'manufacturer', from: [ABSENT], to: 'created' },
  extended: { side: 'manufacturer', from: ['created', 'extended'], to: 'extended' },
  imported: { side: 'owner', from: [ABSENT, ...OWNER_STATES], to: 'imported' },
  registered: { side: 'owner', from: ['imported'], to: 'registered', keeps: ['registered', 'onboarded', 'replaced'] },
  onboarded: { side: 'owner', from: [...HELD_STATES, 'replaced'], to: 'onboarded' },
  replacement: { side: 'owner', from: [ABSENT, ...OWNER_STATES], to: 'onboarded' },
  superseded: { side: 'owner', from: ['onboarded'], to: 'replaced' },
  retired: { side: 'owner', from: ['onboarded'], to: 'replaced' },
  resold: { side: 'owner', from: HELD_STATES, to: 'resold' },
});

export class VoucherTransitionError extends IotopiaError {
  readonly event: VoucherEvent;
  readonly state: From;

  constructor(event: VoucherEvent, state: From, guid: Uint8Array) {
    super('ERR_VOUCHER_TRANSITION', `the ${VOUCHER_TRANSITIONS[event].side} voucher ${guidToHex(guid)} is ${state}: it cannot be ${event}`);
    this.event = event;
    this.state = state;
  }
}

/** The state `event` leads to from `state`, or undefined when the event keeps the state; throws when it is not allowed. */
export function voucherTransition(event: VoucherEvent, state: From, guid: Uint8Array): VoucherState | undefined {
  const t = VOUCHER_TRANSITIONS[event];
  if (state !== ABSENT && t.keeps?.includes(state)) return undefined;
  if (!t.from.includes(state)) throw new VoucherTransitionError(event, state, guid);
  return t.to;
}

/** Every state of `side`, and none: an event from all of them need not read the voucher first. */
const SIDE_STATES: Readonly<Record<VoucherSide, readonly VoucherState[]>> = {
  manufacturer: ['created', 'extended'],
  owner: OWNER_STATES,
};
const fromAnyState = (t: VoucherTransition) => t.from.includes(ABSENT) && SIDE_STATES[t.side].every((state) => t.from.includes(state));

/**
 * Applies `event` to the voucher inside a transaction: events that bring the voucher's bytes
 * (`voucher`) store them, the others change the state only. `current` is the state the caller
 * read in this transaction, to spare a second read; the write is conditional on it all the same,
 * so a stale one fails with ERR_STORE_CONFLICT. `diAuthorisedBy` goes with the bytes of a voucher
 * made at DI. Resolves with the voucher's state afterwards.
 */
export async function moveVoucher(
  r: Repositories,
  guid: Uint8Array,
  event: VoucherEvent,
  o: { voucher?: Uint8Array; current?: From; diAuthorisedBy?: string } = {},
): Promise<VoucherState> {
  const t = VOUCHER_TRANSITIONS[event];
  const di = o.diAuthorisedBy === undefined ? {} : { diAuthorisedBy: o.diAuthorisedBy };
  if (o.voucher !== undefined && fromAnyState(t)) {
    await r.vouchers.put({ side: t.side, guid, voucher: o.voucher, state: t.to, ...di });
    return t.to;
  }
  const current = o.current ?? (await r.vouchers.get(t.side, guid))?.state ?? ABSENT;
  const to = voucherTransition(event, current, guid);
  if (to === undefined) return current as VoucherState;
  if (o.voucher !== undefined) {
    await r.vouchers.put({ side: t.side, guid, voucher: o.voucher, state: to, ...di });
    return to;
  }
  if (current === ABSENT) throw new VoucherTransitionError(event, ABSENT, guid);
  // Conditional on the state read: a writer that committed meanwhile makes this one roll back.
  await r.vouchers.setState(t.side, guid, to, [current]);
  return to;
}
