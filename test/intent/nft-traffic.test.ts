/**
 * The compiled policy on real Linux forwarding: a router namespace between a device and a "cloud"
 * namespace applies the script; the device may open the port its MUD file allows and nothing else,
 * and the cloud may not open a connection to the device. Needs nft and root (network namespaces).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { compileNft } from '../../src/intent/nft-compile.ts';
import { resolveMud } from '../../src/intent/resolve.ts';
import { mudJson, parse } from './mud-fixture.ts';

const hasNft = spawnSync('nft', ['--version']).status === 0;
const isRoot = process.getuid?.() === 0;
const skip = !hasNft
  ? 'nft is not installed: the forwarding test is skipped'
  : !isRoot
    ? 'not root: no network namespaces, the forwarding test is skipped'
    : false;

const id = randomBytes(3).toString('hex');
const [R, A, C] = ['r', 'a', 'c'].map((n) => `iotopia-t-${id}${n}`) as [string, string, string];
const DEVICE_MAC = '02:00:00:00:00:0a';

function sh(...args: string[]): void {
  const r = spawnSync(args[0] as string, args.slice(1), { encoding: 'utf8' });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
}

function topology(): void {
  for (const n of [R, A, C]) sh('ip', 'netns', 'add', n);
  sh('ip', 'link', 'add', `va${id}`, 'type', 'veth', 'peer', 'name', 'ra', 'netns', R);
  sh('ip', 'link', 'set', `va${id}`, 'netns', A);
  sh('ip', '-n', A, 'link', 'set', `va${id}`, 'name', 'va', 'address', DEVICE_MAC);
  sh('ip', 'link', 'add', `vc${id}`, 'type', 'veth', 'peer', 'name', 'rc', 'netns', R);
  sh('ip', 'link', 'set', `vc${id}`, 'netns', C);
  sh('ip', '-n', C, 'link', 'set', `vc${id}`, 'name', 'vc');
  for (const [ns, dev, addr, gw] of [
    [A, 'va', '192.0.2.2/24', '192.0.2.1'],
    [C, 'vc', '198.51.100.2/24', '198.51.100.1'],
  ] as const) {
    sh('ip', '-n', ns, 'addr', 'add', addr, 'dev', dev);
    sh('ip', '-n', ns, 'link', 'set', dev, 'up');
    sh('ip', '-n', ns, 'route', 'add', 'default', 'via', gw);
  }
  sh('ip', '-n', R, 'addr', 'add', '192.0.2.1/24', 'dev', 'ra');
  sh('ip', '-n', R, 'addr', 'add', '198.51.100.1/24', 'dev', 'rc');
  sh('ip', '-n', R, 'link', 'set', 'ra', 'up');
  sh('ip', '-n', R, 'link', 'set', 'rc', 'up');
  sh('ip', 'netns', 'exec', R, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
}

const SERVER =
  "const n=require('net');for(const p of [8080,8081])n.createServer(s=>s.end('ok')).listen(p,'0.0.0.0',()=>{if(p===8081)console.log('ready')});";
const CLIENT =
  "const [h,p]=process.argv.slice(1);const s=require('net').connect({host:h,port:+p,timeout:2000});let d='';s.on('data',x=>{d+=x});s.on('end',()=>{console.log(d==='ok'?'open':'closed');process.exit(0)});s.on('timeout',()=>{console.log('blocked');process.exit(0)});s.on('error',()=>{console.log('blocked');process.exit(0)});";

function serve(ns: string): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', SERVER]);
  return new Promise((ok, fail) => {
    child.stdout.once('data', () => ok(child));
    child.once('exit', (code) => fail(new Error(`server in ${ns} exited ${code}`)));
  });
}

const connect = (from: string, host: string, port: number): string =>
  spawnSync('ip', ['netns', 'exec', from, process.execPath, '-e', CLIENT, host, String(port)], { encoding: 'utf8' }).stdout.trim();

describe('a compiled policy enforced on the forward path', { skip }, () => {
  const servers: ChildProcess[] = [];
  before(async () => {
    topology();
    servers.push(await serve(C), await serve(A));
  });
  after(() => {
    for (const s of servers) s.kill();
    for (const n of [R, A, C]) spawnSync('ip', ['netns', 'delete', n]);
  });

  test('before: everything is open; after: only the allowed port, opened by the device', () => {
    assert.equal(connect(A, '198.51.100.2', 8081), 'open');
    assert.equal(connect(C, '192.0.2.2', 8080), 'open');
    const file = parse(
      mudJson(
        [
          {
            ipv4: { protocol: 6, 'ietf-acldns:dst-dnsname': 'cloud.example.com' },
            tcp: { 'destination-port': { operator: 'eq', port: 8080 }, 'ietf-mud:direction-initiated': 'from-device' },
          },
        ],
        [
          {
            ipv4: { protocol: 6, 'ietf-acldns:src-dnsname': 'cloud.example.com' },
            tcp: { 'source-port': { operator: 'eq', port: 8080 }, 'ietf-mud:direction-initiated': 'from-device' },
          },
        ],
      ),
    );
    const script = compileNft(
      resolveMud(file, {
        mac: DEVICE_MAC,
        ipv4: '192.0.2.2',
        controllers: new Map(),
        myControllers: [],
        localNetworks: [],
        names: new Map([['cloud.example.com', ['198.51.100.2']]]),
      }),
    );
    const applied = spawnSync('ip', ['netns', 'exec', R, 'nft', '-f', '-'], { input: script, encoding: 'utf8' });
    assert.equal(applied.status, 0, applied.stderr);
    assert.equal(connect(A, '198.51.100.2', 8080), 'open', 'the allowed flow, opened by the device');
    assert.equal(connect(A, '198.51.100.2', 8081), 'blocked', 'another port: default deny');
    assert.equal(connect(C, '192.0.2.2', 8080), 'blocked', 'the cloud may not open a connection to the device');
  });
});
