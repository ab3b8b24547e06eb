/**
 * The update routes of the device API as the agent uses them: an action's envelope, payload
 * downloads that resume with a single HTTP Range from a partial file (left by an earlier run or by
 * a connection cut mid-body, whose bytes are kept), and feedback. Every download
 * is bounded and a payload is checked against the SHA-256 its URI names before use.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManagementProvision } from '../fdo/serviceinfo/ports.ts';
import { DeviceApiError } from './device-api-client.ts';

/** The largest envelope fetched, bytes. */
export const MAX_ENVELOPE_BYTES = 256 * 1024;
/** The largest payload fetched, bytes. */
export const MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;
/** Connections cut mid-download that one download resumes from (each must have brought bytes). */
export const MAX_RESUMES = 20;

export interface UpdateClient {
  envelope(envelopeUrl: string): Promise<Uint8Array>;
  /**
   * A payload by URI (…/artifacts/<sha-256>): `<dir>/<sha-256>` when an earlier run downloaded it
   * (and it still matches), else fetched, resumed from `<dir>/<sha-256>.part`.
   */
  artifact(uri: string): Promise<Uint8Array>;
  /** Accepts the action; resolves false when the server says it awaits no confirmation (confirmed before). */
  confirm(actionId: string): Promise<boolean>;
  feedback(actionId: string, body: { status: string; reason?: string; report?: string; sequenceNumber?: number }): Promise<void>;
}

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const bearer = (p: ManagementProvision) => (p.credential.type === 'bearer' ? p.credential.token : '');

async function refusal(r: Response): Promise<DeviceApiError> {
  const text = await r.text().catch(() => '');
  let code = 'ERR_DEVICE_API_REFUSED';
  try {
    const p = JSON.parse(text) as { code?: unknown };
    if (typeof p.code === 'string') code = p.code;
  } catch {}
  return new DeviceApiError(code, `${r.url}: status ${r.status}`, r.status);
}

async function bounded(r: Response, max: number): Promise<Uint8Array> {
  if (Number(r.headers.get('content-length') ?? '0') > max)
    throw new DeviceApiError('ERR_DEVICE_API_ANSWER', `${r.url}: over ${max} bytes`, r.status);
  const b = new Uint8Array(await r.arrayBuffer());
  if (b.length > max) throw new DeviceApiError('ERR_DEVICE_API_ANSWER', `${r.url}: over ${max} bytes`, r.status);
  return b;
}

/** Reads a body up to `max` bytes; a connection cut mid-body returns what arrived and the error. */
async function streamed(r: Response, max: number): Promise<{ got: Uint8Array; cut?: DeviceApiError }> {
  if (Number(r.headers.get('content-length') ?? '0') > max)
    throw new DeviceApiError('ERR_DEVICE_API_ANSWER', `${r.url}: over ${max} bytes`, r.status);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of r.body ?? []) {
      size += chunk.length;
      if (size > max) throw new DeviceApiError('ERR_DEVICE_API_ANSWER', `${r.url}: over ${max} bytes`, r.status);
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof DeviceApiError) throw e;
    const cut = new DeviceApiError('ERR_DEVICE_API_UNREACHABLE', `${r.url}: ${(e as Error).message}`, 0);
    return { got: new Uint8Array(Buffer.concat(chunks)), cut };
  }
  return { got: new Uint8Array(Buffer.concat(chunks)) };
}

async function readPart(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch {
    return new Uint8Array();
  }
}

export function updateClient(provision: ManagementProvision, downloadDir: string, fetcher: typeof fetch = fetch): UpdateClient {
  const headers = (more: Record<string, string> = {}) => ({ authorization: `Bearer ${bearer(provision)}`, ...more });
  const resolveUrl = (u: string) => new URL(u, provision.endpoint).toString();
  const call = async (url: string, init: RequestInit) => {
    try {
      return await fetcher(resolveUrl(url), { ...init, signal: AbortSignal.timeout(60_000) });
    } catch (e) {
      throw new DeviceApiError('ERR_DEVICE_API_UNREACHABLE', `${url}: ${(e as Error).message}`, 0);
    }
  };
  return {
    async envelope(url) {
      const r = await call(url, { headers: headers() });
      if (!r.ok) throw await refusal(r);
      return bounded(r, MAX_ENVELOPE_BYTES);
    },
    async artifact(uri) {
      const digest = new URL(uri, provision.endpoint).pathname.split('/').at(-1) ?? '';
      if (!/^[0-9a-f]{64}$/.test(digest)) throw new DeviceApiError('ERR_DEVICE_API_ANSWER', `${uri} names no SHA-256`, 0);
      await mkdir(downloadDir, { recursive: true });
      const kept = await readPart(join(downloadDir, digest));
      if (kept.length > 0 && sha256Hex(kept) === digest) return kept;
      const part = join(downloadDir, `${digest}.part`);
      let have = await readPart(part);
      let cuts = 0;
      for (;;) {
        const r = await call(uri, { headers: headers(have.length > 0 ? { range: `bytes=${have.length}-` } : {}) });
        if (r.status === 416) {
          await rm(part, { force: true });
          have = new Uint8Array();
          continue;
        }
        if (!r.ok) throw await refusal(r);
        const before = r.status === 206 ? have : new Uint8Array();
        const { got, cut } = await streamed(r, MAX_DOWNLOAD_BYTES - before.length);
        const total = Number(/\/(\d+)$/.exec(r.headers.get('content-range') ?? '')?.[1] ?? r.headers.get('content-length') ?? got.length);
        have = new Uint8Array(Buffer.concat([before, got]));
        await writeFile(part, have);
        if (cut !== undefined) {
          // A connection cut mid-body keeps what arrived; the next request asks for the rest.
          if (got.length === 0 || ++cuts > MAX_RESUMES) throw cut;
          continue;
        }
        if (have.length >= total) break;
      }
      if (sha256Hex(have) !== digest) {
        await rm(part, { force: true });
        throw new DeviceApiError('ERR_DEVICE_API_ANSWER', `payload ${digest} does not match its digest`, 0);
      }
      await rename(part, join(downloadDir, digest));
      return have;
    },
    async confirm(actionId) {
      const r = await call(`${provision.endpoint.replace(/\/+$/, '')}/actions/${encodeURIComponent(actionId)}/confirm`, {
        method: 'POST',
        headers: headers({ 'content-type': 'application/json' }),
        body: JSON.stringify({ accept: true }),
      });
      if (r.status === 409) return false;
      if (!r.ok) throw await refusal(r);
      return true;
    },
    async feedback(actionId, body) {
      const r = await call(`${provision.endpoint.replace(/\/+$/, '')}/actions/${encodeURIComponent(actionId)}/feedback`, {
        method: 'POST',
        headers: headers({ 'content-type': 'application/json' }),
        body: JSON.stringify(body),
      });
      if (!r.ok) throw await refusal(r);
    },
  };
}
