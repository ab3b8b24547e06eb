/**
 * The short description behind `iotopia mud new`: who made the device, where its MUD file lives,
 * and what it talks to. `mudFromSpec` checks the description (every problem at once) and builds
 * the MUD file with `MudBuilder`, which validates it strictly.
 */
import type { MudFile } from '../model/mud-file.ts';
import { type FlowSpec, MudBuilder, type Peer, type TransparencySpec } from './builder.ts';
import { ERR_MUD_SPEC, MudSpecError } from './errors.ts';

/** The description's fields (documented in docs/mud.md, "Authoring"). */
export const SPEC_FIELDS = [
  'manufacturer',
  'model',
  'mudUrl',
  'documentation',
  'systeminfo',
  'mudSignature',
  'firmwareRev',
  'softwareRev',
  'cacheValidity',
  'ipVersions',
  'lastUpdate',
  'supported',
  'supportedUntil',
  'cloud',
  'local',
  'controllers',
  'myController',
  'sameManufacturer',
  'manufacturers',
  'models',
  'sbom',
  'vulnerabilities',
] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Problems {
  readonly list: string[] = [];
  add(where: string, what: string): void {
    this.list.push(`${where}: ${what}`);
  }
}

function str(p: Problems, o: Obj, key: string, required: boolean): string | undefined {
  const v = o[key];
  if (v === undefined) {
    if (required) p.add(key, 'required');
    return undefined;
  }
  if (typeof v !== 'string' || v === '') {
    p.add(key, 'a non-empty string');
    return undefined;
  }
  return v;
}

function flowsOf(p: Problems, o: Obj, key: string, peerOf: (e: Obj, where: string) => Peer | undefined): { peer: Peer; flow: FlowSpec }[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    p.add(key, 'a list');
    return [];
  }
  const out: { peer: Peer; flow: FlowSpec }[] = [];
  v.forEach((e, i) => {
    const where = `${key}[${i}]`;
    if (!isObj(e)) {
      p.add(where, 'an object');
      return;
    }
    const known = ['protocol', 'port', 'initiatedBy', 'domain', 'uri', 'authority', 'mudUrl'];
    for (const k of Object.keys(e)) if (!known.includes(k)) p.add(`${where}.${k}`, 'not a field of a flow');
    const protocol = e.protocol ?? 'tcp';
    if (protocol !== 'tcp' && protocol !== 'udp') p.add(`${where}.protocol`, 'tcp or udp');
    const port = e.port;
    if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535))
      p.add(`${where}.port`, 'a port number 0..65535');
    const initiatedBy = e.initiatedBy ?? 'device';
    if (initiatedBy !== 'device' && initiatedBy !== 'peer') p.add(`${where}.initiatedBy`, 'device or peer');
    const peer = peerOf(e, where);
    if (peer === undefined) return;
    const flow: FlowSpec = { protocol: protocol as FlowSpec['protocol'], initiatedBy: initiatedBy as 'device' | 'peer' };
    if (typeof port === 'number') flow.port = port;
    out.push({ peer, flow });
  });
  return out;
}

function peerString(p: Problems, e: Obj, where: string, field: string): string | undefined {
  const v = e[field];
  if (typeof v !== 'string' || v === '') {
    p.add(`${where}.${field}`, 'required (a non-empty string)');
    return undefined;
  }
  return v;
}

/** A date (YYYY-MM-DD) or date-and-time; YAML may already have made it a Date. */
function dateOf(p: Problems, v: unknown, where: string): Date | undefined {
  const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : undefined;
  if (d === undefined || Number.isNaN(d.getTime())) {
    p.add(where, 'a date (YYYY-MM-DD) or date and time (RFC 3339)');
    return undefined;
  }
  return d;
}

/** yang:date-and-time in UTC, whole seconds. */
const dateAndTime = (d: Date): string => `${d.toISOString().slice(0, 19)}+00:00`;

/**
 * Builds a MUD file from a description. `now` is the time written as last-update when the
 * description gives none, and against which `supportedUntil` decides `is-supported`.
 */
