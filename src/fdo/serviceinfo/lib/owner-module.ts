/** The owner-side module contract (internal: owner modules are chosen by plan, see owner-plans.ts). */
import type { OwnerPorts } from '../ports.ts';
import type { ProduceStatus } from './outbox.ts';

export interface OwnerModuleContext {
  /** Queues a message of this module to the device; `value` is encoded as CBOR. */
  send(message: string, value: unknown): void;
  /** Queues `<module>:active` true, once per session (again after `deactivate`). */
  activate(): void;
  /** Queues `<module>:active` false, which makes the device drop whatever the module was doing. */
  deactivate(): void;
  complete(detail?: Record<string, unknown>): void;
  fail(code: string, reason: string, detail?: Record<string, unknown>): void;
  blockSize(message: string): number;
  blockRoom(message: string): number;
  readonly messageEmpty: boolean;
  readonly ports: OwnerPorts;
}

export interface OwnerModuleHandler<P, S extends object> {
  readonly module: string;
  /** Checks a plan (TypeError on misuse) and turns it into the module's plain state. */
  start(plan: P): S;
  produce(ctx: OwnerModuleContext, state: S): Promise<ProduceStatus>;
  /** A device message for this module other than `active`. */
  receive(ctx: OwnerModuleContext, state: S, message: string, value: unknown): Promise<void>;
}
