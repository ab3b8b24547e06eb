/** What a service writes to the server log: pino's (details, message) form, without depending on the HTTP framework. */
export interface ServiceLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}
