/**
 * The owner server's ServiceInfo ports: download bytes from inline data in the settings or from
 * files in the ServiceInfo directory, uploads into `<upload dir>/<GUID hex>/`. Both work from the
 * references alone (no per-process handles), so any replica that shares the directories can serve
 * the next message of a session.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { IotopiaError } from '../errors.ts';
import type { ByteSink, ByteSource, OwnerPorts } from '../fdo/serviceinfo/ports.ts';
import { appendToPartFile, createPartFile, readFileRange } from '../platform/part-files.ts';
import type { Store } from '../store/store.ts';
import { checkFilePath, parseServiceInfoEntries } from './serviceinfo-plans.ts';

export class OwnerServiceInfoError extends IotopiaError {}

export interface OwnerServiceInfoPortsOptions {
  store: Store;
  /** Where `file` download sources live; without it only inline data can be sent. */
  serviceInfoDir?: string;
  /** Where uploads from devices are stored. */
  uploadDir: string;
  /** Decoded inline data kept in memory across messages (default 32 MiB). */
  cacheBytes?: number;
}

const INLINE = /^setting:([^:]+):([^:]+):(\d{1,4}):([0-9a-f]{64})$/;
const HANDLE = /^([0-9a-f]{32})\/\.(.+)\.([0-9a-f]{16})\.part$/;
const TARGET = /^([0-9a-f]{32})\/([^/\\\0]+)$/;

export function ownerServiceInfoPorts(o: OwnerServiceInfoPortsOptions): OwnerPorts {
  const cacheMax = o.cacheBytes ?? 32 * 1024 * 1024;
  const cache = new Map<string, Uint8Array>();
  let cached = 0;

  async function inline(ref: string, m: RegExpExecArray): Promise<Uint8Array> {
    const hit = cache.get(ref);
    if (hit !== undefined) return hit;
    const [, scope, key, index, hash] = m as unknown as [string, string, string, string, string];
    const value = (await o.store.settings.get(scope, key)) as { plans?: unknown } | undefined;
    const entry = value === undefined ? undefined : parseServiceInfoEntries(value.plans, `${scope}/${key}`)[Number(index)];
    const data = entry !== undefined && 'data' in entry ? new Uint8Array(Buffer.from(entry.data, 'base64')) : undefined;
    if (data === undefined || createHash('sha256').update(data).digest('hex') !== hash) {
      throw new OwnerServiceInfoError('ERR_OWNER_SERVICEINFO_CHANGED', `the ServiceInfo setting ${scope}/${key} changed during onboarding`);
    }
    // Oldest first out; one entry larger than the cache is served without being kept.
    if (data.length <= cacheMax) {
      for (const [k, v] of cache) {
        if (cached + data.length <= cacheMax) break;
        cache.delete(k);
        cached -= v.length;
      }
      cache.set(ref, data);
      cached += data.length;
    }
    return data;
  }

  async function file(ref: string): Promise<string> {
    if (o.serviceInfoDir === undefined)
      throw new OwnerServiceInfoError('ERR_OWNER_SERVICEINFO_SOURCE', 'no ServiceInfo directory is configured');
    const path = ref.slice('file:'.length);
    try {
      checkFilePath(path, 'file');
    } catch {
      throw new OwnerServiceInfoError('ERR_OWNER_SERVICEINFO_SOURCE', `${path} is not a relative path inside the ServiceInfo directory`);
    }
    // Symbolic links may not lead out of the directory either.
    const [root, real] = await Promise.all([realpath(o.serviceInfoDir), realpath(join(o.serviceInfoDir, path))]).catch(() => {
      throw new OwnerServiceInfoError('ERR_OWNER_SERVICEINFO_SOURCE', `no file ${path} in the ServiceInfo directory`);
    });
    if (!real.startsWith(root + sep))
      throw new OwnerServiceInfoError('ERR_OWNER_SERVICEINFO_SOURCE', `${path} leads out of the ServiceInfo directory`);
    if (!(await stat(real)).isFile()) throw new OwnerServiceInfoError('ERR_OWNER_SERVICEINFO_SOURCE', `${path} is not a file`);
    return real;
  }

  const downloadSource: ByteSource = {
    async size(ref) {
      const m = INLINE.exec(ref);
      if (m !== null) return (await inline(ref, m)).length;
      if (ref.startsWith('file:')) return (await stat(await file(ref))).size;
      throw new OwnerServiceInfoError('ERR_OWNER_SERVICEINFO_SOURCE', `unknown download source ${ref}`);
    },
    async read(ref, offset, length) {
      const m = INLINE.exec(ref);
      if (m !== null) return (await inline(ref, m)).subarray(offset, offset + length);
      if (ref.startsWith('file:')) return readFileRange(await file(ref), offset, length);
      throw new OwnerServiceInfoError('ERR_OWNER_SERVICEINFO_SOURCE', `unknown download source ${ref}`);
    },
  };

  const handlePath = (handle: string) => {
    const m = HANDLE.exec(handle);
    if (m === null) throw new OwnerServiceInfoError('ERR_OWNER_SERVICEINFO_SOURCE', 'unknown upload handle');
    return { temp: join(o.uploadDir, handle), final: join(o.uploadDir, m[1] as string, m[2] as string) };
  };

  const uploadSink: ByteSink = {
    async create(name) {
      const m = TARGET.exec(name);
      if (m === null || m[2] === '.' || m[2] === '..')
        throw new OwnerServiceInfoError('ERR_OWNER_SERVICEINFO_SOURCE', `upload target ${name} is not <GUID>/<file>`);
      await mkdir(join(o.uploadDir, m[1] as string), { recursive: true, mode: 0o700 });
      // Uploads are the devices' data: their directories are 0700 whatever the umask.
      for (const dir of [o.uploadDir, join(o.uploadDir, m[1] as string)]) await chmod(dir, 0o700);
      const handle = `${m[1]}/.${m[2]}.${randomBytes(8).toString('hex')}.part`;
      await createPartFile(join(o.uploadDir, handle));
      return handle;
    },
    append: (handle, bytes) => appendToPartFile(handlePath(handle).temp, bytes),
    read: (handle, offset, length) => readFileRange(handlePath(handle).temp, offset, length),
    async commit(handle) {
      const p = handlePath(handle);
      await rename(p.temp, p.final);
    },
    async discard(handle) {
      await rm(handlePath(handle).temp, { force: true });
    },
  };

  return { downloadSource, uploadSink };
}
