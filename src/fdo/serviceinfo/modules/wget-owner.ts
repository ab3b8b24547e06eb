/** fdo.wget, owner side: sends `sha-384` and `name` when given, then `url`; waits for `done` or `error`. */
import { ModuleName, SHA384_LENGTH, WgetMessage } from '../../constants/serviceinfo.ts';
import { fromB64, toB64 } from '../lib/b64.ts';
import type { OwnerModuleHandler } from '../lib/owner-module.ts';
import { readInt, readText } from '../lib/values.ts';
import type { WgetPlan } from '../owner-plans.ts';

interface State {
  url: string;
  name: string | null;
  sha: string | null;
  length: number | null;
  sent: boolean;
}

const key = (m: string) => `${ModuleName.fdo_wget}:${m}`;

export const ownerWgetModule: OwnerModuleHandler<WgetPlan, State> = {
  module: ModuleName.fdo_wget,
  start(plan) {
    let url: URL;
    try {
      url = new URL(plan.url);
    } catch {
      throw new TypeError('fdo.wget plan: url must be an absolute URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('fdo.wget plan: url must be http or https');
    if (plan.sha384 !== undefined && (!(plan.sha384 instanceof Uint8Array) || plan.sha384.length !== SHA384_LENGTH)) {
      throw new TypeError('fdo.wget plan: sha384 must be 48 bytes');
    }
    if (plan.length !== undefined && (!Number.isSafeInteger(plan.length) || plan.length < 0)) {
      throw new TypeError('fdo.wget plan: length must be a non-negative integer');
    }
    return {
      url: url.href,
      name: plan.name ?? null,
      sha: plan.sha384 === undefined ? null : toB64(plan.sha384),
      length: plan.length ?? null,
      sent: false,
    };
  },
  async produce(ctx, s) {
    if (s.sent) return 'idle';
    ctx.activate();
    if (s.sha !== null) ctx.send(WgetMessage.sha_384, fromB64(s.sha));
    if (s.name !== null) ctx.send(WgetMessage.name, s.name);
    ctx.send(WgetMessage.url, s.url);
    s.sent = true;
    return 'idle';
  },
  async receive(ctx, s, message, value) {
    if (message === WgetMessage.error) {
      ctx.fail('ERR_FDO_WGET_FAILED', `the device reported: ${readText(value, key(message), 1024)}`);
    } else if (message === WgetMessage.done) {
      const n = readInt(value, key(message));
      if (n < 0 || (s.length !== null && n !== s.length)) ctx.fail('ERR_FDO_WGET_FAILED', `the device fetched ${n} bytes`);
      else ctx.complete({ url: s.url, length: n });
    }
  },
};