export function mudFromSpec(spec: unknown, now: Date): { json: Record<string, unknown>; mud: MudFile } {
  const p = new Problems();
  if (!isObj(spec)) throw new MudSpecError(ERR_MUD_SPEC, ['the description must be an object (a JSON object or a YAML mapping)']);
  for (const k of Object.keys(spec))
    if (!(SPEC_FIELDS as readonly string[]).includes(k)) p.add(k, `not a field of the description (fields: ${SPEC_FIELDS.join(', ')})`);
  const mfgName = str(p, spec, 'manufacturer', true);
  const modelName = str(p, spec, 'model', true);
  const mudUrl = str(p, spec, 'mudUrl', true);
  const documentation = str(p, spec, 'documentation', false);
  const systeminfo = str(p, spec, 'systeminfo', false);
  const mudSignature = str(p, spec, 'mudSignature', false);
  const firmwareRev = str(p, spec, 'firmwareRev', false);
  const softwareRev = str(p, spec, 'softwareRev', false);
  const cacheValidity = spec.cacheValidity;
  if (
    cacheValidity !== undefined &&
    (typeof cacheValidity !== 'number' || !Number.isInteger(cacheValidity) || cacheValidity < 1 || cacheValidity > 168)
  )
    p.add('cacheValidity', 'hours, an integer 1..168 (RFC 8520)');
  const ipVersions = spec.ipVersions ?? ['ipv4', 'ipv6'];
  if (!Array.isArray(ipVersions) || ipVersions.length === 0 || !ipVersions.every((v) => v === 'ipv4' || v === 'ipv6'))
    p.add('ipVersions', 'a non-empty list of ipv4 and/or ipv6');
  const lastUpdate = spec.lastUpdate === undefined ? now : dateOf(p, spec.lastUpdate, 'lastUpdate');
  let isSupported = true;
  if (spec.supported !== undefined) {
    if (typeof spec.supported !== 'boolean') p.add('supported', 'true or false');
    else isSupported = spec.supported;
  }
  if (spec.supportedUntil !== undefined) {
    const until = dateOf(p, spec.supportedUntil, 'supportedUntil');
    if (until !== undefined && lastUpdate !== undefined && spec.supported === undefined)
      isSupported = lastUpdate.getTime() <= until.getTime();
  }

  const flows = [
    ...flowsOf(p, spec, 'cloud', (e, w) => {
      const name = peerString(p, e, w, 'domain');
      return name === undefined ? undefined : { kind: 'domain', name };
    }),
    ...flowsOf(p, spec, 'local', () => ({ kind: 'local-networks' })),
    ...flowsOf(p, spec, 'controllers', (e, w) => {
      const uri = peerString(p, e, w, 'uri');
      return uri === undefined ? undefined : { kind: 'controller', uri };
    }),
    ...flowsOf(p, spec, 'myController', () => ({ kind: 'my-controller' })),
    ...flowsOf(p, spec, 'sameManufacturer', () => ({ kind: 'same-manufacturer' })),
    ...flowsOf(p, spec, 'manufacturers', (e, w) => {
      const authority = peerString(p, e, w, 'authority');
      return authority === undefined ? undefined : { kind: 'manufacturer', authority };
    }),
    ...flowsOf(p, spec, 'models', (e, w) => {
      const url = peerString(p, e, w, 'mudUrl');
      return url === undefined ? undefined : { kind: 'model', mudUrl: url };
    }),
  ];

  const tx = transparencyOf(p, spec);
  if (p.list.length > 0 || mudUrl === undefined || lastUpdate === undefined) throw new MudSpecError(ERR_MUD_SPEC, p.list);

  const builder = new MudBuilder({
    mudUrl,
    lastUpdate: dateAndTime(lastUpdate),
    isSupported,
    ...(typeof cacheValidity === 'number' ? { cacheValidity } : {}),
    ...(mudSignature === undefined ? {} : { mudSignature }),
    systeminfo: systeminfo ?? `${mfgName} ${modelName}`,
    ...(mfgName === undefined ? {} : { mfgName }),
    ...(modelName === undefined ? {} : { modelName }),
    ...(firmwareRev === undefined ? {} : { firmwareRev }),
    ...(softwareRev === undefined ? {} : { softwareRev }),
    ...(documentation === undefined ? {} : { documentation }),
    ipVersions: ipVersions as ('ipv4' | 'ipv6')[],
  });
  for (const { peer, flow } of flows) builder.allow(peer, flow);
  if (tx !== undefined) builder.transparency(tx);
  return builder.build();
}

function transparencyOf(p: Problems, spec: Obj): TransparencySpec | undefined {
  const out: TransparencySpec = {};
  const sbom = spec.sbom;
  if (sbom !== undefined) {
    if (!isObj(sbom)) p.add('sbom', 'an object with url (and version), localWellKnown or contactUri');
    else {
      for (const k of Object.keys(sbom))
        if (!['url', 'version', 'localWellKnown', 'contactUri'].includes(k)) p.add(`sbom.${k}`, 'not a field of sbom');
      const url = str(p, sbom, 'url', false);
      const version = sbom.version === undefined ? undefined : String(sbom.version);
      const local = str(p, sbom, 'localWellKnown', false);
      const contact = str(p, sbom, 'contactUri', false);
      const n = [url, local, contact].filter((x) => x !== undefined).length;
      if (n !== 1) p.add('sbom', 'exactly one of url, localWellKnown or contactUri (RFC 9472 retrieval methods)');
      if (url !== undefined)
        out.sboms = [{ versionInfo: version ?? (typeof spec.softwareRev === 'string' ? spec.softwareRev : 'current'), url }];
      if (local !== undefined) out.sbomLocalWellKnown = local;
      if (contact !== undefined) out.sbomContactUri = contact;
    }
  }
  const vulns = spec.vulnerabilities;
  if (vulns !== undefined) {
    const list = typeof vulns === 'string' ? [vulns] : vulns;
    if (!Array.isArray(list) || list.length === 0 || !list.every((u) => typeof u === 'string' && u !== ''))
      p.add('vulnerabilities', 'a URL or a list of URLs');
    else out.vulnUrls = list as string[];
  }
  return sbom === undefined && vulns === undefined ? undefined : out;
}
