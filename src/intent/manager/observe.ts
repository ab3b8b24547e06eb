/**
 * A source tells the manager about a device (FDO onboarding, DHCP, LLDP, the API, a certificate).
 * The MAC is the key; an observation without one (FDO knows the GUID and the address the device
 * came from) joins the device with that address, or waits, keyed by address, for a source that
 * knows the MAC of that address.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { IntentDeviceInput, IntentDeviceRecord } from '../../store/intent-device-repository.ts';
import { INTENT_URL_SOURCES } from '../../store/intent-device-repository.ts';
import { IntentError } from '../errors.ts';
import { normaliseMac } from '../ip.ts';
import { audit, input, type ManagerCore } from './core.ts';
import { refreshDevice } from './refresh.ts';
import type { IntentObservation } from './types.ts';

/** Settings scope of observations that wait for a MAC, keyed by address. */
export const PENDING_SCOPE = 'intent.pending';
/** The longest MUD URL accepted (RFC 8520 leaves it open; DHCP carries at most 255 bytes). */
export const MAX_MUD_URL_CHARS = 2048;

const bad = (where: string, message: string) => new IntentError('ERR_INTENT_DEVICE_INPUT', where, message);

function check(o: IntentObservation): IntentObservation {
  const out: IntentObservation = { source: o.source };
  if (!INTENT_URL_SOURCES.includes(o.source)) throw bad('source', `unknown MUD URL source ${JSON.stringify(o.source)}`);
  if (o.mac !== undefined) {
    const mac = normaliseMac(String(o.mac));
    if (mac === undefined) throw bad('mac', `${JSON.stringify(String(o.mac).slice(0, 40))} is not a MAC address`);
    out.mac = mac;
  }
  if (o.ipv4 !== undefined) {
    if (!isIPv4(o.ipv4)) throw bad('ipv4', `${JSON.stringify(String(o.ipv4).slice(0, 60))} is not an IPv4 address`);
    out.ipv4 = o.ipv4;
  }
  if (o.ipv6 !== undefined) {
    if (!isIPv6(o.ipv6) || o.ipv6.includes('%')) throw bad('ipv6', `${JSON.stringify(String(o.ipv6).slice(0, 60))} is not an IPv6 address`);
    // One spelling per address, so that lookups by address find it: the URL parser's compressed form.
    out.ipv6 = new URL(`http://[${o.ipv6}]/`).hostname.slice(1, -1);
  }
  if (o.mudUrl !== undefined) {
    if (typeof o.mudUrl !== 'string' || o.mudUrl.length === 0 || o.mudUrl.length > MAX_MUD_URL_CHARS)
      throw bad('mudUrl', `a MUD URL is 1..${MAX_MUD_URL_CHARS} characters`);
    out.mudUrl = o.mudUrl;
  }
  if (o.guid !== undefined) {
    const g = String(o.guid).toLowerCase().replaceAll('-', '');
    if (!/^[0-9a-f]{32}$/.test(g)) throw bad('guid', 'a GUID is 32 hex digits');
    out.guid = g;
  }
  if (o.name !== undefined) {
    if (typeof o.name !== 'string' || o.name.length > 128) throw bad('name', 'a name is at most 128 characters');
    out.name = o.name;
  }
  return out;
}

const addressKeys = (o: IntentObservation) => [o.ipv4, o.ipv6].filter((a) => a !== undefined);

async function takePending(core: ManagerCore, o: IntentObservation): Promise<Partial<IntentObservation>> {
  let merged: Partial<IntentObservation> = {};
  for (const a of addressKeys(o)) {
    const p = (await core.o.store.settings.get(PENDING_SCOPE, a)) as Partial<IntentObservation> | undefined;
    if (p === undefined || p === null) continue;
    merged = { ...merged, ...p };
    await core.o.store.settings.delete(PENDING_SCOPE, a);
  }
  return merged;
}

export async function observe(core: ManagerCore, raw: IntentObservation, actor: string): Promise<IntentDeviceRecord | undefined> {
  let o = check(raw);
  if (o.mac === undefined) {
    if (addressKeys(o).length === 0) throw bad('mac', 'a device is known by its MAC or by an address');
    const known = await core.o.store.intentDevices.findByAddress({
      ...(o.ipv4 ? { ipv4: o.ipv4 } : {}),
      ...(o.ipv6 ? { ipv6: o.ipv6 } : {}),
    });
    if (known === undefined) {
      for (const a of addressKeys(o)) await core.o.store.settings.put(PENDING_SCOPE, a, o);
      await audit(core, actor, 'intent.device.pending', addressKeys(o).join(','), { source: o.source, mudUrl: o.mudUrl ?? null });
      return undefined;
    }
    o = { ...o, mac: known.mac };
  } else {
    const waiting = await takePending(core, o);
    const fromWaiting = o.mudUrl === undefined && waiting.mudUrl !== undefined;
    o = { ...waiting, ...o, guid: o.guid ?? waiting.guid, mudUrl: o.mudUrl ?? waiting.mudUrl } as IntentObservation;
    if (fromWaiting && waiting.source !== undefined) o.source = waiting.source;
    for (const k of ['guid', 'mudUrl'] as const) if (o[k] === undefined) delete o[k];
  }
  const mac = o.mac as string;
  const existing = await core.o.store.intentDevices.get(mac);
  const base: IntentDeviceInput =
    existing === undefined ? { mac, urlSource: o.source, names: [], state: 'pending', ruleCount: 0 } : input(existing);
  const next: IntentDeviceInput = { ...base };
  for (const k of ['guid', 'name', 'ipv4', 'ipv6'] as const) if (o[k] !== undefined) next[k] = o[k];
  if (o.mudUrl !== undefined && o.mudUrl !== base.mudUrl) {
    next.mudUrl = o.mudUrl;
    next.urlSource = o.source;
  }
  if (next.state === 'removed') next.state = 'pending';
  const changed =
    existing === undefined ||
    existing.state === 'removed' ||
    next.mudUrl !== existing.mudUrl ||
    next.ipv4 !== existing.ipv4 ||
    next.ipv6 !== existing.ipv6;
  const saved = await core.o.store.intentDevices.put(next);
  await audit(core, actor, 'intent.device.observed', mac, { source: o.source, mudUrl: next.mudUrl ?? null, changed });
  if (!changed) return saved;
  return refreshDevice(core, saved, existing !== undefined && next.mudUrl !== existing.mudUrl, actor);
}
