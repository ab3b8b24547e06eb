/**
 * The manufacturer's rendezvous info (FDO 1.1 §3.3.13 RendezvousInfo, OVRVInfo of every voucher
 * made at DI): where new devices will look for their owner. Set through the API as JSON
 * directives, stored as settings, and read by DI for each new device; without a stored value DI
 * uses the default the server computes from its own address.
 */
import { isIP } from 'node:net';
import { RVProtocolValue } from '../../fdo/constants/rendezvous.ts';
import { type RendezvousInfo, rendezvousDirectiveFromView, rendezvousDirectiveView } from '../../fdo/types/rendezvous-info.ts';
import type { Store } from '../../store/store.ts';
import { actorOf } from './auth.ts';
import { ApiProblem, invalidField } from './problem.ts';
import { jsonResponse, type RouteFactory } from './route.ts';

export const MANUFACTURER_SCOPE = 'manufacturer';
export const RV_INFO_KEY = 'rv-info';

/** At most this many directives; the same cap the voucher decoder applies (rendezvous-info.ts). */
export const MAX_RV_DIRECTIVES = 32;

/** RVProtocolValue (§3.3.13) by the name the API uses. */
export const RV_PROTOCOLS: Readonly<Record<string, number>> = {
  rest: RVProtocolValue.RVProtRest,
  http: RVProtocolValue.RVProtHttp,
  https: RVProtocolValue.RVProtHttps,
  tcp: RVProtocolValue.RVProtTcp,
  tls: RVProtocolValue.RVProtTls,
  'coap-tcp': RVProtocolValue.RVProtCoapTcp,
  'coap-udp': RVProtocolValue.RVProtCoapUdp,
};

/** One directive as JSON: the RendezvousInstr variables the API sets, by name. */
export interface RvDirectiveJson {
  dns?: string;
  ipAddress?: string;
  devPort?: number;
  ownerPort?: number;
  protocol?: string;
  delaySec?: number;
  medium?: number;
  wifiSsid?: string;
  wifiPw?: string;
  devOnly?: boolean;
  ownerOnly?: boolean;
  userInput?: boolean;
  bypass?: boolean;
}

const FLAGS = ['devOnly', 'ownerOnly', 'userInput', 'bypass'] as const;
const KNOWN = new Set<string>([
  'dns',
  'ipAddress',
  'devPort',
  'ownerPort',
  'protocol',
  'delaySec',
  'medium',
  'wifiSsid',
  'wifiPw',
  ...FLAGS,
]);
const HOSTNAME = /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

const isUint = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

/** Checks a directive list from outside (a request, or the store) and returns it normalised. */
export function validateRvDirectives(value: unknown, where = 'directives'): RvDirectiveJson[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_RV_DIRECTIVES) {
    throw invalidField(where, `an array of 1 to ${MAX_RV_DIRECTIVES} directives`);
  }
  return value.map((d, i) => validateDirective(d, `${where}[${i}]`));
}

