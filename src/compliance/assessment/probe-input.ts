/** Checks an open-port probe result from outside: bounded, and consistent with itself. */
import type { PortProbeResult } from '../probe/probe-types.ts';
import { AssessmentError } from './errors.ts';

/** Every TCP port could be open: 65535 numbers is the most a list holds. */
const MAX_PORTS = 65_535;
const MAX_TEXT = 2048;

const bad = (field: string, reason: string) => new AssessmentError('ERR_ASSESSMENT_PROBE', `${field}: ${reason}`, { field });

const isPort = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65_535;

function portList(v: unknown, field: string, range: { from: number; to: number }): number[] {
  if (!Array.isArray(v) || v.length > MAX_PORTS) throw bad(field, `a list of at most ${MAX_PORTS} ports`);
  for (const p of v) if (!isPort(p) || p < range.from || p > range.to) throw bad(field, `${String(p)} is not a port in the range probed`);
  if (new Set(v).size !== v.length) throw bad(field, 'a port is listed twice');
  return v as number[];
}

function text(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '' || v.length > MAX_TEXT) throw bad(field, `text of 1–${MAX_TEXT} characters`);
  return v;
}

function time(v: unknown, field: string): string {
  const s = text(v, field);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) || Number.isNaN(Date.parse(s)))
    throw bad(field, 'not an RFC 3339 time');
  return s;
}

/** `allowed` and `unexpected` split `open` between them: each open port is one or the other. */
export function checkProbeResult(v: unknown): PortProbeResult {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad('result', 'not an object');
  const r = v as Record<string, unknown>;
  const address = text(r['address'], 'address');
  const mudUrl = text(r['mudUrl'], 'mudUrl');
  if (r['protocol'] !== 'tcp') throw bad('protocol', 'only tcp is probed');
  const ports = r['ports'] as { from?: unknown; to?: unknown } | undefined;
  if (ports === null || typeof ports !== 'object' || !isPort(ports.from) || !isPort(ports.to) || ports.from > ports.to)
    throw bad('ports', 'a range {from, to} of ports, from ≤ to');
  const range = { from: ports.from, to: ports.to };
  const open = portList(r['open'], 'open', range);
  const allowed = portList(r['allowed'], 'allowed', range);
  const unexpected = portList(r['unexpected'], 'unexpected', range);
  const openSet = new Set(open);
  if (allowed.some((p) => unexpected.includes(p))) throw bad('unexpected', 'a port is both allowed and unexpected');
  if (allowed.length + unexpected.length !== open.length || ![...allowed, ...unexpected].every((p) => openSet.has(p)))
    throw bad('open', 'every open port is either allowed or unexpected, and only those');
  const startedAt = time(r['startedAt'], 'startedAt');
  const finishedAt = time(r['finishedAt'], 'finishedAt');
  if (Date.parse(finishedAt) < Date.parse(startedAt)) throw bad('finishedAt', 'before startedAt');
  const counts = answerCounts(r, range.to - range.from + 1 - open.length);
  return { address, mudUrl, protocol: 'tcp', ports: range, open, allowed, unexpected, ...counts, startedAt, finishedAt };
}

/** The closed and filtered counts, when given: whole numbers that with the open ports cover at most the range. */
function answerCounts(r: Record<string, unknown>, notOpen: number): { closed?: number; filtered?: number } {
  const out: { closed?: number; filtered?: number } = {};
  for (const k of ['closed', 'filtered'] as const) {
    const n = r[k];
    if (n === undefined) continue;
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > notOpen) throw bad(k, `a count of ports from 0 to ${notOpen}`);
    out[k] = n as number;
  }
  if ((out.closed ?? 0) + (out.filtered ?? 0) > notOpen) throw bad('filtered', 'closed and filtered ports outnumber the ports not open');
  return out;
}
