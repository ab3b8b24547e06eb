/**
 * `npm run bench`: prints one JSON document with the machine and every measurement.
 * BENCH_SECONDS sets the time per measurement (default 1).
 */
import { cborBench } from './cbor.ts';
import { machine } from './measure.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 1);
const results = [...cborBench(seconds)];
process.stdout.write(`${JSON.stringify({ machine: machine(), results }, null, 2)}\n`);
