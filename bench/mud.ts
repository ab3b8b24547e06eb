/**
 * MUD validation throughput: files validated per second (parse + strict validation + typed model)
 * for a generated file of 200 ACEs, and (lenient) for the largest MUD file in the shared vectors
 * when they are present; each beside `JSON.parse` of the same text in the same run, and the ratio
 * of the two (validation / JSON.parse throughput).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MudBuilder } from '../src/mud/author/builder.ts';
import { parseMud } from '../src/mud/validate/parse-mud.ts';
import { vectorPath } from '../test/helpers/vectors.ts';
import { interleavedRatio, type Measurement, measure } from './measure.ts';

interface MudBenchCase {
  file: string;
  bytes: number;
  aces: number;
  lenient: boolean;
  measurement: Measurement;
  jsonParse: Measurement;
  /** Files validated per second over files JSON.parse reads per second. */
  ratioToJsonParse: number;
  /** The same ratio timed in alternating batches (steadier on a shared machine). */
  ratioToJsonParseInterleaved: number;
}

/** 50 flows over IPv4 and IPv6, each an ACE from and to the device: 200 ACEs. */
export function generatedMudFile(): string {
  const b = new MudBuilder({
    mudUrl: 'https://bench.example/mud/hub.json',
    lastUpdate: '2026-12-01T00:00:00+00:00',
    mfgName: 'Bench',
    modelName: 'Hub 200',
    documentation: 'https://bench.example/hub',
  });
  for (let i = 0; i < 30; i++)
    b.allow({ kind: 'domain', name: `svc${i}.cloud.bench.example` }, { protocol: i % 3 === 0 ? 'udp' : 'tcp', port: 443 + i });
  for (let i = 0; i < 8; i++) b.allow({ kind: 'local-networks' }, { protocol: 'tcp', port: 8000 + i, initiatedBy: 'peer' });
  for (let i = 0; i < 6; i++) b.allow({ kind: 'controller', uri: `urn:ietf:params:mud:svc${i}` }, { protocol: 'udp', port: 5000 + i });
  for (let i = 0; i < 3; i++) b.allow({ kind: 'same-manufacturer' }, { protocol: 'tcp', port: 9000 + i });
  for (let i = 0; i < 3; i++) b.allow({ kind: 'my-controller' }, { protocol: 'tcp', port: 8883 + i });
  return JSON.stringify(b.build().json, null, 2);
}

function largestVector(): string | undefined {
  const root = vectorPath('mud');
  if (root === undefined) return undefined;
  const candidates = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json') && !/sdnmud-config|controllerclass|device-association|cpenodes/.test(f))
    .map((f) => join(root, f));
  candidates.sort((a, b) => statSync(b).size - statSync(a).size);
  return candidates[0];
}

function run(file: string, text: string, lenient: boolean, seconds: number): MudBenchCase {
  const first = parseMud(text, { lenient });
  if (first.mud === undefined) throw new Error(`bench: ${file} does not validate: ${first.errors[0]?.reason}`);
  const aces = first.mud.acls.reduce((n, a) => n + a.aces.length, 0);
  const measurement = measure(
    `mud validate ${lenient ? 'lenient' : 'strict'} (${aces} ACEs)`,
    () => parseMud(text, { lenient }),
    seconds,
    4,
  );
  const jsonParse = measure(`JSON.parse (same ${aces} ACEs)`, () => JSON.parse(text), seconds, 4);
  const ratioToJsonParse = Number((measurement.opsPerSec / jsonParse.opsPerSec).toFixed(3));
  const ratioToJsonParseInterleaved = interleavedRatio(
    () => parseMud(text, { lenient }),
    () => JSON.parse(text),
    seconds,
    2,
  );
  return { file, bytes: Buffer.byteLength(text), aces, lenient, measurement, jsonParse, ratioToJsonParse, ratioToJsonParseInterleaved };
}

export function mudBench(seconds: number): MudBenchCase[] {
  const out = [run('generated (MudBuilder)', generatedMudFile(), false, seconds)];
  const v = largestVector();
  if (v !== undefined) out.push(run(relative(join(vectorPath('mud') as string, '..'), v), readFileSync(v, 'utf8'), true, seconds));
  return out;
}