function validateDirective(d: unknown, w: string): RvDirectiveJson {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw invalidField(w, 'a JSON object');
  const o = d as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) throw invalidField(`${w}.${k}`, `not a directive field (${[...KNOWN].join(', ')})`);
  const out: RvDirectiveJson = {};
  if (o.dns !== undefined) {
    if (typeof o.dns !== 'string' || !HOSTNAME.test(o.dns)) throw invalidField(`${w}.dns`, 'a DNS name');
    out.dns = o.dns;
  }
  if (o.ipAddress !== undefined) {
    if (typeof o.ipAddress !== 'string' || isIP(o.ipAddress) === 0) throw invalidField(`${w}.ipAddress`, 'an IPv4 or IPv6 address');
    out.ipAddress = o.ipAddress;
  }
  if (out.dns === undefined && out.ipAddress === undefined) throw invalidField(w, 'give dns or ipAddress: where the rendezvous server is');
  for (const port of ['devPort', 'ownerPort'] as const) {
    if (o[port] === undefined) continue;
    if (!isUint(o[port], 0xffff) || o[port] === 0) throw invalidField(`${w}.${port}`, 'a port number from 1 to 65535');
    out[port] = o[port];
  }
  if (o.protocol !== undefined) {
    if (typeof o.protocol !== 'string' || RV_PROTOCOLS[o.protocol] === undefined) {
      throw invalidField(`${w}.protocol`, `one of ${Object.keys(RV_PROTOCOLS).join(', ')}`);
    }
    out.protocol = o.protocol;
  }
  if (o.delaySec !== undefined) {
    if (!isUint(o.delaySec, 0xffff_ffff)) throw invalidField(`${w}.delaySec`, 'seconds, an integer from 0 to 4294967295');
    out.delaySec = o.delaySec;
  }
  if (o.medium !== undefined) {
    if (!isUint(o.medium, 0xff)) throw invalidField(`${w}.medium`, 'an RVMediumValue, an integer from 0 to 255');
    out.medium = o.medium;
  }
  for (const text of ['wifiSsid', 'wifiPw'] as const) {
    if (o[text] === undefined) continue;
    const v = o[text];
    if (typeof v !== 'string' || v === '' || Buffer.byteLength(v) > 255) throw invalidField(`${w}.${text}`, 'a string of 1 to 255 bytes');
    out[text] = v;
  }
  if (out.wifiPw !== undefined && out.wifiSsid === undefined) throw invalidField(`${w}.wifiPw`, 'only together with wifiSsid');
  for (const f of FLAGS) {
    if (o[f] === undefined) continue;
    if (typeof o[f] !== 'boolean') throw invalidField(`${w}.${f}`, 'true or false');
    if (o[f]) out[f] = true;
  }
  if (out.devOnly && out.ownerOnly) throw invalidField(w, 'devOnly and ownerOnly together leave the directive to nobody');
  return out;
}

/** The directives as RendezvousInfo, the form vouchers carry. */
export function rvInfoFromJson(directives: readonly RvDirectiveJson[]): RendezvousInfo {
  return directives.map(({ protocol, ...rest }) =>
    rendezvousDirectiveFromView({ ...rest, ...(protocol === undefined ? {} : { protocol: RV_PROTOCOLS[protocol] as number }) }),
  );
}

/** RendezvousInfo as JSON directives, for showing the computed default. */
export function rvInfoToJson(info: RendezvousInfo): RvDirectiveJson[] {
  const names = Object.fromEntries(Object.entries(RV_PROTOCOLS).map(([k, v]) => [v, k]));
  return info.map((directive) => {
    const v = rendezvousDirectiveView(directive);
    const out: RvDirectiveJson = {};
    if (v.dns !== undefined) out.dns = v.dns;
    if (v.ipAddress !== undefined) out.ipAddress = v.ipAddress;
    if (v.devPort !== undefined) out.devPort = v.devPort;
    if (v.ownerPort !== undefined) out.ownerPort = v.ownerPort;
    if (v.protocol !== undefined && names[v.protocol] !== undefined) out.protocol = names[v.protocol];
    if (v.delaySec !== undefined) out.delaySec = v.delaySec;
    if (v.medium !== undefined) out.medium = v.medium;
    if (v.wifiSsid !== undefined) out.wifiSsid = v.wifiSsid;
    if (v.wifiPw !== undefined) out.wifiPw = v.wifiPw;
    for (const f of FLAGS) if (v[f]) out[f] = true;
    return out;
  });
}

/** The stored directives, or undefined when the manufacturer set none. */
export async function storedRvDirectives(store: Pick<Store, 'settings'>): Promise<RvDirectiveJson[] | undefined> {
  const value = await store.settings.get(MANUFACTURER_SCOPE, RV_INFO_KEY);
  if (value === undefined) return undefined;
  try {
    return validateRvDirectives(value);
  } catch (e) {
    // Only a hand-edited database gets here; DI then fails rather than write vouchers nobody can follow.
    if (e instanceof ApiProblem)
      throw new ApiProblem(500, 'ERR_API_SETTING_CORRUPT', `the stored rendezvous info is invalid: ${e.message}`);
    throw e;
  }
}

