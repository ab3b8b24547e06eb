/**
 * The entry points of MUD validation. `parseMud` reads JSON text, `validateMud` an already parsed
 * value; both read the whole file, report every problem (not only the first) and return the
 * typed model when there is none.
 */
import { ACL_TYPES, ACLS_MEMBER, KNOWN_EXTENSIONS, type KnownExtension, MUD_MEMBER } from '../model/constants.ts';
import type { MudFile } from '../model/mud-file.ts';
import type { ReadContext } from './context.ts';
import { MudInputError } from './errors.ts';
import { Issues, type MudErrorCode, type MudIssue, type MudWarningCode } from './issues.ts';
import { checkDepth, DEFAULT_MUD_LIMITS, type MudLimits, parseJsonText, READ_DEPTH_MAX } from './limits.ts';
import { checkMembers, readObject } from './members.ts';
import { at } from './path.ts';
import { normalisePreRfc } from './pre-rfc.ts';
import { rawAclType, readAcls } from './read-acls.ts';
import { readMudContainer } from './read-mud.ts';
import { isObject, type JsonObject } from './yang-types.ts';

export interface MudParseOptions {
  /**
   * Accept the pre-RFC shape (pre-rfc.ts) and the unambiguous shapes real tools write
   * (lenient-shapes.ts), normalising each with a warning per change (default false: strict).
   */
  lenient?: boolean;
  limits?: Partial<MudLimits>;
}

export interface MudParseResult {
  /** The typed model, present exactly when `errors` is empty. */
  mud: MudFile | undefined;
  errors: MudIssue<MudErrorCode>[];
  warnings: MudIssue<MudWarningCode>[];
}

/**
 * Parses and validates a MUD file from JSON text or UTF-8 bytes. Throws `MudInputError` when the
 * input is not JSON or exceeds the limits; every other problem is in the result's `errors`.
 */
export function parseMud(json: string | Uint8Array, options: MudParseOptions = {}): MudParseResult {
  const limits = { ...DEFAULT_MUD_LIMITS, ...options.limits };
  // The depth is checked by the pre-RFC walk (normalisePreRfc), by the readers' own bound when a
  // strict reading stands without the walk, or by checkDepth when the top level is not an object.
  return validateParsed(parseJsonText(json, limits), options, limits);
}

/** Validates a parsed JSON value as a MUD file; the value itself is not changed. */
export function validateMud(value: unknown, options: MudParseOptions = {}): MudParseResult {
  const limits = { ...DEFAULT_MUD_LIMITS, ...options.limits };
  // Same limits as for text, so that a value from elsewhere cannot be bigger or deeper; the depth
  // is checked first (iteratively), so that the copy below never meets a deep or cyclic value.
  checkDepth(value, limits.maxDepth);
  return validateParsed(parseJsonText(JSON.stringify(value) ?? 'null', limits), options, limits);
}

function validateParsed(root: unknown, options: MudParseOptions, limits: MudLimits): MudParseResult {
  if (!isObject(root)) {
    const issues = new Issues();
    readObject(issues, root, '');
    checkDepth(root, limits.maxDepth);
    return result(issues, (path) => path, undefined);
  }
  const lenient = options.lenient === true;
  if (lenient || limits.maxDepth < READ_DEPTH_MAX) return walkThenRead(root, lenient, limits);
  // Strict reading of a file without a pre-RFC shape: the walk reports nothing and changes nothing,
  // so the file is read as it is first. A reading without any issue stands as it is: the readers
  // visited every value (whatever they keep unread they warn about), so no pre-RFC shape is left
  // (each is an issue or, for a prefixed member a reader of other modules accepts, marked), and
  // nothing nests deeper than READ_DEPTH_MAX. Otherwise the walk runs; when it too reports nothing,
  // the tree is unchanged and the reading stands, else the file is read again after it.
  const issues = new Issues();
  let mud: MudFile | undefined;
  try {
    mud = readFile(root, issues, limits);
  } catch (e) {
    // A limit met while reading: the walk comes first, and may meet the depth limit first.
    if (e instanceof MudInputError) return walkThenRead(root, false, limits);
    throw e;
  }
  if (issues.errors.length === 0 && issues.warnings.length === 0 && !issues.prefixedMember) return result(issues, (path) => path, mud);
  const walked = new Issues();
  const original = normalisePreRfc(root, walked, false, limits.maxDepth);
  if (walked.errors.length === 0 && walked.warnings.length === 0) return result(issues, original, mud);
  return result(walked, original, readFile(root, walked, limits));
}

/** The pre-RFC walk (which also enforces maxDepth), then the readers over the normalised tree. */
function walkThenRead(top: JsonObject, lenient: boolean, limits: MudLimits): MudParseResult {
  const issues = new Issues();
  const original = normalisePreRfc(top, issues, lenient, limits.maxDepth);
  return result(issues, original, readFile(top, issues, limits));
}

