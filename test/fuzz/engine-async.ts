import { Prng } from '../helpers/random.ts';
import type { FuzzResult } from './engine.ts';
import { mutate } from './mutate.ts';

/** A target whose run is asynchronous (e.g. the SUIT processor, which awaits its device). */
export interface AsyncFuzzTarget {
  name: string;
  run(input: Uint8Array): Promise<void>;
  expected(error: unknown): boolean;
}

/** As `fuzz` (engine.ts), awaiting each run; deterministic for a seed, stops after 20 findings. */
export async function fuzzAsync(
  target: AsyncFuzzTarget,
  corpus: readonly Uint8Array[],
  iterations: number,
  seed: number,
): Promise<FuzzResult> {
  const rng = new Prng(seed);
  const result: FuzzResult = { target: target.name, seed, iterations: 0, accepted: 0, rejected: 0, findings: [], seconds: 0 };
  const started = performance.now();
  const pool = [...corpus];
  const total = corpus.length + iterations;
  for (let i = 0; i < total && result.findings.length < 20; i++) {
    const input = i < corpus.length ? (corpus[i] as Uint8Array) : mutate(rng.pick(pool), rng, corpus);
    result.iterations++;
    try {
      await target.run(input);
      result.accepted++;
      if (i >= corpus.length && pool.length < 2000 && rng.below(8) === 0) pool.push(input);
    } catch (e) {
      if (target.expected(e)) result.rejected++;
      else
        result.findings.push({
          target: target.name,
          seed,
          iteration: i,
          input: Buffer.from(input).toString('hex'),
          error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
        });
    }
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