const DIRECTIVE_SCHEMA = {
  type: 'object',
  description: 'one RendezvousDirective (FDO 1.1 §3.3.13); dns or ipAddress is required',
  additionalProperties: false,
  properties: {
    dns: { type: 'string' },
    ipAddress: { type: 'string' },
    devPort: { type: 'integer', minimum: 1, maximum: 65535 },
    ownerPort: { type: 'integer', minimum: 1, maximum: 65535 },
    protocol: { type: 'string', enum: Object.keys(RV_PROTOCOLS) },
    delaySec: { type: 'integer', minimum: 0, maximum: 4294967295 },
    medium: { type: 'integer', minimum: 0, maximum: 255 },
    wifiSsid: { type: 'string' },
    wifiPw: { type: 'string' },
    devOnly: { type: 'boolean' },
    ownerOnly: { type: 'boolean' },
    userInput: { type: 'boolean' },
    bypass: { type: 'boolean' },
  },
};
const RV_INFO_SCHEMA = {
  type: 'object',
  required: ['directives', 'source'],
  properties: {
    directives: { type: 'array', minItems: 1, maxItems: MAX_RV_DIRECTIVES, items: DIRECTIVE_SCHEMA },
    source: { type: 'string', enum: ['stored', 'default'], description: 'set through this API, or computed from the server address' },
  },
};

export const manufacturerRvInfoRoutes: RouteFactory = (ctx) => {
  const current = async () => {
    const stored = await storedRvDirectives(ctx.store);
    if (stored !== undefined) return { directives: stored, source: 'stored' };
    return { directives: ctx.defaultRvInfo === undefined ? [] : rvInfoToJson(ctx.defaultRvInfo), source: 'default' };
  };
  const write = async (actor: string, directives: RvDirectiveJson[] | undefined) =>
    ctx.store.transaction(async (r) => {
      const changed = directives === undefined ? await r.settings.delete(MANUFACTURER_SCOPE, RV_INFO_KEY) : true;
      if (directives !== undefined) await r.settings.put(MANUFACTURER_SCOPE, RV_INFO_KEY, directives);
      if (changed) {
        await r.audit.append({
          actor,
          action: directives === undefined ? 'manufacturer.rv-info.reset' : 'manufacturer.rv-info.set',
          subject: `setting:${MANUFACTURER_SCOPE}/${RV_INFO_KEY}`,
          // The audit log is read by auditors: a Wi-Fi password is recorded as present, not as text.
          details:
            directives === undefined ? {} : { directives: directives.map((d) => (d.wifiPw === undefined ? d : { ...d, wifiPw: '(set)' })) },
        });
      }
    });
  return [
    {
      method: 'GET',
      url: '/manufacturer/rendezvous-info',
      roles: ['manufacturer'],
      summary: 'The rendezvous info DI puts into new vouchers and device credentials',
      openapi: { responses: { 200: jsonResponse('the directives and where they come from', RV_INFO_SCHEMA) } },
      handler: current,
    },
    {
      method: 'PUT',
      url: '/manufacturer/rendezvous-info',
      roles: ['manufacturer'],
      summary: 'Set the rendezvous info for devices made from now on (vouchers already made keep theirs)',
      openapi: {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['directives'], properties: RV_INFO_SCHEMA.properties } } },
        },
        responses: { 200: jsonResponse('the rendezvous info now in force', RV_INFO_SCHEMA) },
      },
      async handler(request) {
        const body = request.body;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidField('body', 'a JSON object { directives }');
        const directives = validateRvDirectives((body as { directives?: unknown }).directives);
        // Devices and owners decode what DI writes: a value our own decoder would refuse is never stored.
        for (const [i, d] of rvInfoFromJson(directives).entries()) rendezvousDirectiveView(d, `directives[${i}]`);
        await write(actorOf(request), directives);
        return current();
      },
    },
    {
      method: 'DELETE',
      url: '/manufacturer/rendezvous-info',
      roles: ['manufacturer'],
      summary: "Forget the stored rendezvous info: DI goes back to the default computed from the server's address",
      openapi: { responses: { 200: jsonResponse('the rendezvous info now in force', RV_INFO_SCHEMA) } },
      async handler(request) {
        await write(actorOf(request), undefined);
        return current();
      },
    },
  ];
};
