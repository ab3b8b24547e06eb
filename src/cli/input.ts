import { readFile } from 'node:fs/promises';
import { type CliContext, pathIn } from './context.ts';
import { CliExit, EXIT_USAGE } from './exit-codes.ts';

/** Most bytes a command reads from one file or standard input. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Reads FILE, or standard input when FILE is `-` or absent. */
export async function readInput(cli: CliContext, file: string | undefined): Promise<Uint8Array> {
  if (file === undefined || file === '-') return readStdin(cli);
  try {
    const buf = await readFile(pathIn(cli, file));
    if (buf.length > MAX_INPUT_BYTES) throw new CliExit(EXIT_USAGE, `${file}: larger than ${MAX_INPUT_BYTES} bytes`);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    if (e instanceof CliExit) throw e;
    throw new CliExit(EXIT_USAGE, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function readStdin(cli: CliContext): Promise<Uint8Array> {
  if (cli.stdin.isTTY) throw new CliExit(EXIT_USAGE, 'no input: give a FILE or pipe data to standard input');
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of cli.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += bytes.length;
    if (total > MAX_INPUT_BYTES) throw new CliExit(EXIT_USAGE, `standard input is larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(bytes);
  }
  const buf = Buffer.concat(chunks);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Parses hex text (whitespace and an optional 0x prefix allowed) into bytes. */
export function parseHexText(text: string, what: string): Uint8Array {
  const clean = text.replace(/\s+/g, '').replace(/^0x/i, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    const bad = clean.search(/[^0-9a-fA-F]/);
    throw new CliExit(
      EXIT_USAGE,
      `${what}: not hex text${bad >= 0 ? ` (character ${JSON.stringify(clean[bad])} at ${bad})` : ' (odd number of digits)'}`,
    );
  }
  return new Uint8Array(Buffer.from(clean, 'hex'));
}
