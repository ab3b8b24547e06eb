/**
 * fdo.command, owner side: sends the command, `args` as bstr .cbor [*tstr], the flags, then
 * `execute`; collects `stdout` / `stderr` blocks (up to a cap) and completes on `exitcode`. A
 * non-zero exit code fails the plan (ERR_FDO_COMMAND_FAILED) with the output in its detail.
 */
import { Buffer } from 'node:buffer';
import { encode } from '../../../codec/cbor.ts';
import { CommandMessage, ModuleName } from '../../constants/serviceinfo.ts';
import { fromB64, toB64 } from '../lib/b64.ts';
import type { OwnerModuleHandler } from '../lib/owner-module.ts';
import { readBytes, readInt } from '../lib/values.ts';
import type { CommandPlan } from '../owner-plans.ts';

interface State {
  command: string;
  args: string[];
  mayFail: boolean;
  stdout: boolean;
  stderr: boolean;
  maxOutput: number;
  sent: boolean;
  out: string;
  err: string;
  truncated: boolean;
}

const key = (m: string) => `${ModuleName.fdo_command}:${m}`;

function append(s: State, field: 'out' | 'err', block: Uint8Array): void {
  const have = fromB64(s[field]);
  const room = s.maxOutput - have.length;
  if (block.length > room) s.truncated = true;
  if (room > 0) s[field] = toB64(Buffer.concat([have, block.subarray(0, room)]));
}

export const ownerCommandModule: OwnerModuleHandler<CommandPlan, State> = {
  module: ModuleName.fdo_command,
  start(plan) {
    if (typeof plan.command !== 'string' || plan.command === '')
      throw new TypeError('fdo.command plan: command must be a non-empty string');
    const args = plan.args ?? [];
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new TypeError('fdo.command plan: args must be strings');
    const maxOutput = plan.maxOutputBytes ?? 64 * 1024;
    if (!Number.isSafeInteger(maxOutput) || maxOutput < 0)
      throw new TypeError('fdo.command plan: maxOutputBytes must be a non-negative integer');
    return {
      command: plan.command,
      args: [...args],
      mayFail: plan.mayFail ?? true,
      stdout: plan.returnStdout ?? true,
      stderr: plan.returnStderr ?? true,
      maxOutput,
      sent: false,
      out: '',
      err: '',
      truncated: false,
    };
  },
  async produce(ctx, s) {
    if (s.sent) return 'idle';
    ctx.activate();
    ctx.send(CommandMessage.command, s.command);
    ctx.send(CommandMessage.args, encode(s.args));
    ctx.send(CommandMessage.may_fail, s.mayFail);
    ctx.send(CommandMessage.return_stdout, s.stdout);
    ctx.send(CommandMessage.return_stderr, s.stderr);
    ctx.send(CommandMessage.execute, null);
    s.sent = true;
    return 'idle';
  },
  async receive(ctx, s, message, value) {
    switch (message) {
      case CommandMessage.stdout:
        return append(s, 'out', readBytes(value, key(message)));
      case CommandMessage.stderr:
        return append(s, 'err', readBytes(value, key(message)));
      case CommandMessage.exitcode: {
        const exitCode = readInt(value, key(message));
        const detail = { command: s.command, exitCode, stdout: s.out, stderr: s.err, truncated: s.truncated };
        if (exitCode === 0) ctx.complete(detail);
        else ctx.fail('ERR_FDO_COMMAND_FAILED', `${s.command} exited with ${exitCode}`, detail);
        return;
      }
      default:
        return;
    }
  },
};
