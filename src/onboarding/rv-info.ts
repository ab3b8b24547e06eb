/**
 * The manufacturer's rendezvous info (FDO 1.1 §3.3.13 RendezvousInfo, OVRVInfo of every voucher
 * made at DI): where new devices will look for their owner. Kept as JSON directives in the
 * manufacturer/rv-info setting and read by DI for each new device; without a stored value DI uses
 * the default the server computes from its own address.
 */
import { isIP } from 'node:net';
import { type Static, Type } from 'typebox';
import { RVProtocolValue } from '../fdo/constants/rendezvous.ts';
import { type RendezvousInfo, rendezvousDirectiveFromView, rendezvousDirectiveView } from '../fdo/types/rendezvous-info.ts';
import type { Store } from '../store/store.ts';
import { addressRefusal, type RendezvousAddressPolicy } from './address-policy.ts';
import { changeSetting, invalidSetting, readSetting, settingValue } from './settings.ts';

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

const FLAGS = ['devOnly', 'ownerOnly', 'userInput', 'bypass'] as const;
const port = () => Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 }));
// Wi-Fi texts are at most 255 bytes; the schema bounds characters, the byte count is checked below.
const wifiText = () => Type.Optional(Type.String({ minLength: 1, maxLength: 255 }));

/** One directive as JSON: the RendezvousInstr variables the API sets, by name. */
export const RvDirective = Type.Object(
  {
    dns: Type.Optional(Type.String({ format: 'hostname' })),
    ipAddress: Type.Optional(Type.String({ description: 'IPv4 or IPv6 address' })),
    devPort: port(),
    ownerPort: port(),
    protocol: Type.Optional(Type.Enum(Object.keys(RV_PROTOCOLS))),
    delaySec: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
    medium: Type.Optional(Type.Integer({ minimum: 0, maximum: 255, description: 'an RVMediumValue' })),
    wifiSsid: wifiText(),
    wifiPw: wifiText(),
    devOnly: Type.Optional(Type.Boolean()),
    ownerOnly: Type.Optional(Type.Boolean()),
    userInput: Type.Optional(Type.Boolean()),
    bypass: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, description: 'one RendezvousDirective (FDO 1.1 §3.3.13); dns or ipAddress is required' },
);
export type RvDirectiveJson = Static<typeof RvDirective>;

export const RvDirectives = Type.Array(RvDirective, { minItems: 1, maxItems: MAX_RV_DIRECTIVES });

const withoutUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The rules between members, which the schema does not state; returns the directive normalised. */
function directiveRules(d: RvDirectiveJson, w: string): RvDirectiveJson {
  if (d.ipAddress !== undefined && isIP(d.ipAddress) === 0) throw invalidSetting(`${w}.ipAddress`, 'an IPv4 or IPv6 address');
  if (d.dns === undefined && d.ipAddress === undefined) throw invalidSetting(w, 'give dns or ipAddress: where the rendezvous server is');
  for (const text of ['wifiSsid', 'wifiPw'] as const) {
    const v = d[text];
    if (v !== undefined && Buffer.byteLength(v) > 255) throw invalidSetting(`${w}.${text}`, 'a string of 1 to 255 bytes');
  }
  if (d.wifiPw !== undefined && d.wifiSsid === undefined) throw invalidSetting(`${w}.wifiPw`, 'only together with wifiSsid');
  if (d.devOnly && d.ownerOnly) throw invalidSetting(w, 'devOnly and ownerOnly together leave the directive to nobody');
  // Members in the documented order; a flag is kept only when set.
  const flag = (v: boolean | undefined) => (v === true ? true : undefined);
  return withoutUndefined({
    dns: d.dns,
    ipAddress: d.ipAddress,
    devPort: d.devPort,
    ownerPort: d.ownerPort,
    protocol: d.protocol,
    delaySec: d.delaySec,
    medium: d.medium,
    wifiSsid: d.wifiSsid,
    wifiPw: d.wifiPw,
    devOnly: flag(d.devOnly),
    ownerOnly: flag(d.ownerOnly),
    userInput: flag(d.userInput),
    bypass: flag(d.bypass),
  });
}

/** Checks a directive list from outside (a request, or the store) and returns it normalised. */
export function parseRvDirectives(value: unknown, where = 'directives'): RvDirectiveJson[] {
  return settingValue(RvDirectives, value, where).map((d, i) => directiveRules(d, `${where}[${i}]`));
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

/** The stored directives, or undefined when the manufacturer set none; a hand-edited value is ERR_SETTING_CORRUPT. */
export function storedRvDirectives(store: Pick<Store, 'settings'>): Promise<RvDirectiveJson[] | undefined> {
  // DI then fails rather than write vouchers nobody can follow.
  return readSetting(store, { scope: MANUFACTURER_SCOPE, key: RV_INFO_KEY, what: 'rendezvous info' }, (v) => parseRvDirectives(v));
}

/** Rendezvous info holds a secret, and is stored sealed, when a directive carries a Wi-Fi password. */
export function rvInfoHoldsSecret(directives: unknown): boolean {
  return (
    Array.isArray(directives) && directives.some((d) => typeof d === 'object' && d !== null && 'wifiPw' in d && d.wifiPw !== undefined)
  );
}

/**
 * Owners connect to these hosts for TO0 (§3.7), so each dns and ipAddress must pass the address
 * policy. Stored values are not checked again when read: the policy applies when one is set.
 */
function checkAddresses(directives: readonly RvDirectiveJson[], addresses: RendezvousAddressPolicy): void {
  for (const [i, d] of directives.entries()) {
    for (const member of ['dns', 'ipAddress'] as const) {
      const host = d[member];
      const reason = host === undefined ? undefined : addressRefusal(host, addresses);
      if (reason !== undefined) throw invalidSetting(`directives[${i}].${member}`, reason);
    }
  }
}

/** Stores the directives (or with none, forgets them) with an audit record; their hosts must pass the address policy. */
export async function setRvDirectives(store: Store, actor: string, value: unknown, addresses: RendezvousAddressPolicy): Promise<void> {
  if (value === undefined) {
    await changeSetting(store, actor, { scope: MANUFACTURER_SCOPE, key: RV_INFO_KEY, action: 'manufacturer.rv-info' });
    return;
  }
  const directives = parseRvDirectives(value);
  checkAddresses(directives, addresses);
  // Devices and owners decode what DI writes: a value our own decoder would refuse is never stored.
  for (const [i, d] of rvInfoFromJson(directives).entries()) rendezvousDirectiveView(d, `directives[${i}]`);
  await changeSetting(store, actor, {
    scope: MANUFACTURER_SCOPE,
    key: RV_INFO_KEY,
    action: 'manufacturer.rv-info',
    value: directives,
    sealed: rvInfoHoldsSecret(directives),
    // The audit log is read by auditors: a Wi-Fi password is recorded as present, not as text.
    details: { directives: directives.map((d) => (d.wifiPw === undefined ? d : { ...d, wifiPw: '(set)' })) },
  });
}
