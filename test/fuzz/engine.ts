import { readFileSync } from 'node:fs';
import { Prng } from '../helpers/random.ts';
import { mutate } from './mutate.ts';

/** A decoder under fuzzing. */
export interface FuzzTarget {
  name: string;
  /** Runs the decoder; returning normally is success. */
  run(input: Uint8Array): void;
  /** Whether an exception is the decoder's typed error (anything else is a finding). */
  expected(error: unknown): boolean;
}

export interface FuzzFinding {
  target: string;
  seed: number;
  iteration: number;
  input: string;
  error: string;
}

export interface FuzzResult {
  target: string;
  seed: number;
  iterations: number;
  accepted: number;
  rejected: number;
  findings: FuzzFinding[];
  seconds: number;
}

/** Reads the committed seed corpus of a target: a JSON array of hex strings. */
export function loadCorpus(name: string): Uint8Array[] {
  const url = new URL(`./corpus/${name}.json`, import.meta.url);
  const hex = JSON.parse(readFileSync(url, 'utf8')) as string[];
  return hex.map((h) => new Uint8Array(Buffer.from(h, 'hex')));
}

/**
 * Feeds the seeds, then `iterations` mutated inputs, to the target. Deterministic for a given
 * seed; stops collecting after 20 findings.
 */
export function fuzz(target: FuzzTarget, corpus: readonly Uint8Array[], iterations: number, seed: number): FuzzResult {
  const rng = new Prng(seed);
  const result: FuzzResult = { target: target.name, seed, iterations: 0, accepted: 0, rejected: 0, findings: [], seconds: 0 };
  const started = performance.now();
  const pool = [...corpus];
  const total = corpus.length + iterations;
  for (let i = 0; i < total && result.findings.length < 20; i++) {
    const input = i < corpus.length ? (corpus[i] as Uint8Array) : mutate(rng.pick(pool), rng, corpus);
    result.iterations++;
    try {
      target.run(input);
      result.accepted++;
      // Accepted mutants become parents too, which walks further from the seeds.
      if (i >= corpus.length && pool.length < 2000 && rng.below(8) === 0) pool.push(input);
    } catch (e) {
      if (target.expected(e)) {
        result.rejected++;
      } else {
        result.findings.push({
          target: target.name,
          seed,
          iteration: i,
          input: Buffer.from(input).toString('hex'),
          error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
        });
      }
    }
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
