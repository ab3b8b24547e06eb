/**
 * The one error base of IoTopia. `code` is stable and documented; tests and callers branch on it,
 * never on `message`. Caller misuse (wrong argument types) is a plain TypeError instead.
 */
export class IotopiaError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
