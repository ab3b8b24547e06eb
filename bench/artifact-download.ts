/**
 * Artifact download throughput: a 64 MiB payload (8 MiB when BENCH_SECONDS is below 0.5) through `GET /device/v1/artifacts/{sha256}` over
 * HTTP on loopback, with the payload kept in the database (SQLite file) and in a directory, next to
 * a plain Node http server streaming the same bytes from a file. The client is curl in its own
 * process, fetching the whole payload in as few requests as the server allows (one request, or
 * consecutive Range requests on one connection when the server caps a response), ROUNDS times.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { campaignService } from '../src/lifecycle/campaigns/service.ts';
import { deviceCredentials } from '../src/lifecycle/device-credentials.ts';
import { moveDevice } from '../src/lifecycle/device-states.ts';
import { databasePayloadStorage } from '../src/lifecycle/releases/database-storage.ts';
import { directoryPayloadStorage } from '../src/lifecycle/releases/directory-storage.ts';
import { type PayloadDeps, uploadPayload } from '../src/lifecycle/releases/payloads.ts';
import { createApp } from '../src/server/app.ts';
import { openStore } from '../src/store/open-store.ts';

const MIB = 1024 * 1024;
const ROUNDS = 3;
const GUID = new Uint8Array(16).fill(0xa7);
// Asynchronous: the servers measured run in this process.
const curl = async (args: string[]): Promise<string> => (await promisify(execFile)('curl', args, { encoding: 'utf8' })).stdout;

/** The byte ranges a client asks for to get `size` bytes when a response carries at most `cap`. */
function ranges(size: number, cap: number | undefined): (string | undefined)[] {
  if (cap === undefined) return [undefined];
  const out: string[] = [];
  for (let at = 0; at < size; at += cap) out.push(`${at}-${Math.min(size, at + cap) - 1}`);
  return out;
}

/** curl fetching `url` (one request per range, one connection), ROUNDS times: MB/s of the best round. */
async function download(
  url: string,
  headers: string[],
  parts: (string | undefined)[],
): Promise<{ megabytesPerSecond: number; bytes: number }> {
  let best = Number.POSITIVE_INFINITY;
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const args: string[] = [];
    parts.forEach((r, i) => {
      if (i > 0) args.push('--next');
      args.push('-s', '-o', '/dev/null', '-w', '%{size_download}\\n', ...headers.flatMap((h) => ['-H', h]));
      if (r !== undefined) args.push('-r', r);
      args.push(url);
    });
    const t = performance.now();
    const out = await curl(args);
    best = Math.min(best, (performance.now() - t) / 1000);
    bytes = out
      .trim()
      .split('\n')
      .reduce((n, l) => n + Number(l), 0);
  }
  return { megabytesPerSecond: Math.round(bytes / 1e6 / best), bytes };
}

const listen = (s: Server): Promise<number> =>
  new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));

export async function artifactDownloadBench(seconds: number, o: { rangeCap?: number } = {}) {
  // A smoke run (BENCH_SECONDS below 0.5) moves 8 MiB.
  const SIZE = (seconds < 0.5 ? 8 : 64) * MIB;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-bench-artifact-'));
  const bytes = new Uint8Array(randomBytes(SIZE));
  const digest = createHash('sha256').update(bytes).digest('hex');
  const file = join(dir, 'payload.bin');
  writeFileSync(file, bytes);
  const plain = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': SIZE });
    createReadStream(file).pipe(res);
  });
  const results: Record<string, unknown>[] = [];
  try {
    const port = await listen(plain);
    const node = await download(`http://127.0.0.1:${port}/payload.bin`, [], [undefined]);
    results.push({ name: 'plain Node http server, file stream', ...node });
    for (const kind of ['database', 'directory'] as const) {
      const store = await openStore({ path: join(dir, `${kind}.sqlite`) }, { kek: new Uint8Array(randomBytes(32)) });
      try {
        const storage = kind === 'database' ? databasePayloadStorage(store.payloads) : directoryPayloadStorage(join(dir, 'payloads'));
        const payloads: PayloadDeps = { payloads: store.payloads, storage, maxBytes: 2 * SIZE };
        await uploadPayload(
          payloads,
          (async function* () {
            for (let i = 0; i < SIZE; i += MIB) yield bytes.subarray(i, i + MIB);
          })(),
        );
        await store.releases.create({
          id: 'r1',
          model: 'm',
          version: '1',
          sequenceNumber: 1,
          components: [{ id: 'firmware', digest, size: SIZE }],
          envelope: Uint8Array.of(0xd8, 0x6b, 0xa0),
          state: 'published',
          origin: 'signed',
        });
        await store.transaction((r) => moveDevice(r, GUID, 'onboarded', { replacementGuid: GUID }));
        const credentials = deviceCredentials({ store });
        const token = await credentials.mint(GUID, { pending: false });
        const svc = campaignService({ store });
        const c = await svc.create(
          { name: 'bench', releaseId: 'r1', targetGuids: [Buffer.from(GUID).toString('hex')], waves: [{ percent: 100 }] },
          'bench',
        );
        await svc.start(c.id, 'bench');
        const app = createApp({ deviceApi: { store, credentials, payloads, limits: { requestsPerMinute: 0, failedLoginsPerMinute: 0 } } });
        const auth = `authorization: Bearer ${token}`;
        await app.listen({ host: '127.0.0.1', port: 0 });
        try {
          const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/device/v1`;
          await curl(['-s', '-o', '/dev/null', '-H', auth, `${base}/poll`]);
          const r = await download(`${base}/artifacts/${digest}`, [auth], ranges(SIZE, o.rangeCap));
          results.push({ name: `device API, ${kind} storage`, ...r, requests: ranges(SIZE, o.rangeCap).length });
        } finally {
          await app.close();
        }
      } finally {
        await store.close();
      }
    }
  } finally {
    plain.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const base = (results[0]?.megabytesPerSecond as number) || 1;
  return {
    megabytes: Math.round(SIZE / 1e6),
    rounds: ROUNDS,
    results: results.map((r) => ({ ...r, ratioToPlain: Math.round(((r.megabytesPerSecond as number) / base) * 100) / 100 })),
  };
}
