import { sql } from 'kysely';
import {
  checkIntentFlow,
  flowKey,
  type IntentFlowInput,
  type IntentFlowRecord,
  type IntentFlowRepository,
  type IntentFlowVerdict,
  MAX_INTENT_FLOWS_PER_DEVICE,
} from '../intent-flow-repository.ts';
import type { IntentViolationDirection } from '../intent-violation-repository.ts';
import type { SqlContext } from './context.ts';
import { date, millis } from './rows.ts';

interface Row {
  key: string;
  mac: string;
  direction: string;
  protocol: number | string;
  peer: string;
  peer_port: number | string;
  local_port: number | string;
  verdict: string;
  rule: string;
  first_seen: number | string;
  last_seen: number | string;
  count: number | string;
}

const record = (r: Row): IntentFlowRecord => ({
  mac: r.mac,
  direction: r.direction as IntentViolationDirection,
  protocol: millis(r.protocol),
  peer: r.peer,
  peerPort: millis(r.peer_port),
  localPort: millis(r.local_port),
  verdict: r.verdict as IntentFlowVerdict,
  rule: r.rule,
  firstSeen: date(r.first_seen),
  lastSeen: date(r.last_seen),
  count: millis(r.count),
});

/** A row to write: the read row's numbers are numbers here. */
type NewRow = { [K in keyof Row]: Row[K] extends string ? string : number };

/** Rows per INSERT: well under either database's limit on bound parameters. */
const CHUNK = 200;

/** One row per key: a statement may not update the same row twice (PostgreSQL refuses it). */
function merged(flows: readonly IntentFlowInput[]): NewRow[] {
  const byKey = new Map<string, NewRow>();
  for (const f of flows) {
    checkIntentFlow(f);
    const key = flowKey(f);
    const at = f.at.getTime();
    const count = f.count ?? 1;
    const seen = byKey.get(key);
    if (seen === undefined) {
      byKey.set(key, {
        key,
        mac: f.mac,
        direction: f.direction,
        protocol: f.protocol,
        peer: f.peer,
        peer_port: f.peerPort,
        local_port: f.localPort,
        verdict: f.verdict,
        rule: f.rule,
        first_seen: at,
        last_seen: at,
        count,
      });
      continue;
    }
    seen.count += count;
    seen.first_seen = Math.min(seen.first_seen, at);
    if (at >= seen.last_seen) Object.assign(seen, { last_seen: at, verdict: f.verdict, rule: f.rule });
  }
  return [...byKey.values()];
}

export function sqlIntentFlowRepository({ db, dialect }: SqlContext): IntentFlowRepository {
  // Two-argument min/max: SQLite's scalar functions, PostgreSQL's least/greatest.
  const [lo, hi] = dialect === 'postgres' ? [sql.raw('least'), sql.raw('greatest')] : [sql.raw('min'), sql.raw('max')];

  async function upsert(rows: NewRow[]): Promise<void> {
    await db
      .insertInto('intent_flows')
      .values(rows)
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          // The verdict and rule of the latest sighting stand.
          verdict: sql<string>`case when excluded.last_seen >= intent_flows.last_seen then excluded.verdict else intent_flows.verdict end`,
          rule: sql<string>`case when excluded.last_seen >= intent_flows.last_seen then excluded.rule else intent_flows.rule end`,
          count: sql<number>`intent_flows.count + excluded.count`,
          first_seen: sql<number>`${lo}(intent_flows.first_seen, excluded.first_seen)`,
          last_seen: sql<number>`${hi}(intent_flows.last_seen, excluded.last_seen)`,
        }),
      )
      .execute();
  }

  async function prune(mac: string): Promise<void> {
    const kept = db
      .selectFrom('intent_flows')
      .select('key')
      .where('mac', '=', mac)
      .orderBy('last_seen', 'desc')
      .orderBy('key', 'desc')
      .limit(MAX_INTENT_FLOWS_PER_DEVICE);
    await db.deleteFrom('intent_flows').where('mac', '=', mac).where('key', 'not in', kept).execute();
  }

  return {
    async record(flows) {
      const rows = merged(flows);
      for (let i = 0; i < rows.length; i += CHUNK) await upsert(rows.slice(i, i + CHUNK));
      for (const mac of new Set(rows.map((r) => r.mac))) await prune(mac);
    },
    async recent(mac, limit) {
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_INTENT_FLOWS_PER_DEVICE)
        throw new TypeError(`limit must be 1..${MAX_INTENT_FLOWS_PER_DEVICE}`);
      const rows = await db
        .selectFrom('intent_flows')
        .selectAll()
        .where('mac', '=', mac)
        .orderBy('last_seen', 'desc')
        .orderBy('key', 'desc')
        .limit(limit)
        .execute();
      return rows.map(record);
    },
  };
}
