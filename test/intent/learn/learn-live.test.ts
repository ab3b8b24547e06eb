/**
 * Learning from real kernel traffic: in network namespaces made here, a device resolves a name
 * through dnsmasq on its gateway and opens a TCP connection to the address it got; tcpdump on the
 * gateway's side of the link writes the capture. The learned file names the peer by DNS name, keeps
 * the service port and the initiator, and the same capture conforms to it.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readPackets } from '../../../src/intent/capture/read-capture.ts';
import { learnMud } from '../../../src/intent/learn/learn.ts';
import { conform } from '../../../src/intent/verdict/conform.ts';

const TOOLS = ['ip', 'tcpdump', 'dnsmasq'];
const hasTool = (t: string): boolean => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;
const missing = TOOLS.find((t) => !hasTool(t));
const skip = process.getuid?.() !== 0 ? 'needs root to create network namespaces' : missing !== undefined ? `needs ${missing}` : false;

const DEV = `iotlrnd${process.pid}`;
const GW = `iotlrng${process.pid}`;
const DEVICE_MAC = '02:00:5e:00:53:21';
const GATEWAY_MAC = '02:00:5e:00:53:20';
const run = (...args: string[]): void => {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
};

/** Resolves when the child's stderr (or stdout) shows `text`; rejects when it exits first. */
function waitFor(child: ChildProcess, text: string): Promise<void> {
  return new Promise((res, rej) => {
    let seen = '';
    const on = (b: Buffer) => {
      seen += b.toString();
      if (seen.includes(text)) res();
    };
    child.stderr?.on('data', on);
    child.stdout?.on('data', on);
    child.on('exit', (code) => rej(new Error(`exited ${code} before "${text}": ${seen}`)));
  });
}

describe('learning from a capture of real traffic', { skip }, () => {
  const children: ChildProcess[] = [];
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'iotopia-learn-live-'));
    run('ip', 'netns', 'add', DEV);
    run('ip', 'netns', 'add', GW);
    run('ip', 'link', 'add', 'vd0', 'netns', DEV, 'type', 'veth', 'peer', 'name', 'vg0', 'netns', GW);
    run('ip', '-n', DEV, 'link', 'set', 'vd0', 'address', DEVICE_MAC, 'up');
    run('ip', '-n', GW, 'link', 'set', 'vg0', 'address', GATEWAY_MAC, 'up');
    run('ip', '-n', DEV, 'link', 'set', 'lo', 'up');
    run('ip', '-n', GW, 'link', 'set', 'lo', 'up');
    run('ip', '-n', DEV, 'addr', 'add', '192.0.2.10/24', 'dev', 'vd0');
    run('ip', '-n', GW, 'addr', 'add', '192.0.2.1/24', 'dev', 'vg0');
    // The "internet" server lives on the gateway itself, reached through the default route.
    run('ip', '-n', GW, 'addr', 'add', '198.51.100.7/32', 'dev', 'lo');
    run('ip', '-n', DEV, 'route', 'add', 'default', 'via', '192.0.2.1');
  });
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', DEV]);
    spawnSync('ip', ['netns', 'del', GW]);
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('names the server by the name the device resolved, and the capture conforms to the learned file', async () => {
    const pcap = join(dir, 'device.pcap');
    const dns = spawn(
      'ip',
      [
        'netns',
        'exec',
        GW,
        'dnsmasq',
        '--keep-in-foreground',
        '--log-facility=-',
        '--no-resolv',
        '--no-hosts',
        '--bind-interfaces',
        '--listen-address=192.0.2.1',
        '--address=/cloud.example.com/198.51.100.7',
        `--pid-file=${join(dir, 'dnsmasq.pid')}`,
        '--user=root',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(dns);
    await waitFor(dns, 'started');
    const server = spawn(
      'ip',
      [
        'netns',
        'exec',
        GW,
        process.execPath,
        '-e',
        "require('node:net').createServer((s) => s.end('hello')).listen(8443, '198.51.100.7', () => console.log('listening'))",
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(server);
    await waitFor(server, 'listening');
    const tcpdump = spawn('ip', ['netns', 'exec', GW, 'tcpdump', '-Z', 'root', '--immediate-mode', '-i', 'vg0', '-U', '-w', pcap, 'ip'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(tcpdump);
    await waitFor(tcpdump, 'listening on');
    const client = `
      const { Resolver } = require('node:dns').promises;
      const r = new Resolver(); r.setServers(['192.0.2.1']);
      r.resolve4('cloud.example.com').then(([a]) => {
        const s = require('node:net').connect(8443, a);
        s.on('data', () => {}); s.on('end', () => { s.end(); console.log('done ' + a); });
      });`;
    const c = spawnSync('ip', ['netns', 'exec', DEV, process.execPath, '-e', client], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(c.stdout.trim(), 'done 198.51.100.7', c.stderr);
    // Let the last packets (FIN, ACK) reach the file, then stop tcpdump so it closes the file.
    await new Promise((res) => setTimeout(res, 1500));
    tcpdump.kill('SIGINT');
    await new Promise((res) => tcpdump.on('exit', res));

    const { mud, rules } = await learnMud([readPackets(pcap)], {
      mac: DEVICE_MAC,
      gatewayMac: GATEWAY_MAC,
      mudUrl: 'https://mud.example.com/live.json',
    });
    const summary = rules.map((r) => [
      r.peer.kind === 'domain' ? r.peer.name : r.peer.kind,
      r.flow.protocol,
      r.flow.port,
      r.flow.initiatedBy,
      r.flow.directionInitiated,
    ]);
    assert.deepEqual(summary, [
      ['cloud.example.com', 'tcp', 8443, 'device', undefined],
      ['local-networks', 'udp', 53, 'device', undefined],
    ]);
    const ctx = { mac: DEVICE_MAC, controllers: new Map(), myControllers: [], localNetworks: ['192.0.2.0/24'], names: new Map() };
    const r = await conform(readPackets(pcap), mud, ctx);
    assert.ok(r.judged >= 8, `${r.judged} packets judged`);
    assert.deepEqual(r.violations, []);
  });
});
