/**
 * The owner's TO2 address: the RVTO2Addr entries (FDO 1.1 §3.3.14) it registers in TO0, which the
 * rendezvous hands to devices in TO1 so they know where to run TO2. Stored under owner/to2-address;
 * without it the server registers the address it computed from its own listen address.
 */
import { isIP } from 'node:net';
import { TransportProtocol } from '../../fdo/constants/rendezvous.ts';
import type { RvTo2Addr, RvTo2AddrEntry } from '../../fdo/types/rv-to2-addr.ts';
import type { Store } from '../../store/store.ts';
import { changeSetting, OWNER_SCOPE, OwnerSettingKey } from './owner-settings.ts';
import { invalidField } from './problem.ts';
import { jsonResponse, type RouteFactory } from './route.ts';

/** What the API shows and takes: one object per RVTO2Addr entry, the protocol by name. */
export interface To2AddressView {
  ip?: string;
  dns?: string;
  port: number;
  protocol: 'http' | 'https';
}

/** RVTO2Addr holds at most this many entries here (the decoder's limit, rv-to2-addr.ts). */
const MAX_ENTRIES = 32;
const PROTOCOLS = { http: TransportProtocol.ProtHTTP, https: TransportProtocol.ProtHTTPS } as const;
// RFC 1123 host names: labels of letters, digits and inner hyphens, at most 253 characters.
const DNS_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

const ENTRY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['port', 'protocol'],
  description: 'one RVTO2Addr entry; at least one of ip and dns',
  properties: {
    ip: { type: 'string', description: 'IPv4 or IPv6 address' },
    dns: { type: 'string', description: 'DNS name' },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    protocol: { type: 'string', enum: Object.keys(PROTOCOLS) },
  },
};

export const TO2_ADDRESS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['addresses'],
  properties: { addresses: { type: 'array', minItems: 1, maxItems: MAX_ENTRIES, items: ENTRY_SCHEMA } },
};

const TO2_ADDRESS_VIEW_SCHEMA = {
  type: 'object',
  required: ['addresses', 'source'],
  properties: {
    addresses: TO2_ADDRESS_SCHEMA.properties.addresses,
    source: { type: 'string', enum: ['setting', 'default'], description: 'set through the API, or computed from the listen address' },
  },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a request body (`{ addresses: [...] }`); every failure names the field at fault. */
export function parseTo2AddressBody(body: unknown): To2AddressView[] {
  if (!isObject(body)) throw invalidField('body', 'a JSON object { "addresses": [...] }');
  for (const k of Object.keys(body)) if (k !== 'addresses') throw invalidField(k, 'not a field of the TO2 address');
  return parseTo2Addresses(body.addresses, 'addresses');
}

export function parseTo2Addresses(value: unknown, field: string): To2AddressView[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ENTRIES)
    throw invalidField(field, `an array of 1 to ${MAX_ENTRIES} addresses`);
  return value.map((e: unknown, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(e)) throw invalidField(at, 'an object with ip or dns, port and protocol');
    for (const k of Object.keys(e)) if (!['ip', 'dns', 'port', 'protocol'].includes(k)) throw invalidField(`${at}.${k}`, 'unknown field');
    const out: To2AddressView = { port: 0, protocol: 'http' };
    if (e.ip !== undefined) {
      if (typeof e.ip !== 'string' || isIP(e.ip) === 0) throw invalidField(`${at}.ip`, 'an IPv4 or IPv6 address');
      out.ip = e.ip;
    }
    if (e.dns !== undefined) {
      if (typeof e.dns !== 'string' || !DNS_NAME.test(e.dns)) throw invalidField(`${at}.dns`, 'a DNS host name');
      out.dns = e.dns;
    }
    if (out.ip === undefined && out.dns === undefined) throw invalidField(at, 'needs ip or dns');
    if (!Number.isInteger(e.port) || (e.port as number) < 1 || (e.port as number) > 65535)
      throw invalidField(`${at}.port`, 'an integer from 1 to 65535');
    out.port = e.port as number;
    if (typeof e.protocol !== 'string' || !Object.hasOwn(PROTOCOLS, e.protocol)) throw invalidField(`${at}.protocol`, 'http or https');
    out.protocol = e.protocol as To2AddressView['protocol'];
    // Key order as documented, whatever order the client sent.
    return {
      ...(out.ip === undefined ? {} : { ip: out.ip }),
      ...(out.dns === undefined ? {} : { dns: out.dns }),
      port: out.port,
      protocol: out.protocol,
    };
  });
}

