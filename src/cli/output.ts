/**
 * Where the `iotopia` command writes: one object per run, over the process's streams or over
 * buffers (the in-process runner). Commands never write to process.stdout or process.stderr.
 */
import { escapeComposed, escapeJson, escapeText } from './escape.ts';

/** The part of a writable stream the command uses (a TTY stream, a pipe, or a buffer). */
export interface OutputStream {
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** How a result is written under --json. */
export interface JsonFormat {
  indent?: number;
  replacer?: (key: string, value: unknown) => unknown;
}

export interface CliOutput {
  /** Whether the running command was given --json (machine output). */
  readonly json: boolean;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Standard output exactly as given: composed text, or bytes (an envelope, a voucher). */
  out(data: string | Uint8Array): void;
  /** Standard error exactly as given: diagnostics and progress. */
  err(text: string): void;
  /**
   * The command's result: `value` as one JSON document under --json, otherwise the lines `render`
   * gives (none when it is absent, as for a failure reported only to machines). The rendered text
   * passes `escapeComposed`: no control character but the line breaks between lines reaches the
   * terminal, even from a value a command forgot to pass through `text`.
   */
  result(value: unknown, render?: () => string | string[], format?: JsonFormat): void;
  /**
   * A string that came from outside (a device, a file, a server, the command line) on its way to
   * the terminal: the one place where such strings can be made safe to print. Control characters
   * (C0, DEL, C1, U+2028/U+2029, bidi controls) come out as `\xNN` or `\u{NNNN}` (see escape.ts),
   * LF and CR included, so a value stays on its line. A plain function (no `this`), so commands
   * may keep it in a local.
   */
  readonly text: (value: string) => string;
}

/** The output of one run; `setJson` is for the program builder, which reads --json once. */
export interface RunOutput extends CliOutput {
  setJson(json: boolean): void;
}

export function createOutput(stdout: OutputStream, stderr: OutputStream): RunOutput {
  let json = false;
  return {
    get json() {
      return json;
    },
    stdout,
    stderr,
    setJson(value) {
      json = value;
    },
    out(data) {
      stdout.write(data);
    },
    err(text) {
      stderr.write(text);
    },
    result(value, render, format = {}) {
      if (json) {
        // JSON.stringify escapes C0 controls; DEL, C1 and bidi controls are escaped here.
        stdout.write(`${escapeJson(String(JSON.stringify(value, format.replacer, format.indent)))}\n`);
        return;
      }
      if (render === undefined) return;
      const lines = render();
      stdout.write(`${escapeComposed(typeof lines === 'string' ? lines : lines.join('\n'))}\n`);
    },
    text: escapeText,
  };
}
