/** Device-side ServiceInfo session state: plain data (JSON-safe), so it can be stored and resumed. */
import type { Fragment } from './lib/inbox.ts';
import type { OutEntry } from './lib/outbox.ts';
import type { ServiceInfoLimits } from './limits.ts';
import type { DeviceServiceInfoMessage } from './service-info-kv.ts';

export interface DeviceServiceInfoState {
  v: 1;
  role: 'device';
  /** `start` before the first TO2.DeviceServiceInfo, `done` once the owner said IsDone. */
  phase: 'start' | 'exchange' | 'done';
  /** IsMoreServiceInfo of the last message sent. */
  sentMore: boolean;
  inbox: Fragment | null;
  outbox: OutEntry[];
  /** Active modules and their state; absent means inactive. */
  active: Record<string, object>;
  limits: ServiceInfoLimits;
}

export interface DeviceServiceInfoStep {
  state: DeviceServiceInfoState;
  /** The owner sent IsDone: the device continues with TO2.Done; there is no body. */
  done: boolean;
  /** The encoded TO2.DeviceServiceInfo to send, never larger than the negotiated maximum. */
  body?: Uint8Array;
  message?: DeviceServiceInfoMessage;
}

/** devmod values (FDO 1.1 devmod module); `nummodules` and `modules` come from the registered handlers. */
export interface DevmodInfo {
  os: string;
  arch: string;
  version: string;
  device: string;
  sep: string;
  bin: string;
  sn?: string | Uint8Array;
  pathsep?: string;
  nl?: string;
  tmp?: string;
  dir?: string;
  progenv?: string;
  mudurl?: string;
}
