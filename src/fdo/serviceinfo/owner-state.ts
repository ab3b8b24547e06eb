/** Owner-side ServiceInfo session state: plain data (JSON-safe), so any replica can continue it. */
import type { DevmodInfo } from './device-state.ts';
import type { Fragment } from './lib/inbox.ts';
import type { OutEntry } from './lib/outbox.ts';
import type { ServiceInfoLimits } from './limits.ts';
import type { OwnerServiceInfoMessage } from './service-info-kv.ts';

export type PlanStatus = 'pending' | 'active' | 'done' | 'failed' | 'skipped';

/** Where a plan stands; `detail` holds what the module learned (JSON-safe). */
export interface PlanOutcome {
  module: string;
  status: PlanStatus;
  required: boolean;
  /** For failed and skipped plans: an ERR_FDO_* code from docs/errors-fdo.md. */
  code?: string;
  reason?: string;
  detail?: Record<string, unknown>;
}

export interface PlanState extends PlanOutcome {
  /** The module's own state. */
  s: object;
}

export interface DevmodState {
  seen: boolean;
  complete: boolean;
  text: Record<string, string>;
  /** sn sent as a byte string, base64. */
  snBytes?: string;
  nummodules: number | null;
  modules: string[];
}

/** The devmod a device reported (FDO 1.1 devmod module). */
export interface Devmod extends DevmodInfo {
  /** nummodules names, devmod included. */
  modules: string[];
}

export interface OwnerServiceInfoState {
  v: 1;
  role: 'owner';
  phase: 'devmod' | 'modules' | 'done';
  sentMore: boolean;
  /** Rounds in a row in which neither side sent anything while a plan waited. */
  idleRounds: number;
  maxIdleRounds: number;
  inbox: Fragment | null;
  outbox: OutEntry[];
  devmod: DevmodState;
  /** Modules this session has sent `active` true to. */
  activated: string[];
  plans: PlanState[];
  current: number;
  limits: ServiceInfoLimits;
}

export interface OwnerServiceInfoStep {
  state: OwnerServiceInfoState;
  /** The encoded TO2.OwnerServiceInfo to send, never larger than the negotiated maximum. */
  body: Uint8Array;
  message: OwnerServiceInfoMessage;
  /** This message carries IsDone: the device answers with TO2.Done. */
  done: boolean;
  /** Once devmod is complete. */
  devmod?: Devmod;
  plans: PlanOutcome[];
}
