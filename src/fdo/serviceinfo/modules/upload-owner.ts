/**
 * fdo.upload, owner side: asks for the device file `name` (with `need-sha`), stores the `length`-
 * prefixed `data` through OwnerPorts.uploadSink, checks the `sha-384` by reading the stored bytes
 * back, and commits the file only when everything matches.
 */
import { bytesEqual } from '../../../codec/bytes.ts';
import { ModuleName, SHA384_LENGTH, UploadMessage } from '../../constants/serviceinfo.ts';
import { toB64 } from '../lib/b64.ts';
import { sha384Of } from '../lib/digest.ts';
import type { OwnerModuleContext, OwnerModuleHandler } from '../lib/owner-module.ts';
import { readBytes, readText, readUint } from '../lib/values.ts';
import type { UploadPlan } from '../owner-plans.ts';
import type { ByteSink } from '../ports.ts';

interface State {
  name: string;
  target: string;
  needSha: boolean;
  maxBytes: number;
  requested: boolean;
  length: number | null;
  received: number;
  handle: string | null;
}

const key = (m: string) => `${ModuleName.fdo_upload}:${m}`;

function sink(ctx: OwnerModuleContext): ByteSink {
  const s = ctx.ports.uploadSink;
  if (s === undefined) throw new TypeError('an fdo.upload plan needs OwnerPorts.uploadSink');
  return s;
}

async function abandon(ctx: OwnerModuleContext, s: State, reason: string): Promise<void> {
  if (s.handle !== null)
    await sink(ctx)
      .discard(s.handle)
      .catch(() => undefined);
  s.handle = null;
  ctx.fail('ERR_FDO_UPLOAD_FAILED', reason);
}

async function finish(ctx: OwnerModuleContext, s: State, sha: Uint8Array | null): Promise<void> {
  const out = sink(ctx);
  const handle = s.handle!;
  try {
    const got = await sha384Of((at, n) => out.read(handle, at, n), s.received);
    if (sha !== null && !bytesEqual(got, sha)) return abandon(ctx, s, `the SHA-384 of ${s.name} does not match`);
    await out.commit(handle);
    s.handle = null;
    ctx.complete({ name: s.name, target: s.target, length: s.received, sha384: toB64(got) });
  } catch (e) {
    await abandon(ctx, s, `storing ${s.name}: ${(e as Error).message}`);
  }
}

export const ownerUploadModule: OwnerModuleHandler<UploadPlan, State> = {
  module: ModuleName.fdo_upload,
  start(plan) {
    if (typeof plan.name !== 'string' || plan.name === '') throw new TypeError('fdo.upload plan: name must be a non-empty string');
    if (typeof plan.target !== 'string' || plan.target === '') throw new TypeError('fdo.upload plan: target must be a non-empty string');
    const maxBytes = plan.maxBytes ?? 64 * 1024 * 1024;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new TypeError('fdo.upload plan: maxBytes must be a non-negative integer');
    return {
      name: plan.name,
      target: plan.target,
      needSha: plan.needSha ?? true,
      maxBytes,
      requested: false,
      length: null,
      received: 0,
      handle: null,
    };
  },
  async produce(ctx, s) {
    if (s.requested) return 'idle';
    ctx.activate();
    ctx.send(UploadMessage.need_sha, s.needSha);
    ctx.send(UploadMessage.name, s.name);
    s.requested = true;
    return 'idle';
  },
  async receive(ctx, s, message, value) {
    switch (message) {
      case UploadMessage.length: {
        s.length = readUint(value, key(message));
        if (s.length > s.maxBytes) return abandon(ctx, s, `${s.name} is ${s.length} bytes, more than the ${s.maxBytes} allowed`);
        try {
          s.handle = await sink(ctx).create(s.target);
        } catch (e) {
          return abandon(ctx, s, `storing ${s.name}: ${(e as Error).message}`);
        }
        return;
      }
      case UploadMessage.data: {
        const block = readBytes(value, key(message));
        if (s.length === null || s.handle === null) return abandon(ctx, s, 'data arrived before length');
        if (s.received + block.length > s.length) return abandon(ctx, s, `more data than the announced ${s.length} bytes`);
        try {
          if (block.length > 0) await sink(ctx).append(s.handle, block);
        } catch (e) {
          return abandon(ctx, s, `storing ${s.name}: ${(e as Error).message}`);
        }
        s.received += block.length;
        if (s.received === s.length && !s.needSha) await finish(ctx, s, null);
        return;
      }
      case UploadMessage.sha_384: {
        const sha = readBytes(value, key(message), SHA384_LENGTH);
        if (s.handle === null || s.received !== s.length) return abandon(ctx, s, 'sha-384 arrived before the whole file');
        return finish(ctx, s, sha);
      }
      case UploadMessage.error:
        return abandon(ctx, s, `the device reported: ${readText(value, key(message), 1024)}`);
      default:
        return;
    }
  },
};
