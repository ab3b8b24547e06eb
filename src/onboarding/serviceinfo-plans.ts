/**
 * The ServiceInfo an owner chooses for its devices, as JSON: one entry per module invocation, run
 * in order after devmod (FDO 1.1 §3.9; the fdo.* modules of the FDO Device Management Service
 * Info Modules). Validated on the way in and turned into the engine's OwnerModulePlans at TO2.
 */
import { createHash } from 'node:crypto';
import type { OwnerModulePlan } from '../fdo/serviceinfo/owner-plans.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { invalidField } from '../server/api/problem.ts';

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
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const str = (v: unknown, field: string, max = MAX_TEXT): string => {
  if (typeof v !== 'string' || v === '' || v.length > max) throw invalidField(field, `a non-empty string of at most ${max} characters`);
  return v;
};
const bool = (v: unknown, field: string): boolean | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw invalidField(field, 'true or false');
  return v;
};
const only = (e: Record<string, unknown>, at: string, allowed: readonly string[]) => {
  for (const k of Object.keys(e)) if (!allowed.includes(k)) throw invalidField(`${at}.${k}`, 'not a field of this module');
};
/** The object without its undefined members, as the type the caller names. */
const defined = <T>(o: Record<string, unknown>): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** A relative path inside the ServiceInfo directory: no absolute paths, no `..`, no empty parts. */
export function checkFilePath(v: unknown, field: string): string {
  const path = str(v, field, 1024);
  const parts = path.split('/');
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..'))
    throw invalidField(field, 'a relative path inside the ServiceInfo directory');
  return path;
}

function entry(v: unknown, at: string): ServiceInfoEntry {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidField(at, 'an object naming a module');
  const e = v as Record<string, unknown>;
  const required = bool(e.required, `${at}.required`);
  switch (e.module) {
    case 'fdo.download': {
      only(e, at, ['module', 'required', 'name', 'data', 'file']);
      const name = str(e.name, `${at}.name`, 1024);
      if ((e.data === undefined) === (e.file === undefined))
        throw invalidField(at, 'fdo.download needs exactly one of data (base64) and file');
      if (e.data !== undefined) {
        if (typeof e.data !== 'string' || e.data.length % 4 !== 0 || !BASE64.test(e.data))
          throw invalidField(`${at}.data`, 'base64 (RFC 4648 §4)');
        return defined<ServiceInfoEntry>({ module: 'fdo.download', name, data: e.data, required });
      }
      return defined<ServiceInfoEntry>({ module: 'fdo.download', name, file: checkFilePath(e.file, `${at}.file`), required });
    }
    case 'fdo.command': {
      only(e, at, ['module', 'required', 'command', 'args', 'mayFail', 'returnStdout', 'returnStderr']);
      let args: string[] | undefined;
      if (e.args !== undefined) {
        if (!Array.isArray(e.args) || e.args.length > MAX_ARGS) throw invalidField(`${at}.args`, `an array of at most ${MAX_ARGS} strings`);
        args = e.args.map((a: unknown, i) => {
          if (typeof a !== 'string' || a.length > MAX_TEXT) throw invalidField(`${at}.args[${i}]`, 'a string');
          return a;
        });
      }
      return defined<ServiceInfoEntry>({
        module: 'fdo.command',
        command: str(e.command, `${at}.command`),
        args,
        mayFail: bool(e.mayFail, `${at}.mayFail`),
        returnStdout: bool(e.returnStdout, `${at}.returnStdout`),
        returnStderr: bool(e.returnStderr, `${at}.returnStderr`),
        required,
      });
    }
    case 'fdo.wget': {
      only(e, at, ['module', 'required', 'url', 'name', 'sha384', 'length']);
      const url = str(e.url, `${at}.url`, 2048);
      let scheme: string;
      try {
        scheme = new URL(url).protocol;
      } catch {
        throw invalidField(`${at}.url`, 'an absolute http or https URL');
      }
      if (scheme !== 'http:' && scheme !== 'https:') throw invalidField(`${at}.url`, 'an absolute http or https URL');
      if (e.sha384 !== undefined && (typeof e.sha384 !== 'string' || !/^[0-9a-fA-F]{96}$/.test(e.sha384)))
        throw invalidField(`${at}.sha384`, '96 hex digits');
      if (e.length !== undefined && (!Number.isSafeInteger(e.length) || (e.length as number) < 0))
        throw invalidField(`${at}.length`, 'a non-negative integer');
      return defined<ServiceInfoEntry>({
        module: 'fdo.wget',
        url,
        name: e.name === undefined ? undefined : str(e.name, `${at}.name`, 1024),
        sha384: (e.sha384 as string | undefined)?.toLowerCase(),
        length: e.length as number | undefined,
        required,
      });
    }
    case 'fdo.upload': {
      only(e, at, ['module', 'required', 'name']);
      return defined<ServiceInfoEntry>({ module: 'fdo.upload', name: str(e.name, `${at}.name`, 1024), required });
    }
    default:
      throw invalidField(`${at}.module`, 'one of fdo.download, fdo.command, fdo.wget, fdo.upload');
  }
}

/** Checks a request body `{ "plans": [...] }`; every failure names the field at fault. */
export function parseServiceInfoBody(body: unknown): ServiceInfoEntry[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidField('body', 'a JSON object { "plans": [...] }');
  for (const k of Object.keys(body)) if (k !== 'plans') throw invalidField(k, 'not a field of the ServiceInfo choice');
  return parseServiceInfoEntries((body as { plans?: unknown }).plans, 'plans');
}

export function parseServiceInfoEntries(v: unknown, field: string): ServiceInfoEntry[] {
  if (!Array.isArray(v) || v.length > MAX_PLANS) throw invalidField(field, `an array of at most ${MAX_PLANS} module entries`);
  return v.map((e, i) => entry(e, `${field}[${i}]`));
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
