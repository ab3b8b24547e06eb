/**
 * What validation reports: every problem at once, each with a JSON Pointer (RFC 6901) into the
 * file as read, a reason, and a stable code (docs/errors-mud.md).
 */
import { type Path, pointer } from './path.ts';

export { at } from './path.ts';

/** Error codes of MUD validation: the file does not conform. */
export const MUD_ERROR_CODES = [
  'ERR_MUD_TYPE',
  'ERR_MUD_MISSING',
  'ERR_MUD_UNKNOWN_MEMBER',
  'ERR_MUD_RANGE',
  'ERR_MUD_LENGTH',
  'ERR_MUD_FORMAT',
  'ERR_MUD_ENUM',
  'ERR_MUD_VERSION',
  'ERR_MUD_URL_NOT_HTTPS',
  'ERR_MUD_DUPLICATE_NAME',
  'ERR_MUD_UNRESOLVED_ACL',
  'ERR_MUD_UNRESOLVED_ACE',
  'ERR_MUD_CHOICE',
  'ERR_MUD_PORT_RANGE',
  'ERR_MUD_DIRECTION_NOT_TCP',
  'ERR_MUD_PROTOCOL_MISMATCH',
  'ERR_MUD_ADDRESS_FAMILY',
  'ERR_MUD_EXTENSION_UNDECLARED',
  'ERR_MUD_PRE_RFC_SHAPE',
] as const;
export type MudErrorCode = (typeof MUD_ERROR_CODES)[number];

/** Warning codes: the file is accepted, but something was changed, ignored or looks wrong. */
export const MUD_WARNING_CODES = [
  'WARN_MUD_NORMALISED',
  'WARN_MUD_UNKNOWN_EXTENSION',
  'WARN_MUD_EXTENSION_UNUSED',
  'WARN_MUD_UNUSED_ACL',
  'WARN_MUD_NOT_MODELLED',
  'WARN_MUD_HOST_ROUTE',
  'WARN_MUD_ACL_TYPE_SHORTHAND',
  'WARN_MUD_EMPTY_LEAF',
  'WARN_MUD_DATE_NO_OFFSET',
] as const;
export type MudWarningCode = (typeof MUD_WARNING_CODES)[number];

export interface MudIssue<C extends string = string> {
  code: C;
  /** JSON Pointer into the file as read, e.g. `/ietf-mud:mud/cache-validity`. */
  path: string;
  reason: string;
}

/** Collects errors and warnings while a file is read. */
export class Issues {
  readonly errors: MudIssue<MudErrorCode>[] = [];
  readonly warnings: MudIssue<MudWarningCode>[] = [];
  /**
   * Whether a reader of other modules' members accepted a member name written with a known YANG
   * prefix (prefixed-name.ts), which the pre-RFC walk renames: a reading of the file as it is, made
   * before that walk, does not stand then (parse-mud.ts).
   */
  prefixedMember = false;

  error(code: MudErrorCode, path: Path, reason: string): void {
    this.errors.push({ code, path: pointer(path), reason });
  }

  warn(code: MudWarningCode, path: Path, reason: string): void {
    this.warnings.push({ code, path: pointer(path), reason });
  }
}
