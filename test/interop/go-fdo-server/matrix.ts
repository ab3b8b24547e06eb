/**
 * The interop matrix: each cell's outcome, recorded as its test ends, and written as a Markdown
 * table into docs/interop.md between the suite's markers (registration order, no timestamps).
 */

export type Outcome = 'pass' | 'fail' | 'not supported by the peer';

export interface Cell {
  group: string;
  name: string;
  outcome?: Outcome;
  /** What went wrong, why the peer cannot, or a deviation the cell tolerates and asserts. */
  note?: string;
}

export class Matrix {
  readonly cells: Cell[] = [];
  /** What every cell runs over (HTTPS), shown in its own column. */
  readonly transport: string;

  constructor(transport: string) {
    this.transport = transport;
  }

  add(group: string, name: string): Cell {
    const cell: Cell = { group, name };
    this.cells.push(cell);
    return cell;
  }

  get complete(): boolean {
    return this.cells.every((c) => c.outcome !== undefined);
  }

  /** The table, its columns padded as the project's Markdown formatter (biome) lays them out. */
  markdown(): string {
    const esc = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
    const rows = [
      ['Peer role / chain', 'Cell', 'Transport', 'Result', 'Notes'],
      ...this.cells.map((c) => [c.group, c.name, this.transport, `**${c.outcome ?? 'not run'}**`, c.note ?? ''].map(esc)),
    ];
    const width = (s: string) => [...s].length;
    const widths = [0, 1, 2, 3, 4].map((i) => Math.max(3, ...rows.map((r) => width(r[i] as string))));
    const line = (r: string[]) => `| ${r.map((v, i) => v + ' '.repeat((widths[i] as number) - width(v))).join(' | ')} |`;
    const [head, ...body] = rows as [string[], ...string[][]];
    return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
  }
}
