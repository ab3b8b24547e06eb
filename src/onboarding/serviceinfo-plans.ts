/**
 * The ServiceInfo an owner chooses for its devices, as JSON: one entry per module invocation, run
 * in order after devmod (FDO 1.1 §3.9; the fdo.* modules of the FDO Device Management Service
 * Info Modules). Validated on the way in and turned into the engine's OwnerModulePlans at TO2.
 */
import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import type { OwnerModulePlan } from '../fdo/serviceinfo/owner-plans.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { BASE64_PATTERN } from '../platform/json-schema.ts';
import { invalidSetting, settingValue } from './settings.ts';

interface Common {
  /** Default true: a failed plan ends TO2; false records the outcome and goes on. */
  required?: boolean;
}
export type ServiceInfoEntry = Common &
  (
    | { module: 'fdo.download'; name: string; data: string }
    | { module: 'fdo.download'; name: string; file: string }
    | { module: 'fdo.command'; command: string; args?: string[]; mayFail?: boolean; returnStdout?: boolean; returnStderr?: boolean }
    | { module: 'fdo.wget'; url: string; name?: string; sha384?: string; length?: number }
    | { module: 'fdo.upload'; name: string }
  );

export const MAX_PLANS = 64;
const MAX_TEXT = 4096;
const MAX_ARGS = 64;

const text = (max = MAX_TEXT) => Type.String({ minLength: 1, maxLength: max });
const flag = () => Type.Optional(Type.Boolean());
const moduleEntry = <P extends Parameters<typeof Type.Object>[0]>(module: string, members: P) =>
  Type.Object({ module: Type.Literal(module), required: flag(), ...members }, { additionalProperties: false });

/** One module invocation; the `module` member picks which members the entry may have. */
export const ServiceInfoEntrySchema = Type.Unsafe<ServiceInfoEntry>({
  type: 'object',
  required: ['module'],
  description:
    'one module invocation. fdo.download: name and exactly one of data (base64) or file (path in the ServiceInfo directory); ' +
    'fdo.command: command, args, mayFail, returnStdout, returnStderr; fdo.wget: url (http or https), name, sha384 (hex), length; ' +
    'fdo.upload: name (the device file; stored as <upload dir>/<GUID>/<base name>). Every entry: required (default true).',
  discriminator: { propertyName: 'module' },
  oneOf: [
    moduleEntry('fdo.download', {
      name: text(1024),
      data: Type.Optional(Type.String({ pattern: BASE64_PATTERN, contentEncoding: 'base64' })),
      file: Type.Optional(text(1024)),
    }),
    moduleEntry('fdo.command', {
      command: text(),
      args: Type.Optional(Type.Array(Type.String({ maxLength: MAX_TEXT }), { maxItems: MAX_ARGS })),
      mayFail: flag(),
      returnStdout: flag(),
      returnStderr: flag(),
    }),
    moduleEntry('fdo.wget', {
      url: text(2048),
      name: Type.Optional(text(1024)),
      sha384: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{96}$' })),
      length: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    }),
    moduleEntry('fdo.upload', { name: text(1024) }),
  ],
});
export const ServiceInfoEntries = Type.Array(ServiceInfoEntrySchema, { maxItems: MAX_PLANS });
/** The setting, and the body that sets it. */
export const ServiceInfoChoice = Type.Object({ plans: ServiceInfoEntries }, { additionalProperties: false });

/** The object without its undefined members, as the type the caller names. */
const defined = <T>(o: Record<string, unknown>): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** A relative path inside the ServiceInfo directory: no absolute paths, no `..`, no empty parts. */
export function checkFilePath(path: string, field: string): string {
  const parts = path.split('/');
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..'))
    throw invalidSetting(field, 'a relative path inside the ServiceInfo directory');
  return path;
}

function httpUrl(url: string, field: string): string {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw invalidSetting(field, 'an absolute http or https URL');
  }
  if (scheme !== 'http:' && scheme !== 'https:') throw invalidSetting(field, 'an absolute http or https URL');
  return url;
}

