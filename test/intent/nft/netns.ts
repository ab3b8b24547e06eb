/** Network namespaces for the nftables tests: made with `ip`, always deleted by the caller. */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

const hasTool = (cmd: string, ...args: string[]): boolean => spawnSync(cmd, args).status === 0;

/** Why a test needing root and the given tools cannot run here, or false when it can. */
export function skipReason(...tools: [string, ...string[]][]): string | false {
  if (process.getuid?.() !== 0) return 'not root: no network namespaces, skipped';
  for (const [cmd, ...args] of [['nft', '--version'], ['ip', '-V'], ...tools] as [string, ...string[]][])
    if (!hasTool(cmd, ...args)) return `${cmd} is not installed: skipped`;
  return false;
}

/** Runs a command and fails the test when it exits non-zero. */
export function sh(...args: string[]): string {
  const r = spawnSync(args[0] as string, args.slice(1), { encoding: 'utf8' });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** `nft list ruleset` inside a namespace. */
export const ruleset = (ns: string): string => sh('ip', 'netns', 'exec', ns, 'nft', 'list', 'ruleset');

/**
 * A device namespace `a` (MAC `mac`, 192.0.2.2) and a host `c` (198.51.100.2) on either side of a
 * router namespace `r` that forwards between them.
 */
export function routedPair(r: string, a: string, c: string, mac: string, tag: string): void {
  for (const n of [r, a, c]) sh('ip', 'netns', 'add', n);
  sh('ip', 'link', 'add', `va${tag}`, 'type', 'veth', 'peer', 'name', 'ra', 'netns', r);
  sh('ip', 'link', 'set', `va${tag}`, 'netns', a);
  sh('ip', '-n', a, 'link', 'set', `va${tag}`, 'name', 'va', 'address', mac);
  sh('ip', 'link', 'add', `vc${tag}`, 'type', 'veth', 'peer', 'name', 'rc', 'netns', r);
  sh('ip', 'link', 'set', `vc${tag}`, 'netns', c);
  sh('ip', '-n', c, 'link', 'set', `vc${tag}`, 'name', 'vc');
  for (const [ns, dev, addr, gw] of [
    [a, 'va', '192.0.2.2/24', '192.0.2.1'],
    [c, 'vc', '198.51.100.2/24', '198.51.100.1'],
  ] as const) {
    sh('ip', '-n', ns, 'addr', 'add', addr, 'dev', dev);
    sh('ip', '-n', ns, 'link', 'set', dev, 'up');
    sh('ip', '-n', ns, 'route', 'add', 'default', 'via', gw);
  }
  sh('ip', '-n', r, 'addr', 'add', '192.0.2.1/24', 'dev', 'ra');
  sh('ip', '-n', r, 'addr', 'add', '198.51.100.1/24', 'dev', 'rc');
  sh('ip', '-n', r, 'link', 'set', 'ra', 'up');
  sh('ip', '-n', r, 'link', 'set', 'rc', 'up');
  sh('ip', 'netns', 'exec', r, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
}

const UDP_SEND =
  "const [h,p,n]=process.argv.slice(1);const s=require('dgram').createSocket('udp4');let k=0;const go=()=>{if(k++>=+n){s.close();return}s.send('x',+p,h,go)};go();";

/** Sends `count` UDP datagrams from namespace `ns` to HOST:PORT. */
export function sendUdp(ns: string, host: string, port: number, count: number): void {
  sh('ip', 'netns', 'exec', ns, process.execPath, '-e', UDP_SEND, host, String(port), String(count));
}

/** Deletes namespaces, ignoring those that are gone. */
export function deleteNamespaces(...names: string[]): void {
  for (const n of names) spawnSync('ip', ['netns', 'delete', n]);
}

const TCP_SERVER =
  "const n=require('net');for(const p of [8080,8081])n.createServer(s=>s.end('ok')).listen(p,'0.0.0.0',()=>{if(p===8081)console.log('ready')});";
const TCP_CLIENT =
  "const [h,p]=process.argv.slice(1);const s=require('net').connect({host:h,port:+p,timeout:1500});let d='';s.on('data',x=>{d+=x});s.on('end',()=>{console.log(d==='ok'?'open':'closed');process.exit(0)});s.on('timeout',()=>{console.log('blocked');process.exit(0)});s.on('error',()=>{console.log('blocked');process.exit(0)});";

/** TCP servers on ports 8080 and 8081 in namespace `ns` answering `ok`; resolves once they listen. */
export async function tcpServers(ns: string): Promise<ChildProcess> {
  const server = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', TCP_SERVER]);
  await new Promise((ok) => server.stdout?.once('data', ok));
  return server;
}

/** A TCP connection from namespace `ns` to HOST:PORT: `open`, `closed` or `blocked` (no answer within 1.5 s). */
export const tcpConnect = (ns: string, host: string, port: number): string =>
  spawnSync('ip', ['netns', 'exec', ns, process.execPath, '-e', TCP_CLIENT, host, String(port)], { encoding: 'utf8' }).stdout.trim();
