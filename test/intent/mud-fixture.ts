/** Small MUD files for the intent tests, made as JSON and parsed by src/mud like any file. */
import assert from 'node:assert/strict';
import type { MudFile } from '../../src/mud/model/mud-file.ts';
import { parseMud } from '../../src/mud/validate/parse-mud.ts';

export const MUD_URL = 'https://things.example.com/lamp';

/** A file whose from-device ACL `from` and to-device ACL `to` each hold the given ACEs' matches. */
export function mudJson(fromMatches: object[], toMatches: object[] = [], names = { from: 'from', to: 'to' }): object {
  const acl = (name: string, matches: object[]) => ({
    name,
    type: 'mixed-eth-ipv4-ipv6-acl-type',
    aces: { ace: matches.map((m, i) => ({ name: `ace${i}`, matches: m, actions: { forwarding: 'accept' } })) },
  });
  return {
    'ietf-mud:mud': {
      'mud-version': 1,
      'mud-url': MUD_URL,
      'last-update': '2026-01-01T00:00:00Z',
      'is-supported': true,
      systeminfo: 'test lamp',
      'from-device-policy': { 'access-lists': { 'access-list': [{ name: names.from }] } },
      'to-device-policy': { 'access-lists': { 'access-list': [{ name: names.to }] } },
    },
    'ietf-access-control-list:acls': { acl: [acl(names.from, fromMatches), acl(names.to, toMatches)] },
  };
}

export function parse(json: object): MudFile {
  const r = parseMud(new TextEncoder().encode(JSON.stringify(json)));
  assert.deepEqual(r.errors, []);
  assert.ok(r.mud !== undefined);
  return r.mud;
}
