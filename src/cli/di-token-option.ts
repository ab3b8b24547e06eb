/** The manufacturing credential `device init` and `fleet simulate` present on DI.AppStart. */
import { CliExit, EXIT_USAGE } from './exit-codes.ts';

export const DI_TOKEN_ENV = 'IOTOPIA_DI_TOKEN';
export const DI_TOKEN_HELP =
  'a DI token (iotopia_di_…) sent on DI.AppStart; a manufacturer that is not loopback-only needs one (prefer the environment variable: command lines are visible to other users)';

/** `{ diToken }` from the flag, else the environment, or nothing; a malformed one is a usage error. */
export function diTokenOption(flag: string | undefined, env: NodeJS.ProcessEnv): { diToken?: string } {
  const from = flag === undefined ? DI_TOKEN_ENV : '--di-token';
  const value = flag ?? env[DI_TOKEN_ENV];
  if (value === undefined || value === '') return {};
  if (!/^[\x21-\x7e]+$/.test(value)) throw new CliExit(EXIT_USAGE, `${from}: a DI token is printable ASCII without spaces`);
  return { diToken: value };
}
