/**
 * Counts this process's writes per table, as a Kysely plugin on the store's handle. A cache of
 * something read from the store notes the count before it reads and trusts what it read only while
 * the count is the same: a change made in this process then shows at once, one made by another
 * replica after the cache's own time bound. A device's sighting (an update of its `last_seen_*`
 * columns only) is no change to count: the device API writes them all the time.
 */
import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
  UpdateQueryNode,
} from 'kysely';
import type { CountedTable } from '../store.ts';

const COUNTED: ReadonlySet<string> = new Set<CountedTable>(['devices', 'device_credentials', 'campaign_actions']);

export interface WriteCounts {
  plugin: KyselyPlugin;
  count(table: CountedTable): number;
  /** Counts one write to `table` by hand: a precompiled query reaches no plugin's transformQuery. */
  bump(table: CountedTable): void;
}

interface TableNode extends OperationNode {
  table?: { identifier?: { name?: string } };
}

/** The name of a table node (or an aliased one). */
function tableName(node: OperationNode | undefined): string | undefined {
  const n = node as (TableNode & { node?: TableNode }) | undefined;
  return n?.table?.identifier?.name ?? n?.node?.table?.identifier?.name;
}

/** The columns an update sets, by name. */
function setColumns(node: UpdateQueryNode): string[] {
  return (node.updates ?? []).map((u) => (u.column as { column?: { name?: string } }).column?.name ?? '');
}

/** A device's sighting (last seen) changes nothing a cache of devices keeps. */
const onlySighting = (node: UpdateQueryNode) => setColumns(node).every((c) => c.startsWith('last_seen_'));

/** The counted table a write statement changes, if any. */
export function countedTableOf(node: RootOperationNode): CountedTable | undefined {
  let name: string | undefined;
  if (node.kind === 'InsertQueryNode') name = tableName(node.into);
  else if (node.kind === 'UpdateQueryNode') name = onlySighting(node) ? undefined : tableName(node.table);
  else if (node.kind === 'DeleteQueryNode') name = tableName(node.from.froms[0]);
  return name !== undefined && COUNTED.has(name) ? (name as CountedTable) : undefined;
}

export function writeCounts(): WriteCounts {
  const counts = new Map<string, number>();
  const pending = new WeakMap<object, string>();
  const bump = (t: string) => counts.set(t, (counts.get(t) ?? 0) + 1);
  return {
    count: (table) => counts.get(table) ?? 0,
    bump,
    plugin: {
      transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
        const t = countedTableOf(node);
        if (t !== undefined) {
          // Before the write (a read started now cannot be trusted) and after it (one that began
          // in between read the old rows).
          bump(t);
          pending.set(queryId, t);
        }
        return node;
      },
      async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
        const t = pending.get(queryId);
        if (t !== undefined) bump(t);
        return result;
      },
    },
  };
}
