/** Exit codes of the `iotopia` command (see DESIGN: CLI contract). */
export const EXIT_OK = 0;
/** A check failed: invalid file, bad signature, rejected input. */
export const EXIT_CHECK_FAILED = 1;
/** The command line itself was wrong. */
export const EXIT_USAGE = 2;

/** Thrown by commands to end with a message and an exit code. */
export class CliExit extends Error {
  readonly exitCode: number;

  constructor(exitCode: number, message: string) {
    super(message);
    this.exitCode = exitCode;
  }
}
