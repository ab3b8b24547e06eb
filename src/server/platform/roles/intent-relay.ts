/**
 * The intent role across the workers of `iotopia up --workers N` (ADR 0032): the MUD manager runs
 * in one process, the lead worker, which ticks, holds the gateway's lease and programs nftables.
 * Another worker serves the intent API and onboards devices too; each manager call that changes a
 * device is carried to the lead and run there, so its answer comes after the lead applied it,
 * exactly as in one process. Reads go to the store directly. Without a lead to run it (one being
 * restarted), the call runs here, where the manager never holds the lease: it is stored as due, as
 * on a replica, and the lead's first tick applies it.
 */
import { IntentError, type IntentErrorCode } from '../../../intent/errors.ts';
import type { IntentManager } from '../../../intent/manager/types.ts';

/** The manager's calls that change a device (and so may change what the firewall must hold). */
export const INTENT_CHANGES = [
  'observe',
  'refresh',
  'remove',
  'decommission',
  'reportViolations',
  'quarantine',
  'release',
  'learnNames',
] as const;
export type IntentChange = (typeof INTENT_CHANGES)[number];

/** A call's outcome as it crosses processes: its value, or its error with the IntentError fields. */
/** A failure carried back from the lead; `intent` when it was an IntentError, to be thrown as one again. */
interface CarriedError {
  message: string;
  code?: string;
  where?: string;
  intent?: boolean;
}

export type IntentOutcome = { value: unknown } | { error: CarriedError };

/** Carries a call to the lead; undefined when there is no lead to run it. */
export type IntentForward = (name: IntentChange, args: unknown[]) => Promise<IntentOutcome | undefined>;

const callOf = (manager: IntentManager, name: IntentChange) => manager[name] as (...args: unknown[]) => Promise<unknown>;

/** The lead: runs a call another worker carried here on its own manager. */
export async function runForwarded(manager: IntentManager, name: IntentChange, args: unknown[]): Promise<IntentOutcome> {
  try {
    return { value: await callOf(manager, name)(...args) };
  } catch (e) {
    const err = e as Error & { code?: string; where?: string };
    return {
      error: {
        message: err.message,
        ...(typeof err.code === 'string' ? { code: err.code } : {}),
        ...(typeof err.where === 'string' ? { where: err.where } : {}),
        ...(e instanceof IntentError ? { intent: true } : {}),
      },
    };
  }
}

function rebuilt(error: CarriedError): Error {
  if (error.intent === true && error.code !== undefined && error.where !== undefined)
    return new IntentError(error.code as IntentErrorCode, error.where, error.message);
  return Object.assign(new Error(error.message), error.code === undefined ? {} : { code: error.code });
}

/** A worker that is not the lead: `manager` with its changing calls run by the lead through `forward`. */
export function relayedManager(manager: IntentManager, forward: IntentForward): IntentManager {
  const relayed: IntentManager = { ...manager };
  for (const name of INTENT_CHANGES) {
    const local = callOf(manager, name);
    (relayed as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const outcome = await forward(name, args);
      if (outcome === undefined) return local(...args);
      if ('error' in outcome) throw rebuilt(outcome.error);
      return outcome.value;
    };
  }
  return relayed;
}
