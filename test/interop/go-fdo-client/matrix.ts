/**
 * The go-fdo-client matrix: every cell's outcome, written as a Markdown table into its section of
 * docs/interop.md (between the go-fdo-client markers). The table has a fixed row order and no
 * timestamps, so the file changes only when a result does; it is written only when every cell ran.
 */
import { writeDocSection } from '../doc-section.ts';

export type Outcome = 'pass' | 'fail' | 'not supported by the peer';

export interface CellSpec {
  id: string;
  /** What the cell covers, in words. */
  what: string;
  key: string;
  kex: string;
  cipher: string;
  keyEnc: string;
  /** The way the voucher and the device took. */
  path: string;
}

export interface CellResult {
  outcome: Outcome;
  note: string;
}

export class Matrix {
  readonly #cells: CellSpec[];
  readonly #results = new Map<string, CellResult>();
  /** What every cell runs over (HTTPS), shown in its own column. */
  readonly #transport: string;

  constructor(cells: CellSpec[], transport: string) {
    this.#cells = cells;
    this.#transport = transport;
  }

  cell(id: string): CellSpec {
    const c = this.#cells.find((x) => x.id === id);
    if (c === undefined) throw new Error(`no matrix cell ${id}`);
    return c;
  }

  record(id: string, result: CellResult): void {
    this.cell(id);
    this.#results.set(id, result);
  }

  get complete(): boolean {
    return this.#cells.every((c) => this.#results.has(c.id));
  }

  /** The table, its columns padded as the project's Markdown formatter pads them (ASCII text only). */
  render(): string {
    const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
    const head = ['cell', 'what', 'device key', 'key exchange', 'cipher', 'key encoding', 'path', 'transport', 'result', 'notes'];
    const rows = this.#cells.map((c) => {
      const r = this.#results.get(c.id);
      const outcome = r === undefined ? 'not run' : `**${r.outcome}**`;
      return [c.id, c.what, c.key, c.kex, c.cipher, c.keyEnc, c.path, this.#transport, outcome, r?.note ?? ''].map(esc);
    });
    const widths = head.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
    return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
  }

  /** Rewrites the section; returns whether the file changed. */
  write(): boolean {
    return writeDocSection('go-fdo-client', this.render());
  }
}
