/**
 * A SessionStore in process memory, for tests and single-process use. States are kept as JSON
 * text so that what a handler gets back is a copy, exactly as from a database.
 */
import type { FdoProtocol, FdoSession, NewFdoSession, SessionStore } from '../../fdo/protocol/ports.ts';

interface Row {
  role: FdoSession['role'];
  protocol: FdoSession['protocol'];
  state: string;
  version: number;
  expiresAt: number;
}

export class MemorySessionStore implements SessionStore {
  readonly #rows = new Map<string, Row>();

  /** How many sessions are held (tests check that finished ones are gone). */
  get size(): number {
    return this.#rows.size;
  }

  async create(token: string, s: NewFdoSession): Promise<void> {
    if (this.#rows.has(token)) throw new Error('session token already in use');
    this.#rows.set(token, {
      role: s.role,
      protocol: s.protocol,
      state: JSON.stringify(s.state ?? null),
      version: 1,
      expiresAt: s.expiresAt.getTime(),
    });
  }

  async get(token: string): Promise<FdoSession | undefined> {
    const r = this.#rows.get(token);
    if (r === undefined) return undefined;
    return { role: r.role, protocol: r.protocol, state: JSON.parse(r.state), version: r.version, expiresAt: new Date(r.expiresAt) };
  }

  async update(token: string, expectedVersion: number, state: unknown, expiresAt: Date): Promise<boolean> {
    const r = this.#rows.get(token);
    if (r === undefined || r.version !== expectedVersion) return false;
    this.#rows.set(token, { ...r, state: JSON.stringify(state ?? null), version: r.version + 1, expiresAt: expiresAt.getTime() });
    return true;
  }

  async delete(token: string, expectedVersion?: number): Promise<boolean> {
    const r = this.#rows.get(token);
    if (r === undefined || (expectedVersion !== undefined && r.version !== expectedVersion)) return false;
    return this.#rows.delete(token);
  }

  async countOpen(protocol: FdoProtocol, now: Date): Promise<number> {
    let n = 0;
    for (const r of this.#rows.values()) if (r.protocol === protocol && r.expiresAt > now.getTime()) n++;
    return n;
  }

  async deleteExpired(now: Date): Promise<number> {
    let n = 0;
    for (const [token, r] of this.#rows) {
      if (r.expiresAt <= now.getTime() && this.#rows.delete(token)) n++;
    }
    return n;
  }
}
