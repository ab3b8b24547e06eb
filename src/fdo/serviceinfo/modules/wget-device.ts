/**
 * fdo.wget, device side (fdo-sim fdo.wget): `sha-384` and `name` are optional and come before
 * `url`, which makes the device fetch the file itself through the injected HTTP port, write it
 * through a ByteSink and answer `done` with the length, or `error` with a reason (a failed fetch,
 * a bad URL, a hash that does not match). Without `name` the file is named after the URL's last
 * path segment.
 */
import { createHash } from 'node:crypto';
import { bytesEqual } from '../../../codec/bytes.ts';
import { ModuleName, SHA384_LENGTH, WgetMessage } from '../../constants/serviceinfo.ts';
import type { DeviceModuleHandler } from '../device-module.ts';
import { fromB64, toB64 } from '../lib/b64.ts';
import { readBytes, readText } from '../lib/values.ts';
import type { ByteSink, HttpFetch } from '../ports.ts';

export interface DeviceWgetOptions {
  fetch: HttpFetch;
  sink: ByteSink;
  /** Largest file accepted (default 1 GiB). */
  maxBytes?: number;
  /** URL schemes the device fetches (default http and https; the module requires http). */
  schemes?: readonly string[];
}

interface State {
  sha: string | null;
  name: string | null;
}

const key = (m: string) => `${ModuleName.fdo_wget}:${m}`;

function lastSegment(url: URL): string {
  const raw = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function deviceWgetModule(options: DeviceWgetOptions): DeviceModuleHandler<State> {
  const { fetch, sink } = options;
  const maxBytes = options.maxBytes ?? 2 ** 30;
  const schemes = options.schemes ?? ['http:', 'https:'];

  async function get(url: string, name: string, sha: Uint8Array | null): Promise<number> {
    const response = await fetch.get(url);
    if (response.status !== 200) throw new Error(`HTTP status ${response.status}`);
    const handle = await sink.create(name);
    try {
      const hash = createHash('sha384');
      let n = 0;
      for await (const piece of response.body) {
        n += piece.length;
        if (n > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
        hash.update(piece);
        await sink.append(handle, piece);
      }
      if (sha !== null && !bytesEqual(new Uint8Array(hash.digest()), sha)) throw new Error('SHA-384 does not match');
      await sink.commit(handle);
      return n;
    } catch (e) {
      await sink.discard(handle).catch(() => undefined);
      throw e;
    }
  }

  return {
    module: ModuleName.fdo_wget,
    initial: () => ({ sha: null, name: null }),
    async receive(ctx, s, message, value) {
      switch (message) {
        case WgetMessage.sha_384:
          s.sha = toB64(readBytes(value, key(message), SHA384_LENGTH));
          return;
        case WgetMessage.name:
          s.name = readText(value, key(message), 1024);
          return;
        case WgetMessage.url: {
          const text = readText(value, key(message), 4096);
          const { sha, name } = s;
          Object.assign(s, { sha: null, name: null });
          let url: URL;
          try {
            url = new URL(text);
          } catch {
            ctx.send(WgetMessage.error, 'the URL does not parse');
            return;
          }
          if (!schemes.includes(url.protocol)) {
            ctx.send(WgetMessage.error, `the URL scheme ${url.protocol} is not supported`);
            return;
          }
          const target = name ?? lastSegment(url);
          if (target === '') {
            ctx.send(WgetMessage.error, 'no file name: the URL path is empty and no name was sent');
            return;
          }
          try {
            ctx.send(WgetMessage.done, await get(url.href, target, sha === null ? null : fromB64(sha)));
          } catch (e) {
            ctx.send(WgetMessage.error, `${(e as Error).message ?? 'failed'}`.slice(0, 256));
          }
          return;
        }
        default:
          return;
      }
    },
  };
}