/** The rules the schema does not state, and the entry with its members in the documented order. */
function entry(e: ServiceInfoEntry, at: string): ServiceInfoEntry {
  const required = e.required;
  switch (e.module) {
    case 'fdo.download': {
      const data = 'data' in e ? e.data : undefined;
      const file = 'file' in e ? e.file : undefined;
      if ((data === undefined) === (file === undefined))
        throw invalidSetting(at, 'fdo.download needs exactly one of data (base64) and file');
      if (data !== undefined) return defined<ServiceInfoEntry>({ module: 'fdo.download', name: e.name, data, required });
      return defined<ServiceInfoEntry>({ module: 'fdo.download', name: e.name, file: checkFilePath(file ?? '', `${at}.file`), required });
    }
    case 'fdo.command':
      return defined<ServiceInfoEntry>({
        module: 'fdo.command',
        command: e.command,
        args: e.args,
        mayFail: e.mayFail,
        returnStdout: e.returnStdout,
        returnStderr: e.returnStderr,
        required,
      });
    case 'fdo.wget':
      return defined<ServiceInfoEntry>({
        module: 'fdo.wget',
        url: httpUrl(e.url, `${at}.url`),
        name: e.name,
        sha384: e.sha384?.toLowerCase(),
        length: e.length,
        required,
      });
    default:
      return defined<ServiceInfoEntry>({ module: 'fdo.upload', name: e.name, required });
  }
}

/** Checks a choice (`{ "plans": [...] }`, from a request or the store); every failure names the member at fault. */
export function parseServiceInfoChoice(value: unknown, root = 'body'): ServiceInfoEntry[] {
  return settingValue(ServiceInfoChoice, value, root).plans.map((e, i) => entry(e, `plans[${i}]`));
}

/** Checks a list of entries; failures are named under `field` (`field[0].module`). */
export function parseServiceInfoEntries(value: unknown, field: string): ServiceInfoEntry[] {
  return settingValue(ServiceInfoEntries, value, field).map((e, i) => entry(e, `${field}[${i}]`));
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** What the audit log keeps: inline data as its size and hash, not the bytes. */
export function auditSummary(entries: readonly ServiceInfoEntry[]): Record<string, unknown> {
  return {
    plans: entries.map((e) => {
      if (e.module === 'fdo.download' && 'data' in e) {
        const bytes = Buffer.from(e.data, 'base64');
        const { data: _data, ...rest } = e;
        return { ...rest, bytes: bytes.length, sha256: sha256(bytes) };
      }
      return e;
    }),
  };
}

/**
 * Where download bytes come from, as a reference the session state can hold: inline data by the
 * setting that holds it, its position and its hash (a changed setting is noticed, not sent), or a
 * file in the ServiceInfo directory. Uploads go to `<GUID hex>/<base name>` in the upload directory.
 */
export const inlineRef = (scope: string, key: string, index: number, data: Uint8Array) =>
  `setting:${scope}:${key}:${index}:${sha256(data)}`;
export const fileRef = (path: string) => `file:${path}`;

export function toOwnerPlans(
  entries: readonly ServiceInfoEntry[],
  where: { scope: string; key: string; guid: Uint8Array },
): OwnerModulePlan[] {
  return entries.map((e, i): OwnerModulePlan => {
    const required = e.required === undefined ? {} : { required: e.required };
    switch (e.module) {
      case 'fdo.download':
        return {
          module: 'fdo.download',
          name: e.name,
          source: 'data' in e ? inlineRef(where.scope, where.key, i, Buffer.from(e.data, 'base64')) : fileRef(e.file),
          ...required,
        };
      case 'fdo.command': {
        const { module: _m, required: _r, ...rest } = e;
        return { module: 'fdo.command', ...rest, ...required };
      }
      case 'fdo.wget':
        return defined<OwnerModulePlan>({
          module: 'fdo.wget',
          url: e.url,
          name: e.name,
          sha384: e.sha384 === undefined ? undefined : new Uint8Array(Buffer.from(e.sha384, 'hex')),
          length: e.length,
          ...required,
        });
      default: {
        // fdo.upload, the one module left.
        const base =
          e.name
            .split(/[/\\]/)
            .filter((p) => p !== '' && p !== '.' && p !== '..')
            .at(-1) ?? 'upload';
        return { module: 'fdo.upload', name: e.name, target: `${guidToHex(where.guid)}/${base}`, ...required };
      }
    }
  });
}
