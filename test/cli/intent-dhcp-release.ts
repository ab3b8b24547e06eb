/**
 * Sends a DHCPRELEASE (RFC 2131 §4.4.6) for a lease from inside a device namespace: the client
 * side of the end of a lease, for tests whose DHCP client does not release on its own.
 */
import { spawnSync } from 'node:child_process';

/** RFC 2132 §9.6 DHCP message type 7, DHCPRELEASE; §9.7 server identifier; §9.14 client identifier. */
const SENDER = `
const [mac, ip, server] = process.argv.slice(1);
const hw = Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
const addr = (a) => Buffer.from(a.split('.').map(Number));
const fixed = Buffer.alloc(236);
fixed[0] = 1; fixed[1] = 1; fixed[2] = 6;
fixed.writeUInt32BE(Math.floor(Math.random() * 0xffffffff), 4);
addr(ip).copy(fixed, 12);
hw.copy(fixed, 28);
const options = Buffer.concat([
  Buffer.from([99, 130, 83, 99]),
  Buffer.from([53, 1, 7]),
  Buffer.from([54, 4]), addr(server),
  Buffer.from([61, 7, 1]), hw,
  Buffer.from([255]),
]);
const s = require('node:dgram').createSocket('udp4');
s.bind(68, ip, () => s.send(Buffer.concat([fixed, options]), 67, server, (e) => { s.close(); if (e) throw e; }));
`;

/** Configures `ip` on `dev` in namespace `ns` and releases the lease of `mac` at `server`. */
export function releaseLease(ns: string, dev: string, mac: string, ip: string, server: string): void {
  spawnSync('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', dev]);
  const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '-e', SENDER, mac, ip, server], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`DHCPRELEASE: ${r.stderr}`);
}
