/**
 * Pulls bytes from an async stream of chunks on demand, so a capture is read record by record and
 * never held whole. Returned views share memory with the chunks; chunks are never written to.
 */

const EMPTY = new Uint8Array(0);

export class ByteSource {
  readonly #chunks: AsyncIterator<Uint8Array>;
  #buf: Uint8Array = EMPTY;
  #pos = 0;
  #done = false;
  /** Absolute offset of the next unread byte. */
  offset = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#chunks = source[Symbol.asyncIterator]();
  }

  /** Pulls chunks until `n` bytes are buffered or the stream ends; returns how many are buffered. */
  async fill(n: number): Promise<number> {
    while (this.#buf.length - this.#pos < n && !this.#done) {
      const next = await this.#chunks.next();
      if (next.done === true) {
        this.#done = true;
        break;
      }
      const chunk = next.value;
      if (!(chunk instanceof Uint8Array)) throw new TypeError('a capture source must yield Uint8Array chunks');
      if (chunk.length === 0) continue;
      const rest = this.#buf.length - this.#pos;
      if (rest === 0) {
        this.#buf = chunk;
      } else {
        const joined = new Uint8Array(rest + chunk.length);
        joined.set(this.#buf.subarray(this.#pos), 0);
        joined.set(chunk, rest);
        this.#buf = joined;
      }
      this.#pos = 0;
    }
    return Math.min(n, this.#buf.length - this.#pos);
  }

  /** The next `n` bytes without consuming them; call `fill(n)` first. */
  peek(n: number): Uint8Array {
    return this.#buf.subarray(this.#pos, this.#pos + n);
  }

  /** Consumes and returns the next `n` bytes (fewer at the end of the stream). */
  async take(n: number): Promise<Uint8Array> {
    const have = await this.fill(n);
    const out = this.#buf.subarray(this.#pos, this.#pos + have);
    this.#pos += have;
    this.offset += have;
    return out;
  }

  /** Closes the underlying stream early (the caller stopped reading). */
  async close(): Promise<void> {
    if (!this.#done) {
      this.#done = true;
      await this.#chunks.return?.();
    }
  }
}
