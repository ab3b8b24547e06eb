import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPayloadRange, uploadPayload } from '../src/lifecycle/releases/payloads.ts';
import { releaseService } from '../src/lifecycle/releases/service.ts';
import { ensureUpdateAuthority } from '../src/lifecycle/releases/update-authority.ts';
import { openStore } from '../src/store/open-store.ts';

const MIB = 1024 * 1024;

export interface ReleasePayloadResult {
  storage: 'database' | 'directory';
  megabytes: number;
  uploadMegabytesPerSecond: number;
  readMegabytesPerSecond: number;
  /** A 64 KiB range read (one or two chunks checked), milliseconds. */
  rangeReadMs: number;
}

/**
 * Payload storage on SQLite in a file: a 32 MiB upload (hashing and the read-back check included),
 * the whole payload read back in 8 MiB ranges with every chunk checked, and 64 KiB range reads,
 * for payloads kept in the database and in a directory.
 */
export async function releasePayloadsBench(): Promise<ReleasePayloadResult[]> {
  const size = 32 * MIB;
  const bytes = new Uint8Array(randomBytes(size));
  async function* pieces() {
    for (let i = 0; i < size; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
  }
  const out: ReleasePayloadResult[] = [];
  for (const storage of ['database', 'directory'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'iotopia-bench-payloads-'));
    const store = await openStore(`sqlite:${join(dir, 'bench.db')}`, { kek: new Uint8Array(32).fill(1) });
    try {
      const authority = await ensureUpdateAuthority(store);
      const config = storage === 'database' ? { kind: storage } : { kind: storage, dir: join(dir, 'payloads') };
      const s = releaseService({ store, authority, storage: config, payloadUri: (d) => d });
      let t = performance.now();
      const { payload } = await uploadPayload(s.payloads, pieces());
      const upload = (performance.now() - t) / 1000;
      t = performance.now();
      for (let at = 0; at < size; at += 8 * MIB) await readPayloadRange(s.payloads, payload.digest, at, at + 8 * MIB - 1);
      const read = (performance.now() - t) / 1000;
      t = performance.now();
      for (let i = 0; i < 200; i++) await readPayloadRange(s.payloads, payload.digest, i * 100_000, i * 100_000 + 64 * 1024 - 1);
      const range = (performance.now() - t) / 200;
      const mb = size / 1e6;
      out.push({
        storage,
        megabytes: Math.round(mb),
        uploadMegabytesPerSecond: Math.round(mb / upload),
        readMegabytesPerSecond: Math.round(mb / read),
        rangeReadMs: Math.round(range * 100) / 100,
      });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}
