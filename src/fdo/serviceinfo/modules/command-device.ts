/**
 * fdo.command, device side (fdo-sim fdo.command): `command`, `args` (bstr .cbor [*tstr]), `may_fail`,
 * `return_stdout` and `return_stderr` come in any order before `execute`, which runs the command to
 * completion through the injected executor. Output goes back in `stdout` / `stderr` blocks, then
 * `exitcode`. A failing command without `may_fail` ends TO2, as the module specifies.
 */
import { CborError, decode } from '../../../codec/cbor.ts';
import { CommandMessage, FSIM_DATA_CHUNK_MAX, ModuleName } from '../../constants/serviceinfo.ts';
import type { DeviceModuleContext, DeviceModuleHandler } from '../device-module.ts';
import { badValue, commandFailed } from '../lib/errors.ts';
import { readBool, readBytes, readInt, readNull, readText } from '../lib/values.ts';
import type { CommandExecutor } from '../ports.ts';

export interface DeviceCommandOptions {
  executor: CommandExecutor;
  /** Most bytes of stdout and of stderr returned to the owner (default 1 MiB each). */
  maxOutputBytes?: number;
}

interface State {
  command: string | null;
  args: string[];
  mayFail: boolean;
  stdout: boolean;
  stderr: boolean;
}

const key = (m: string) => `${ModuleName.fdo_command}:${m}`;
const fresh = (): State => ({ command: null, args: [], mayFail: false, stdout: false, stderr: false });

function readArgs(value: unknown): string[] {
  const inner = readBytes(value, key(CommandMessage.args));
  let args: unknown;
  try {
    args = decode(inner, { maxBytes: inner.length, maxDepth: 2, maxContainerLength: 4096 });
  } catch (cause) {
    if (cause instanceof CborError) throw badValue(`${key(CommandMessage.args)} must hold a CBOR array of text strings`, cause);
    throw cause;
  }
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
    throw badValue(`${key(CommandMessage.args)} must hold a CBOR array of text strings`);
  }
  return args as string[];
}

export function deviceCommandModule(options: DeviceCommandOptions): DeviceModuleHandler<State> {
  const { executor } = options;
  const maxOut = options.maxOutputBytes ?? 1024 * 1024;

  function stream(ctx: DeviceModuleContext, message: string, bytes: Uint8Array | undefined): void {
    if (bytes === undefined || bytes.length === 0) return;
    const block = Math.min(FSIM_DATA_CHUNK_MAX, ctx.blockSize(message));
    const out = bytes.subarray(0, maxOut);
    for (let at = 0; at < out.length; at += block) ctx.send(message, out.slice(at, at + block));
  }

  return {
    module: ModuleName.fdo_command,
    initial: fresh,
    async receive(ctx, s, message, value) {
      switch (message) {
        case CommandMessage.command:
          s.command = readText(value, key(message), 4096);
          return;
        case CommandMessage.args:
          s.args = readArgs(value);
          return;
        case CommandMessage.may_fail:
          s.mayFail = readBool(value, key(message));
          return;
        case CommandMessage.return_stdout:
          s.stdout = readBool(value, key(message));
          return;
        case CommandMessage.return_stderr:
          s.stderr = readBool(value, key(message));
          return;
        case CommandMessage.sig:
          // Commands run to completion within one message, so a signal finds nothing running.
          await executor.signal?.(readInt(value, key(message)))?.catch(() => undefined);
          return;
        case CommandMessage.execute: {
          readNull(value, key(message));
          const request = { ...s };
          Object.assign(s, fresh());
          let exitCode: number;
          if (request.command === null) {
            exitCode = -1;
          } else {
            try {
              const result = await executor.run({
                command: request.command,
                args: request.args,
                returnStdout: request.stdout,
                returnStderr: request.stderr,
              });
              exitCode = result.exitCode;
              if (request.stdout) stream(ctx, CommandMessage.stdout, result.stdout);
              if (request.stderr) stream(ctx, CommandMessage.stderr, result.stderr);
            } catch {
              exitCode = -1;
            }
          }
          if (exitCode !== 0 && !request.mayFail) {
            throw commandFailed(`fdo.command ${request.command ?? '(none)'} failed with exit code ${exitCode} and may_fail is false`);
          }
          ctx.send(CommandMessage.exitcode, exitCode);
          return;
        }
        default:
          return;
      }
    },
  };
}
