import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SuitError } from '../../src/suit/errors.ts';
import { vectorPath } from '../helpers/vectors.ts';

export const SPEC_DIR = vectorPath('suit', 'manifest-spec');
export const LIBCSUIT_DIR = vectorPath('suit', 'libcsuit');

export interface SpecExample {
  name: string;
  /** Envelopes in the order the example gives them (unsigned first, then signed). */
  envelopes: Uint8Array[];
  description: unknown;
}

/** The hex envelopes of draft-ietf-suit-manifest's exampleN.txt, read in place. */
export function specExamples(): SpecExample[] {
  if (SPEC_DIR === undefined) return [];
  const out: SpecExample[] = [];
  for (let i = 0; ; i++) {
    let text: string;
    try {
      text = readFileSync(join(SPEC_DIR, `example${i}.txt`), 'utf8');
    } catch {
      break;
    }
    const envelopes = [...text.matchAll(/~~~\n([0-9a-f\n]+)~~~/g)].map(
      (m) => new Uint8Array(Buffer.from((m[1] as string).replace(/\n/g, ''), 'hex')),
    );
    const description = JSON.parse(readFileSync(join(SPEC_DIR, `example${i}.json`), 'utf8')) as unknown;
    out.push({ name: `example${i}`, envelopes, description });
  }
  return out;
}

export function libcsuitEnvelopes(): { name: string; bytes: Uint8Array }[] {
  if (LIBCSUIT_DIR === undefined) return [];
  return readdirSync(LIBCSUIT_DIR)
    .filter((f) => f.endsWith('.suit'))
    .sort()
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(LIBCSUIT_DIR, f))) }));
}

export const hexFile = (path: string): Uint8Array => new Uint8Array(Buffer.from(readFileSync(path, 'utf8').trim(), 'hex'));

/** Asserts that `fn` throws a SuitError with `code`; returns it. */
export function suitRejects(fn: () => unknown, code: string): SuitError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof SuitError, `expected SuitError ${code}, got ${caught === undefined ? 'no error' : String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

export const flip = (b: Uint8Array, at: number, mask = 0x01): Uint8Array => {
  const c = Uint8Array.from(b);
  c[at] = (c[at] as number) ^ mask;
  return c;
};
