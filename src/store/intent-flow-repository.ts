import { checkIntentViolation, type IntentViolationKey, violationKey } from './intent-violation-repository.ts';

/** What the verdict engine decided for a flow: the firewall let it pass, or dropped it. */
export type IntentFlowVerdict = 'accept' | 'drop';

export interface IntentFlowInput extends IntentViolationKey {
  verdict: IntentFlowVerdict;
  /**
   * The rule that decided: `acl/ace` for an ACE, `basics` for the network basics, `default-deny`
   * (with the last ACL tried: `default-deny acl`), or `unknown-device-address`.
   */
  rule: string;
  /** When it was last seen in this report. */
  at: Date;
  /** How many times it was seen; default 1. */
  count?: number;
}

export interface IntentFlowRecord extends IntentViolationKey {
  /** The latest verdict and rule: a policy change may turn an accepted flow into a dropped one. */
  verdict: IntentFlowVerdict;
  rule: string;
  firstSeen: Date;
  lastSeen: Date;
  count: number;
}

/** Flows kept per device: recording more drops the least recently seen. */
export const MAX_INTENT_FLOWS_PER_DEVICE = 200;

/**
 * A bounded history of the flows each device made or received, accepted or dropped, one record per
 * flow shape (the violation key), upserted. Violations (intent-violation-repository.ts) are the
 * dropped ones counted towards quarantine; this is what the device did, for people to read.
 */
export interface IntentFlowRepository {
  /**
   * Adds the flows (of one device each, any number of devices) to their records, creating them at
   * first sight, then keeps only the MAX_INTENT_FLOWS_PER_DEVICE most recently seen of each device.
   */
  record(flows: readonly IntentFlowInput[]): Promise<void>;
  /** The device's flows, the most recently seen first, at most `limit`. */
  recent(mac: string, limit: number): Promise<IntentFlowRecord[]>;
}

/** Throws TypeError for input the repository would not keep. */
export function checkIntentFlow(f: IntentFlowInput): void {
  checkIntentViolation({ ...f, acl: f.rule });
  if (f.verdict !== 'accept' && f.verdict !== 'drop') throw new TypeError('verdict is accept or drop');
}

/** The stored key of a flow: the violation key of its shape. */
export const flowKey = (k: IntentViolationKey): string => violationKey(k);
