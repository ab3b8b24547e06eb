/**
 * CBOR diagnostic notation (RFC 8949 §8, with the encoding indicators of §8.1 for indefinite
 * lengths) printed from the encoded bytes, so it shows exactly what was sent.
 */

import { DEFAULT_LIMITS } from './cbor.ts';
import { CborError } from './cbor-errors.ts';
import { halfToNumber, scanCborLength } from './cbor-scan.ts';

export interface DiagOptions {
  /** Indent nested arrays and maps by this many spaces per level (default: one line). */
  indent?: number;
  /** Show the float width indicators `_1`, `_2`, `_3` of RFC 8949 §8.1 (default false). */
  encodingIndicators?: boolean;
}

/** Diagnostic notation of every item in `bytes` (a single item, or a CBOR sequence, RFC 8742). */
export function diagnose(bytes: Uint8Array, options: DiagOptions = {}): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('diagnose expects a Uint8Array');
  const rules = { ...DEFAULT_LIMITS, allowIndefinite: true, allowDuplicateKeys: true, allowTrailing: true, wellFormedOnly: true };
  if (bytes.length === 0) throw new CborError('ERR_CBOR_TRUNCATED', 'no data item', 0);
  const out: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    const len = itemLength(bytes, at, rules);
    const p = new Printer(bytes.subarray(at, at + len), options.indent ?? 0, options.encodingIndicators ?? false);
    out.push(p.item(0));
    at += len;
  }
  return out.join('\n');
}

/** The length of the item at `at`, with errors reporting offsets into the whole input. */
function itemLength(bytes: Uint8Array, at: number, rules: Parameters<typeof scanCborLength>[1]): number {
  try {
    return scanCborLength(bytes.subarray(at), rules);
  } catch (e) {
    if (!(e instanceof CborError) || at === 0) throw e;
    throw new CborError(e.code, e.message.replace(/ \(at byte \d+\)$/, ''), e.offset + at);
  }
}

class Printer {
  pos = 0;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly indent: number;
  readonly indicators: boolean;

  constructor(bytes: Uint8Array, indent: number, indicators: boolean) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.indent = indent;
    this.indicators = indicators;
  }

  head(): { major: number; ai: number; arg: bigint } {
    const ib = this.bytes[this.pos++] as number;
    const ai = ib & 0x1f;
    let arg = BigInt(ai);
    const p = this.pos;
    if (ai === 24) arg = BigInt(this.view.getUint8(p));
    else if (ai === 25) arg = BigInt(this.view.getUint16(p));
    else if (ai === 26) arg = BigInt(this.view.getUint32(p));
    else if (ai === 27) arg = this.view.getBigUint64(p);
    if (ai >= 24 && ai <= 27) this.pos += 1 << (ai - 24);
    return { major: ib >> 5, ai, arg };
  }

  item(level: number): string {
    const start = this.pos;
    const { major, ai, arg } = this.head();
    if (ai === 31) return this.indefinite(major, level);
    switch (major) {
      case 0:
        return arg.toString();
      case 1:
        return (-1n - arg).toString();
      case 2:
        return `h'${Buffer.from(this.take(arg)).toString('hex')}'`;
      case 3:
        return JSON.stringify(Buffer.from(this.take(arg)).toString('utf8'));
      case 4: {
        const items: string[] = [];
        for (let i = 0n; i < arg; i++) items.push(this.item(level + 1));
        return this.wrap('[', items, ']', level);
      }
      case 5: {
        const items: string[] = [];
        for (let i = 0n; i < arg; i++) items.push(`${this.item(level + 1)}: ${this.item(level + 1)}`);
        return this.wrap('{', items, '}', level);
      }
      case 6:
        return `${arg}(${this.item(level)})`;
      default:
        return this.simple(ai, arg, start);
    }
  }

  take(n: bigint): Uint8Array {
    const out = this.bytes.subarray(this.pos, this.pos + Number(n));
    this.pos += Number(n);
    return out;
  }

  wrap(open: string, items: string[], close: string, level: number): string {
    if (this.indent === 0 || items.length === 0) return `${open}${items.join(', ')}${close}`;
    const pad = ' '.repeat(this.indent * (level + 1));
    return `${open}\n${pad}${items.join(`,\n${pad}`)}\n${' '.repeat(this.indent * level)}${close}`;
  }

  indefinite(major: number, level: number): string {
    const items: string[] = [];
    while (this.bytes[this.pos] !== 0xff) {
      if (major === 5) items.push(`${this.item(level + 1)}: ${this.item(level + 1)}`);
      else items.push(this.item(level + 1));
    }
    this.pos++;
    if (major === 2 || major === 3) {
      if (items.length === 0) return major === 2 ? "''_" : '""_';
      return `(_ ${items.join(', ')})`;
    }
    const [open, close] = major === 4 ? ['[_ ', ']'] : ['{_ ', '}'];
    return this.wrap(open, items, close, level);
  }

  simple(ai: number, arg: bigint, start: number): string {
    if (ai === 20) return 'false';
    if (ai === 21) return 'true';
    if (ai === 22) return 'null';
    if (ai === 23) return 'undefined';
    if (ai < 24) return `simple(${ai})`;
    if (ai === 24) return `simple(${arg})`;
    const value = ai === 25 ? halfToNumber(Number(arg)) : ai === 26 ? this.view.getFloat32(start + 1) : this.view.getFloat64(start + 1);
    return this.indicators ? `${formatFloat(value)}_${ai - 24}` : formatFloat(value);
  }
}

/** RFC 8949 §8: floats always show a fraction or exponent, and Infinity/NaN by name. */
function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  if (/[.e]/.test(s)) return s.replace(/e(?=[+-])/, s.includes('.') ? 'e' : '.0e');
  return `${s}.0`;
}
