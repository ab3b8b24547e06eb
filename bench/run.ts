/**
 * `npm run bench`: prints one JSON document with the machine and every measurement.
 * BENCH_SECONDS sets the time per measurement (default 1).
 */
import { cborBench } from './cbor.ts';
import { coseBench } from './cose.ts';
import { fdoBench } from './fdo.ts';
import { machine } from './measure.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 1);
const cose = coseBench(seconds);
const results = [...cborBench(seconds), ...cose.results];
const fdo = await fdoBench(seconds);
process.stdout.write(`${JSON.stringify({ machine: machine(), results, ratios: cose.ratios, fdo }, null, 2)}\n`);
