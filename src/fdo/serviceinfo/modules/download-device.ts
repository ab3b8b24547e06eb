/**
 * fdo.download, device side (fdo-sim fdo.download): the owner sends name, optionally length and
 * sha-384, then data blocks; the device writes them through a ByteSink and answers `done` with the
 * length written, or -1 when the hash does not match or the file could not be written. Without
 * `length` (streaming mode) an empty data block ends the file.
 */
import { bytesEqual } from '../../../codec/bytes.ts';
import { DownloadMessage, ModuleName, SHA384_LENGTH } from '../../constants/serviceinfo.ts';
import type { DeviceModuleContext, DeviceModuleHandler } from '../device-module.ts';
import { fromB64, toB64 } from '../lib/b64.ts';
import { sha384Of } from '../lib/digest.ts';
import { readBytes, readText, readUint } from '../lib/values.ts';
import type { ByteSink } from '../ports.ts';

export interface DeviceDownloadOptions {
  sink: ByteSink;
  /** Largest file accepted (default 1 GiB). */
  maxBytes?: number;
  maxNameBytes?: number;
}

interface State {
  name: string | null;
  length: number | null;
  sha: string | null;
  handle: string | null;
  written: number;
  /** After a failure, data is swallowed until the next `name`. */
  aborted: boolean;
}

const key = (m: string) => `${ModuleName.fdo_download}:${m}`;

export function deviceDownloadModule(options: DeviceDownloadOptions): DeviceModuleHandler<State> {
  const { sink } = options;
  const maxBytes = options.maxBytes ?? 2 ** 30;
  const maxName = options.maxNameBytes ?? 1024;

  async function reset(s: State): Promise<void> {
    const handle = s.handle;
    Object.assign(s, { name: null, length: null, sha: null, handle: null, written: 0 });
    if (handle !== null) await sink.discard(handle).catch(() => undefined);
  }

  async function fail(ctx: DeviceModuleContext, s: State): Promise<void> {
    await reset(s);
    s.aborted = true;
    ctx.send(DownloadMessage.done, -1);
  }

  async function finish(ctx: DeviceModuleContext, s: State): Promise<void> {
    const handle = s.handle!;
    try {
      if (s.sha !== null) {
        const got = await sha384Of((at, n) => sink.read(handle, at, n), s.written);
        if (!bytesEqual(got, fromB64(s.sha))) return fail(ctx, s);
      }
      await sink.commit(handle);
    } catch {
      return fail(ctx, s);
    }
    const written = s.written;
    s.handle = null;
    await reset(s);
    ctx.send(DownloadMessage.done, written);
  }

  return {
    module: ModuleName.fdo_download,
    initial: () => ({ name: null, length: null, sha: null, handle: null, written: 0, aborted: false }),
    async receive(ctx, s, message, value) {
      switch (message) {
        case DownloadMessage.name:
          await reset(s);
          s.aborted = false;
          s.name = readText(value, key(message), maxName);
          return;
        case DownloadMessage.length:
          s.length = readUint(value, key(message));
          if (s.length > maxBytes) await fail(ctx, s);
          return;
        case DownloadMessage.sha_384:
          s.sha = toB64(readBytes(value, key(message), SHA384_LENGTH));
          return;
        case DownloadMessage.data: {
          const block = readBytes(value, key(message));
          if (s.aborted) {
            if (block.length === 0) s.aborted = false;
            return;
          }
          if (s.name === null) return fail(ctx, s);
          try {
            if (s.handle === null) s.handle = await sink.create(s.name);
            if (block.length > 0) {
              if (s.written + block.length > (s.length ?? maxBytes)) return fail(ctx, s);
              await sink.append(s.handle, block);
              s.written += block.length;
            }
          } catch {
            return fail(ctx, s);
          }
          if (s.length === null ? block.length === 0 : s.written === s.length) await finish(ctx, s);
          return;
        }
        default:
          return;
      }
    },
    async deactivated(s) {
      await reset(s);
    },
  };
}
