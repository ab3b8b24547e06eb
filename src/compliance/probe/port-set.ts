/**
 * A set of TCP or UDP ports (0..65535) kept as sorted, disjoint, inclusive ranges: a MUD file
 * names ports by ranges and operators, so "all but 22" stays two ranges instead of 65,535 numbers.
 */

/** The highest port number (RFC 8519 §4.2, ietf-packet-fields: inet:port-number is uint16). */
export const PORT_MAX = 65535;

/** An inclusive range of ports. */
export type PortRange = readonly [low: number, high: number];

export class PortSet {
  /** Sorted, disjoint and not adjacent: [[22, 22], [80, 90]]. */
  readonly ranges: readonly PortRange[];

  private constructor(ranges: readonly PortRange[]) {
    this.ranges = ranges;
  }

  static readonly EMPTY = new PortSet([]);
  static readonly ALL = new PortSet([[0, PORT_MAX]]);

  /** The union of `ranges` (in any order, overlapping or not); each end is clamped to 0..65535. */
  static of(ranges: Iterable<PortRange>): PortSet {
    const sorted = [...ranges]
      .map(([l, h]): PortRange => [Math.max(0, l), Math.min(PORT_MAX, h)])
      .filter(([l, h]) => l <= h)
      .sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [l, h] of sorted) {
      const last = merged[merged.length - 1];
      if (last !== undefined && l <= last[1] + 1) last[1] = Math.max(last[1], h);
      else merged.push([l, h]);
    }
    return new PortSet(merged);
  }

  has(port: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [l, h] = this.ranges[mid] as PortRange;
      if (port < l) hi = mid - 1;
      else if (port > h) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** How many ports the set holds. */
  get size(): number {
    return this.ranges.reduce((n, [l, h]) => n + h - l + 1, 0);
  }

  union(other: PortSet): PortSet {
    return PortSet.of([...this.ranges, ...other.ranges]);
  }

  /** The ports of this set that are not in `other`. */
  minus(other: PortSet): PortSet {
    const out: PortRange[] = [];
    for (const [l, h] of this.ranges) {
      let from = l;
      for (const [ol, oh] of other.ranges) {
        if (oh < from || ol > h) continue;
        if (ol > from) out.push([from, ol - 1]);
        from = oh + 1;
      }
      if (from <= h) out.push([from, h]);
    }
    return PortSet.of(out);
  }

  /** "22, 80-90", or "none". */
  toString(): string {
    if (this.ranges.length === 0) return 'none';
    return this.ranges.map(([l, h]) => (l === h ? `${l}` : `${l}-${h}`)).join(', ');
  }
}
