/**
 * The protocol session message whose role is running now, so that the store's transactions made
 * by the role belong to it (docs/decisions/0030-sessions-without-claim.md). Each such transaction
 * first advances the session's version, conditionally on the version the message was read at: of
 * two copies of one message racing on two replicas, the second one's transaction finds the
 * version moved and rolls back, so no durable side effect of a role happens twice. The transport
 * then writes the new state back against the version the transactions left.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface SessionFence {
  /** The session store the message's session lives in; only a store with that session store fences. */
  readonly sessions: object;
  readonly token: string;
  /** The session's version now: each committed transaction of the message bumps it. */
  version: number;
  /** Set when the role returned: work it started that outlives it is not fenced. */
  closed?: boolean;
}

const running = new AsyncLocalStorage<SessionFence>();

/** Runs `fn` (a role handling one message of the session) with `fence` in force. */
export async function runFenced<T>(fence: SessionFence, fn: () => Promise<T>): Promise<T> {
  try {
    return await running.run(fence, fn);
  } finally {
    fence.closed = true;
  }
}

/** Runs `fn` outside any fence: for work a role hands on (subscribers told of an outcome), which is not the message's. */
export function outsideFence<T>(fn: () => T): T {
  return running.exit(fn);
}

/** The fence in force, when its session lives in `sessions`. */
export function fenceFor(sessions: object): SessionFence | undefined {
  const fence = running.getStore();
  return fence?.sessions === sessions && fence.closed !== true ? fence : undefined;
}
