/**
 * fdo.upload, device side (fdo-sim fdo.upload): on `name` the device reads the file through a
 * ByteSource and sends `length`, `data` blocks sized to the room left in each message, then `sha-384`
 * when the owner asked for it with `need-sha` (which holds for later uploads too). A file that cannot
 * be read is answered with `error` (text), IoTopia's addition, as fdo.wget does.
 */
import { FSIM_DATA_CHUNK_MAX, ModuleName, UploadMessage } from '../../constants/serviceinfo.ts';
import type { DeviceModuleHandler } from '../device-module.ts';
import { sha384Of } from '../lib/digest.ts';
import { readBool, readText } from '../lib/values.ts';
import type { ByteSource } from '../ports.ts';

export interface DeviceUploadOptions {
  source: ByteSource;
  maxNameBytes?: number;
  /** Largest data block (default 1014, as the module specifies). */
  blockSize?: number;
}

interface State {
  needSha: boolean;
  name: string | null;
  length: number;
  offset: number;
  /** Whether the empty block of a zero-length file has gone out. */
  sentEmpty: boolean;
}

const key = (m: string) => `${ModuleName.fdo_upload}:${m}`;
// A block smaller than this waits for a fresh message rather than filling a corner of this one.
const MIN_BLOCK = 64;

export function deviceUploadModule(options: DeviceUploadOptions): DeviceModuleHandler<State> {
  const { source } = options;
  const maxName = options.maxNameBytes ?? 1024;
  const blockMax = options.blockSize ?? FSIM_DATA_CHUNK_MAX;
  const stop = (s: State) => Object.assign(s, { name: null, length: 0, offset: 0, sentEmpty: false });

  return {
    module: ModuleName.fdo_upload,
    initial: () => ({ needSha: false, name: null, length: 0, offset: 0, sentEmpty: false }),
    async receive(ctx, s, message, value) {
      if (message === UploadMessage.need_sha) {
        s.needSha = readBool(value, key(message));
        return;
      }
      if (message !== UploadMessage.name) return;
      const name = readText(value, key(message), maxName);
      stop(s);
      try {
        s.length = await source.size(name);
      } catch (e) {
        ctx.send(UploadMessage.error, `cannot read ${name}: ${(e as Error).message ?? 'error'}`.slice(0, 256));
        return;
      }
      s.name = name;
      ctx.send(UploadMessage.length, s.length);
    },
    async produce(ctx, s) {
      if (s.name === null) return 'idle';
      const name = s.name;
      try {
        if (s.offset < s.length || (s.length === 0 && !s.sentEmpty)) {
          const room = Math.min(blockMax, ctx.blockRoom(UploadMessage.data));
          const want = Math.min(room, s.length - s.offset);
          if (room < 1 || (want < MIN_BLOCK && want < s.length - s.offset && !ctx.messageEmpty)) return 'full';
          const block = want === 0 ? new Uint8Array(0) : await source.read(name, s.offset, want);
          if (block.length !== want) throw new Error('the file changed while it was read');
          ctx.send(UploadMessage.data, block);
          s.offset += want;
          s.sentEmpty = true;
          if (s.offset < s.length) return 'more';
        }
        if (s.needSha) ctx.send(UploadMessage.sha_384, await sha384Of((at, n) => source.read(name, at, n), s.length));
      } catch (e) {
        ctx.send(UploadMessage.error, `cannot read ${name}: ${(e as Error).message ?? 'error'}`.slice(0, 256));
      }
      stop(s);
      return 'more';
    },
  };
}
