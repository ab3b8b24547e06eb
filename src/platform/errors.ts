import { IotopiaError } from '../errors.ts';

/** A setting of the server (file, environment, flag, master key) that is missing or malformed; the message names it. */
export class ConfigError extends IotopiaError {
  constructor(message: string) {
    super('ERR_CONFIG', message);
  }
}
