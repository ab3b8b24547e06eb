/**
 * fdo.download, owner side: sends `name`, `length` (length-prefix mode) and `sha-384`, then the
 * file in `data` blocks sized to the room in each message, and waits for the device's `done`.
 */
import { DownloadMessage, FSIM_DATA_CHUNK_MAX, ModuleName, SHA384_LENGTH } from '../../constants/serviceinfo.ts';
import { fromB64, toB64 } from '../lib/b64.ts';
import { sha384Of } from '../lib/digest.ts';
import type { OwnerModuleContext, OwnerModuleHandler } from '../lib/owner-module.ts';
import { readInt } from '../lib/values.ts';
import type { DownloadPlan } from '../owner-plans.ts';
import type { ByteSource } from '../ports.ts';

interface State {
  name: string;
  source: string;
  sha: string | null;
  blockSize: number;
  length: number;
  offset: number;
  started: boolean;
  sentEmpty: boolean;
}

const MIN_BLOCK = 64;

function source(ctx: OwnerModuleContext): ByteSource {
  const src = ctx.ports.downloadSource;
  if (src === undefined) throw new TypeError('an fdo.download plan needs OwnerPorts.downloadSource');
  return src;
}

export const ownerDownloadModule: OwnerModuleHandler<DownloadPlan, State> = {
  module: ModuleName.fdo_download,
  start(plan) {
    if (typeof plan.name !== 'string' || plan.name === '') throw new TypeError('fdo.download plan: name must be a non-empty string');
    if (typeof plan.source !== 'string') throw new TypeError('fdo.download plan: source must be a string');
    if (plan.sha384 !== undefined && (!(plan.sha384 instanceof Uint8Array) || plan.sha384.length !== SHA384_LENGTH)) {
      throw new TypeError('fdo.download plan: sha384 must be 48 bytes');
    }
    const blockSize = plan.blockSize ?? FSIM_DATA_CHUNK_MAX;
    if (!Number.isSafeInteger(blockSize) || blockSize < 1) throw new TypeError('fdo.download plan: blockSize must be a positive integer');
    return {
      name: plan.name,
      source: plan.source,
      sha: plan.sha384 === undefined ? null : toB64(plan.sha384),
      blockSize,
      length: 0,
      offset: 0,
      started: false,
      sentEmpty: false,
    };
  },
  async produce(ctx, s) {
    const src = source(ctx);
    try {
      if (!s.started) {
        s.length = await src.size(s.source);
        if (s.sha === null) s.sha = toB64(await sha384Of((at, n) => src.read(s.source, at, n), s.length));
        ctx.activate();
        ctx.send(DownloadMessage.name, s.name);
        ctx.send(DownloadMessage.length, s.length);
        ctx.send(DownloadMessage.sha_384, fromB64(s.sha));
        s.started = true;
        return 'more';
      }
      if (s.offset >= s.length && s.sentEmpty) return 'idle';
      const room = Math.min(s.blockSize, ctx.blockRoom(DownloadMessage.data));
      const want = Math.min(room, s.length - s.offset);
      if (room < 1 || (want < MIN_BLOCK && want < s.length - s.offset && !ctx.messageEmpty)) return 'full';
      const block = want === 0 ? new Uint8Array(0) : await src.read(s.source, s.offset, want);
      if (block.length !== want) throw new Error('the source changed while it was read');
      ctx.send(DownloadMessage.data, block);
      s.offset += want;
      s.sentEmpty = true;
      return s.offset < s.length ? 'more' : 'idle';
    } catch (e) {
      ctx.fail('ERR_FDO_DOWNLOAD_FAILED', `reading ${s.source}: ${(e as Error).message}`);
      return 'idle';
    }
  },
  async receive(ctx, s, message, value) {
    if (message !== DownloadMessage.done) return;
    const n = readInt(value, `${ModuleName.fdo_download}:${message}`);
    if (n === -1) ctx.fail('ERR_FDO_DOWNLOAD_FAILED', `the device could not store ${s.name} (done -1)`);
    else if (n !== s.length) ctx.fail('ERR_FDO_DOWNLOAD_FAILED', `the device stored ${n} of ${s.length} bytes`);
    else ctx.complete({ name: s.name, length: n });
  },
};