export function rvTo2AddrFromView(view: readonly To2AddressView[]): RvTo2Addr {
  return view.map((v) => ({
    ...(v.ip === undefined ? {} : { ip: v.ip }),
    ...(v.dns === undefined ? {} : { dns: v.dns }),
    port: v.port,
    protocol: PROTOCOLS[v.protocol],
  }));
}

export function rvTo2AddrToView(addr: RvTo2Addr): To2AddressView[] {
  return addr.map((e: RvTo2AddrEntry) => ({
    ...(e.ip === undefined ? {} : { ip: e.ip }),
    ...(e.dns === undefined ? {} : { dns: e.dns }),
    port: e.port,
    protocol: e.protocol === TransportProtocol.ProtHTTPS ? 'https' : 'http',
  }));
}

/** The stored TO2 address, or `fallback` when none is set; read at every use, so a change applies at once. */
export function storedTo2Address(store: Store, fallback: RvTo2Addr): () => Promise<{ addr: RvTo2Addr; source: 'setting' | 'default' }> {
  return async () => {
    const value = await store.settings.get(OWNER_SCOPE, OwnerSettingKey.to2Address);
    if (value === undefined) return { addr: fallback, source: 'default' };
    // Stored values passed parseTo2Addresses on the way in; checking again costs little and keeps a
    // hand-edited database from sending devices nowhere.
    return {
      addr: rvTo2AddrFromView(parseTo2Addresses((value as { addresses?: unknown })?.addresses, 'owner/to2-address')),
      source: 'setting',
    };
  };
}

export interface To2AddressContext {
  /** This server's computed TO2 address, used while none is stored. */
  defaultTo2Address?: RvTo2Addr;
}

export const ownerTo2AddressRoutes: RouteFactory = (ctx) => {
  const current = storedTo2Address(ctx.store, ctx.defaultTo2Address ?? []);
  const show = async () => {
    const { addr, source } = await current();
    return { addresses: rvTo2AddrToView(addr), source };
  };
  return [
    {
      method: 'GET',
      url: '/owner/to2-address',
      roles: ['owner'],
      summary: 'The TO2 address this owner registers with the rendezvous (TO0)',
      openapi: { responses: { 200: jsonResponse('the TO2 address and where it comes from', TO2_ADDRESS_VIEW_SCHEMA) } },
      handler: show,
    },
    {
      method: 'PUT',
      url: '/owner/to2-address',
      roles: ['owner'],
      summary: 'Set the TO2 address registered from now on (registrations already made keep theirs until renewed)',
      openapi: {
        requestBody: { required: true, content: { 'application/json': { schema: TO2_ADDRESS_SCHEMA } } },
        responses: { 200: jsonResponse('the TO2 address now in force', TO2_ADDRESS_VIEW_SCHEMA) },
      },
      async handler(request) {
        const addresses = parseTo2AddressBody(request.body);
        await changeSetting(ctx.store, request, {
          scope: OWNER_SCOPE,
          key: OwnerSettingKey.to2Address,
          action: 'owner.to2-address',
          value: { addresses },
        });
        return show();
      },
    },
    {
      method: 'DELETE',
      url: '/owner/to2-address',
      roles: ['owner'],
      summary: "Forget the stored TO2 address; the server's computed one applies again",
      openapi: { responses: { 200: jsonResponse('the TO2 address now in force', TO2_ADDRESS_VIEW_SCHEMA) } },
      async handler(request) {
        await changeSetting(ctx.store, request, { scope: OWNER_SCOPE, key: OwnerSettingKey.to2Address, action: 'owner.to2-address' });
        return show();
      },
    },
  ];
};
