/** MUD files for the probe tests: ACEs written as RFC 8519/8520 JSON, validated strictly. */
import type { MudFile } from '../../../src/mud/model/mud-file.ts';
import { parseMud } from '../../../src/mud/validate/parse-mud.ts';

export const MUD_URL = 'https://lab.example.com/mud/probe-device.json';

type Json = Record<string, unknown>;

/** An ACE accepting TCP to `port` (eq) with `direction-initiated` as given. */
export function tcpAce(name: string, port: Json | undefined, extra: Json = {}, action = 'accept'): Json {
  const tcp: Json = { ...extra };
  if (port !== undefined) tcp['destination-port'] = port;
  return { name, matches: { ipv4: { protocol: 6 }, tcp }, actions: { forwarding: action } };
}

export const eq = (port: number): Json => ({ operator: 'eq', port });

/** A MUD file whose to-device policy is one ACL per entry of `to` (and from-device likewise), as JSON text. */
export function mudJson(to: Json[][], from: Json[][] = [], type = 'ipv4-acl-type'): string {
  const acls: Json[] = [];
  const names = (list: Json[][], tag: string) =>
    list.map((aces, i) => {
      const name = `${tag}-${i}`;
      acls.push({ name, type, aces: { ace: aces } });
      return { name };
    });
  const toNames = names(to, 'to');
  const fromNames = names(from, 'from');
  const mud: Json = {
    'mud-version': 1,
    'mud-url': MUD_URL,
    'last-update': '2026-12-01T08:00:00Z',
    'is-supported': true,
    systeminfo: 'probe test device',
  };
  if (toNames.length > 0) mud['to-device-policy'] = { 'access-lists': { 'access-list': toNames } };
  if (fromNames.length > 0) mud['from-device-policy'] = { 'access-lists': { 'access-list': fromNames } };
  return JSON.stringify({ 'ietf-mud:mud': mud, 'ietf-access-control-list:acls': { acl: acls } }, null, 2);
}

/** mudJson, parsed; throws with the validation errors when the file is not valid. */
export function mudFile(to: Json[][], from: Json[][] = [], type = 'ipv4-acl-type'): MudFile {
  const r = parseMud(mudJson(to, from, type));
  if (r.mud === undefined) throw new Error(`test MUD file invalid: ${JSON.stringify(r.errors)}`);
  return r.mud;
}