/** The result: the model only without errors, and each path as the file has it. */
function result(issues: Issues, original: (path: string) => string, mud: MudFile | undefined): MudParseResult {
  return {
    mud: issues.errors.length === 0 ? mud : undefined,
    errors: issues.errors.map((e) => ({ ...e, path: original(e.path) })),
    warnings: issues.warnings.map((w) => ({ ...w, path: original(w.path) })),
  };
}

/** Reads the members of a MUD file into the model, reporting into `issues`; undefined when it cannot be read. */
function readFile(top: JsonObject, issues: Issues, limits: MudLimits): MudFile | undefined {
  const ctx: ReadContext = { issues, limits, extensionsUsed: new Map(), anyEthAcl: false };
  checkMembers(issues, top, '', [MUD_MEMBER, ACLS_MEMBER]);
  if (top[MUD_MEMBER] === undefined) issues.error('ERR_MUD_MISSING', at('', MUD_MEMBER), `a MUD file holds the ${MUD_MEMBER} container`);

  const rawAcls = top[ACLS_MEMBER];
  if (isObject(rawAcls) && Array.isArray(rawAcls.acl))
    ctx.anyEthAcl = rawAcls.acl.some((a) => {
      const t = rawAclType(a);
      return t !== undefined && ACL_TYPES[t].eth;
    });
  const mud = top[MUD_MEMBER] === undefined ? undefined : readMudContainer(ctx, top[MUD_MEMBER], at('', MUD_MEMBER));
  const acls = rawAcls === undefined ? [] : readAcls(ctx, rawAcls, at('', ACLS_MEMBER));
  if (mud === undefined || acls === undefined) return undefined;
  const file: MudFile = { mud, acls };
  checkReferences(ctx, file);
  checkExtensions(ctx, file);
  return file;
}

/** Policies name ACLs that exist (RFC 8520 leafref); quarantine names ACEs that exist. */
function checkReferences(ctx: ReadContext, file: MudFile): void {
  const { issues } = ctx;
  const aclNames = new Set(file.acls.map((a) => a.name));
  const used = new Set<string>();
  const mudPath = at('', MUD_MEMBER);
  const policies: [string, string[] | undefined][] = [
    [at(mudPath, 'from-device-policy'), file.mud.fromDevicePolicy?.aclNames],
    [at(mudPath, 'to-device-policy'), file.mud.toDevicePolicy?.aclNames],
    [at(mudPath, file.mud.quarantine?.member ?? ''), file.mud.quarantine?.aclNames],
  ];
  for (const [path, names] of policies)
    names?.forEach((n, i) => {
      used.add(n);
      if (!aclNames.has(n))
        issues.error(
          'ERR_MUD_UNRESOLVED_ACL',
          `${path}/access-lists/access-list/${i}/name`,
          `no ACL named ${JSON.stringify(n)} in ${ACLS_MEMBER}`,
        );
    });
  const q = file.mud.quarantine;
  if (q !== undefined) {
    const aceNames = new Set(file.acls.flatMap((a) => a.aces.map((e) => e.name)));
    q.enabledAceNames.forEach((n, i) => {
      if (!aceNames.has(n))
        issues.error(
          'ERR_MUD_UNRESOLVED_ACE',
          `${at(mudPath, q.member)}/enabled-ace-names/${i}/ace-name`,
          `no ACE named ${JSON.stringify(n)} in any ACL`,
        );
    });
  }
  file.acls.forEach((a, i) => {
    if (!used.has(a.name))
      issues.warn(
        'WARN_MUD_UNUSED_ACL',
        `${at('', ACLS_MEMBER)}/acl/${i}`,
        `ACL ${JSON.stringify(a.name)} is not named by any policy, so it never applies`,
      );
  });
}

/** RFC 8520 (leaf extensions): members of an extension require its name in `extensions`. */
function checkExtensions(ctx: ReadContext, file: MudFile): void {
  const { issues } = ctx;
  const listed = new Set(file.mud.extensions);
  for (const [ext, path] of ctx.extensionsUsed)
    if (!listed.has(ext))
      issues.error('ERR_MUD_EXTENSION_UNDECLARED', path, `a member of extension ${JSON.stringify(ext)}, which "extensions" does not list`);
  file.mud.extensions.forEach((name, i) => {
    const path = `${at('', MUD_MEMBER)}/extensions/${i}`;
    if (!(name in KNOWN_EXTENSIONS))
      issues.warn(
        'WARN_MUD_UNKNOWN_EXTENSION',
        path,
        `extension ${JSON.stringify(name)} is not known to IoTopia; its members are not checked`,
      );
    else if (!ctx.extensionsUsed.has(name as KnownExtension))
      issues.warn('WARN_MUD_EXTENSION_UNUSED', path, `extension ${JSON.stringify(name)} is listed but none of its members is present`);
  });
}
