import type { VersionOrder } from './version-order.ts';
import type { OsvEvent } from './vuln-types.ts';

/** Which event kind an OSV event is, and its version. */
interface Point {
  kind: 'introduced' | 'fixed' | 'last_affected' | 'limit';
  version: string;
  parsed: unknown;
}

/** OSV "introduced": "0" means from the first version on. */
const FROM_THE_START = '0';

/**
 * Whether `version` is in an OSV SEMVER or ECOSYSTEM range, evaluated as the OSV specification
 * ("Evaluation") describes: events in version order, introduced opens, fixed (exclusive) and
 * last_affected (inclusive) close, and a version at or past every `limit` is outside. Undefined
 * when the version or an event's version cannot be ordered.
 */
export function inOrderedRange(version: string, events: OsvEvent[], order: VersionOrder): boolean | undefined {
  const v = order.parse(version);
  if (v === undefined) return undefined;
  const points: Point[] = [];
  for (const event of events) {
    const point = toPoint(event, order);
    if (point === undefined) return undefined;
    points.push(point);
  }
  const limits = points.filter((p) => p.kind === 'limit');
  if (limits.length > 0 && !limits.some((l) => l.version === '*' || order.compare(v, l.parsed) < 0)) return false;
  points.sort((a, b) => comparePoints(a, b, order));
  let affected = false;
  for (const p of points) {
    if (p.kind === 'introduced' && (p.version === FROM_THE_START || order.compare(v, p.parsed) >= 0)) affected = true;
    else if (p.kind === 'fixed' && order.compare(v, p.parsed) >= 0) affected = false;
    else if (p.kind === 'last_affected' && order.compare(v, p.parsed) > 0) affected = false;
  }
  return affected;
}

function toPoint(event: OsvEvent, order: VersionOrder): Point | undefined {
  const kind = (['introduced', 'fixed', 'last_affected', 'limit'] as const).find((k) => event[k] !== undefined);
  if (kind === undefined) return undefined;
  const version = event[kind] as string;
  const special = (kind === 'introduced' && version === FROM_THE_START) || (kind === 'limit' && version === '*');
  const parsed = special ? null : order.parse(version);
  return parsed === undefined ? undefined : { kind, version, parsed };
}

// "0" sorts before every version; "*" limits are not walked.
function comparePoints(a: Point, b: Point, order: VersionOrder): number {
  if (a.parsed === null) return b.parsed === null ? 0 : -1;
  if (b.parsed === null) return 1;
  return order.compare(a.parsed, b.parsed);
}

/** The range's events in words, for a match's reason. */
export function describeEvents(events: OsvEvent[]): string {
  return events.flatMap((e) => Object.entries(e).map(([k, v]) => `${k} ${v}`)).join(', ');
}
