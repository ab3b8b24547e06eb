/**
 * The owner's TO2 address: the RVTO2Addr entries (FDO 1.1 §3.3.14) it registers in TO0, which the
 * rendezvous hands to devices in TO1 so they know where to run TO2. Stored under owner/to2-address;
 * without it the server registers the address it computed from its own listen address.
 */
import { isIP } from 'node:net';
import { type Static, Type } from 'typebox';
import { TransportProtocol } from '../fdo/constants/rendezvous.ts';
import type { RvTo2Addr, RvTo2AddrEntry } from '../fdo/types/rv-to2-addr.ts';
import type { Store } from '../store/store.ts';
import { changeSetting, invalidSetting, OWNER_SCOPE, OwnerSettingKey, readSetting, settingValue } from './settings.ts';

/** RVTO2Addr holds at most this many entries here (the decoder's limit, rv-to2-addr.ts). */
const MAX_ENTRIES = 32;
const PROTOCOLS = { http: TransportProtocol.ProtHTTP, https: TransportProtocol.ProtHTTPS } as const;

/** What the API shows and takes: one object per RVTO2Addr entry, the protocol by name. */
export const To2AddressEntry = Type.Object(
  {
    ip: Type.Optional(Type.String({ description: 'IPv4 or IPv6 address' })),
    dns: Type.Optional(Type.String({ format: 'hostname', description: 'DNS name' })),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    protocol: Type.Enum(['http', 'https']),
  },
  { additionalProperties: false, description: 'one RVTO2Addr entry; at least one of ip and dns' },
);
export type To2AddressView = Static<typeof To2AddressEntry>;

export const To2Addresses = Type.Array(To2AddressEntry, { minItems: 1, maxItems: MAX_ENTRIES });
/** The setting, and the body that sets it. */
export const To2AddressSetting = Type.Object({ addresses: To2Addresses }, { additionalProperties: false });

/** Checks the setting's value (`{ addresses: [...] }`); every failure names the member at fault under `root`. */
export function parseTo2AddressSetting(value: unknown, root = 'body'): To2AddressView[] {
  const { addresses } = settingValue(To2AddressSetting, value, root);
  return addresses.map((e, i) => {
    if (e.ip !== undefined && isIP(e.ip) === 0) throw invalidSetting(`addresses[${i}].ip`, 'an IPv4 or IPv6 address');
    if (e.ip === undefined && e.dns === undefined) throw invalidSetting(`addresses[${i}]`, 'needs ip or dns');
    // Key order as documented, whatever order the client sent.
    return {
      ...(e.ip === undefined ? {} : { ip: e.ip }),
      ...(e.dns === undefined ? {} : { dns: e.dns }),
      port: e.port,
      protocol: e.protocol,
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
    // Checking the stored value again costs little and keeps a hand-edited database from sending devices nowhere.
    const view = await readSetting(store, { scope: OWNER_SCOPE, key: OwnerSettingKey.to2Address, what: 'TO2 address' }, (v) =>
      parseTo2AddressSetting(v, 'owner/to2-address'),
    );
    return view === undefined ? { addr: fallback, source: 'default' } : { addr: rvTo2AddrFromView(view), source: 'setting' };
  };
}

/** Stores the TO2 address (or with none, forgets it) with an audit record. */
export async function setTo2Address(store: Store, actor: string, value: unknown): Promise<void> {
  const addresses = value === undefined ? undefined : parseTo2AddressSetting(value);
  await changeSetting(store, actor, {
    scope: OWNER_SCOPE,
    key: OwnerSettingKey.to2Address,
    action: 'owner.to2-address',
    ...(addresses === undefined ? {} : { value: { addresses } }),
  });
}
