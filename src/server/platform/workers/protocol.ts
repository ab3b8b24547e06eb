/**
 * The messages between the primary of `iotopia up --workers N` and its workers (ADR 0032), over
 * node:cluster's IPC channel with structured-clone ("advanced") serialization.
 */
import type { PlatformListener } from '../listeners.ts';
import type { SettledConfig } from '../open-data.ts';
import type { IntentChange, IntentOutcome } from '../roles/intent-relay.ts';

/** Primary → worker, once after the fork: what to serve. `slot` is the worker's id, 1..N, kept across restarts. */
export interface WorkerStart {
  type: 'start';
  slot: number;
  config: SettledConfig;
  env: NodeJS.ProcessEnv;
  /** The lead worker (slot 1) runs the background jobs and the intent role's tick and watch. */
  backgroundJobs: boolean;
}

/** Worker → primary: booted and listening for its start message. */
export interface WorkerBooted {
  type: 'booted';
}

/** Worker → primary: listening, with what the start-up message shows. */
export interface WorkerReady {
  type: 'ready';
  slot: number;
  url: string;
  listeners: PlatformListener[];
  tlsFingerprint?: string;
  manufacturing: { loopbackOnly: boolean; autoOwner: boolean };
}

/** Worker → primary: the start failed (the worker exits next); `usage` marks a setting to fix. */
export interface WorkerFailed {
  type: 'failed';
  slot: number;
  message: string;
  usage: boolean;
}

/** Primary → worker: finish the requests in flight, close, exit 0. */
export interface WorkerStop {
  type: 'stop';
}

/** Primary → worker: report this process's CPU time and memory (the onboarding benchmark sums them). */
export interface UsageRequest {
  type: 'usage';
}

export interface UsageReply {
  type: 'usage';
  slot: number;
  pid: number;
  cpu: NodeJS.CpuUsage;
  rssBytes: number;
}

/**
 * The intent role's relay (roles/intent-relay.ts): a worker carries a changing manager call to the
 * primary (`intent-call`, without `from`), which hands it to the lead with the asker's slot; the
 * lead's `intent-result` goes back the same way. An undefined outcome: no lead ran it.
 */
export interface IntentCall {
  type: 'intent-call';
  id: number;
  from?: number;
  name: IntentChange;
  args: unknown[];
}

export interface IntentResult {
  type: 'intent-result';
  id: number;
  from: number;
  outcome: IntentOutcome | undefined;
}

export type ToWorker = WorkerStart | WorkerStop | UsageRequest | IntentCall | IntentResult;
export type FromWorker = WorkerBooted | WorkerReady | WorkerFailed | UsageReply | IntentCall | IntentResult;

export function isMessage<T extends { type: string }>(m: unknown, type: T['type']): m is T {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;
}
