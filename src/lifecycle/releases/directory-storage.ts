/**
 * Payloads as files in a directory, one per payload, named by blob id. A file is written as
 * `<id>.part` and renamed when complete, so a reader never sees a partial payload under its name.
 */
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PayloadStorage } from './payload-storage.ts';

const BLOB_ID = /^[0-9a-f-]{36}$/;
/** A payload file or one still being written; anything else in the directory is not ours. */
const FILE_NAME = /^([0-9a-f-]{36})(?:\.part)?$/;

function pathOf(dir: string, blobId: string): string {
  if (!BLOB_ID.test(blobId)) throw new TypeError('a blob id is a UUID');
  return join(dir, blobId);
}

export function directoryPayloadStorage(dir: string): PayloadStorage {
  return {
    location: 'directory',
    async open(blobId) {
      const final = pathOf(dir, blobId);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const part = `${final}.part`;
      const file = await open(part, 'wx', 0o600);
      let closed = false;
      const close = async () => {
        if (!closed) await file.close();
        closed = true;
      };
      return {
        async write(_index, chunk) {
          await file.write(chunk);
        },
        async commit() {
          await file.sync();
          await close();
          await rename(part, final);
        },
        async abort() {
          await close();
          await rm(part, { force: true });
        },
      };
    },
    async readChunk(blobId, _index, offset, length) {
      let file: Awaited<ReturnType<typeof open>>;
      try {
        file = await open(pathOf(dir, blobId), 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
      try {
        const out = new Uint8Array(length);
        const { bytesRead } = await file.read(out, 0, length, offset);
        return bytesRead === length ? out : undefined;
      } finally {
        await file.close();
      }
    },
    async remove(blobId) {
      const path = pathOf(dir, blobId);
      await rm(path, { force: true });
      await rm(`${path}.part`, { force: true });
    },
    async blobsBefore(before, limit) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
      const ids = new Set<string>();
      for (const name of names.sort()) {
        const id = FILE_NAME.exec(name)?.[1];
        if (id === undefined || ids.size >= limit) continue;
        const s = await stat(join(dir, name)).catch(() => undefined);
        if (s !== undefined && s.mtimeMs < before.getTime()) ids.add(id);
      }
      return [...ids];
    },
  };
}
