/**
 * Which states an operator may move a device to now (POST /devices/{guid}/state), read from the
 * transition table: a state is offered when its event leads out of the current state, not when
 * the table refuses it or would keep the state as it is.
 */
import type { DeviceState } from '../store/device-repository.ts';
import { DEVICE_TRANSITIONS } from './device-states.ts';
import { OPERATOR_EVENTS, OPERATOR_STATES, type OperatorState } from './registry.ts';

export function operatorOffers(state: DeviceState): OperatorState[] {
  return OPERATOR_STATES.filter((to) => DEVICE_TRANSITIONS[OPERATOR_EVENTS[to]].from.includes(state));
}
