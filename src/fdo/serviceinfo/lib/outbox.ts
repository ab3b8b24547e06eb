/**
 * Filling one outgoing message: queued module messages first, then producers asked for more while
 * room remains. A queued value that fits an empty message but not the space left waits for the next
 * message; only a value larger than any message is split into consecutive KVs with the same key.
 */
import { encode } from '../../../codec/cbor.ts';
import { SERVICEINFO_KEY_SEPARATOR } from '../../constants/serviceinfo.ts';
import { fromB64, toB64 } from './b64.ts';
import type { MessageBuilder } from './size.ts';

/** A module message waiting to be sent: the full key and the CBOR of its value, base64. */
export interface OutEntry {
  key: string;
  value: string;
}

/**
 * What a producer reports: `more` it queued something and may queue more now; `full` it needs a
 * fresh message; `idle` it has nothing to send until the peer answers (or at all).
 */
export type ProduceStatus = 'more' | 'full' | 'idle';

export function queue(outbox: OutEntry[], module: string, message: string, value: unknown): void {
  outbox.push({ key: module + SERVICEINFO_KEY_SEPARATOR + message, value: toB64(encode(value)) });
}

/** Places queued entries; true when something is left for a later message. */
function drain(builder: MessageBuilder, outbox: OutEntry[]): boolean {
  while (outbox.length > 0) {
    const entry = outbox[0]!;
    const value = fromB64(entry.value);
    const room = builder.room(entry.key);
    if (value.length <= room) {
      builder.add(entry.key, value);
      outbox.shift();
      continue;
    }
    if (value.length <= builder.emptyRoom(entry.key) || room < 1) return true;
    builder.add(entry.key, value.subarray(0, room));
    entry.value = toB64(value.subarray(room));
    return true;
  }
  return false;
}

const MAX_PRODUCE_CALLS = 100_000;

/**
 * Fills `builder` from `outbox` and `next` (which asks the producers, returning `exhausted` when
 * none has anything). Returns whether more remains to be sent right away.
 */
export async function fill(
  builder: MessageBuilder,
  outbox: OutEntry[],
  next: () => Promise<ProduceStatus | 'exhausted'>,
): Promise<boolean> {
  for (let calls = 0; calls < MAX_PRODUCE_CALLS; calls++) {
    if (drain(builder, outbox)) return true;
    const status = await next();
    if (status === 'full') return true;
    if (status === 'idle' || status === 'exhausted') return drain(builder, outbox);
  }
  throw new Error('ServiceInfo producers kept reporting more without end');
}
