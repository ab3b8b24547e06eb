/**
 * The device-side module contract. A handler keeps its per-session state in a plain object that the
 * framework stores between messages; the handler itself (with its ports) is configuration.
 */
import type { ProduceStatus } from './lib/outbox.ts';

export type { ProduceStatus } from './lib/outbox.ts';

export interface DeviceModuleContext {
  /** Queues a message of this module to the owner; `value` is encoded as CBOR. */
  send(message: string, value: unknown): void;
  /** The largest byte string that fits one message as the value of `message`. */
  blockSize(message: string): number;
}

export interface DeviceProduceContext extends DeviceModuleContext {
  /** The largest byte string that still fits the message being built (-1: none). */
  blockRoom(message: string): number;
  /** Whether the message being built has no KV yet. */
  readonly messageEmpty: boolean;
}

export interface DeviceModuleHandler<S extends object = object> {
  readonly module: string;
  /** Fresh state, used when the owner activates the module. */
  initial(): S;
  /** After activation (the framework has queued `active` true). */
  activated?(ctx: DeviceModuleContext, state: S): Promise<void>;
  /** One message from the owner, the value decoded. Throwing an FdoError ends the session. */
  receive(ctx: DeviceModuleContext, state: S, message: string, value: unknown): Promise<void>;
  /** Asked for more output while the outgoing message has room (bulk data such as uploads). */
  produce?(ctx: DeviceProduceContext, state: S): Promise<ProduceStatus>;
  /** The owner deactivated the module or the session ended: release anything open. */
  deactivated?(state: S): Promise<void>;
}
