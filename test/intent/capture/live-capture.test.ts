/**
 * A real capture: busybox udhcpc in one network namespace sends DHCP requests carrying a MUD URL
 * (option 161), tcpdump in the peer namespace writes them to a pipe (`tcpdump -w -`), and the reader
 * yields the request while tcpdump is still running (the capture is streamed, not read at its end).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mudUrls } from '../../../src/intent/capture/mud-urls.ts';
import { decodeFrames, readFrames } from '../../../src/intent/capture/read-capture.ts';

const URL = 'https://mud.example.com/iotopia/coffee.json';
const hasTool = (t: string): boolean => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;
const skip =
  process.getuid?.() !== 0
    ? 'needs root to create network namespaces'
    : (['ip', 'tcpdump', 'busybox'].find((t) => !hasTool(t)) ?? '') !== ''
      ? `needs ${['ip', 'tcpdump', 'busybox'].find((t) => !hasTool(t))}`
      : false;

const DEV = `iotcapd${process.pid}`;
const GW = `iotcapg${process.pid}`;
const ip = (...args: string[]): void => {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
};

/** busybox udhcpc in the device namespace, sending DHCP discovers with the MUD URL as option 161 (RFC 8520 §10): up to `tries` discovers, a second apart. */
const askForLease = (tries: number): ChildProcess =>
  spawn(
    'ip',
    [
      'netns',
      'exec',
      DEV,
      'busybox',
      'udhcpc',
      '-i',
      'vd0',
      '-f',
      '-n',
      '-q',
      '-t',
      String(tries),
      '-T',
      '1',
      '-s',
      '/bin/true',
      '-x',
      `0xa1:${Buffer.from(URL, 'ascii').toString('hex')}`,
    ],
    { stdio: 'ignore' },
  );

describe('a live capture from tcpdump -w -', { skip }, () => {
  const children: ChildProcess[] = [];
  const groups: ChildProcess[] = [];
  before(() => {
    ip('netns', 'add', DEV);
    ip('netns', 'add', GW);
    ip('link', 'add', 'vd0', 'netns', DEV, 'type', 'veth', 'peer', 'name', 'vg0', 'netns', GW);
    ip('-n', DEV, 'link', 'set', 'vd0', 'address', '02:00:5e:00:53:01', 'up');
    ip('-n', GW, 'link', 'set', 'vg0', 'up');
  });
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const g of groups) {
      try {
        if (g.pid !== undefined) process.kill(-g.pid, 'SIGKILL');
      } catch {
        // The group has already ended.
      }
    }
    spawnSync('ip', ['netns', 'del', DEV]);
    spawnSync('ip', ['netns', 'del', GW]);
  });

  it('yields the DHCP request with option 161 while tcpdump still runs', async () => {
    const tcpdump = spawn('ip', ['netns', 'exec', GW, 'tcpdump', '-i', 'vg0', '-U', '-w', '-', 'udp port 67'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(tcpdump);
    // tcpdump says "listening on" once its capture is open.
    await new Promise<void>((res, rej) => {
      tcpdump.stderr.on('data', (b: Buffer) => {
        if (b.toString().includes('listening on')) res();
      });
      tcpdump.on('exit', (code) => rej(new Error(`tcpdump exited ${code}`)));
    });
    const udhcpc = askForLease(5);
    children.push(udhcpc);
    let found: { mac: string; url: string; source: string } | undefined;
    for await (const s of mudUrls(decodeFrames(readFrames(tcpdump.stdout)))) {
      found = s;
      break;
    }
    assert.equal(tcpdump.exitCode, null, 'tcpdump is still running: the frames were read as they came');
    assert.deepEqual(found && { mac: found.mac, url: found.url, source: found.source }, {
      mac: '02:00:5e:00:53:01',
      url: URL,
      source: 'dhcpv4',
    });
    udhcpc.kill('SIGKILL');
    tcpdump.kill('SIGKILL');
  });

  it('iotopia intent urls --pcap - reads tcpdump -w - from a pipe', async () => {
    const bin = resolve(import.meta.dirname, '../../../bin/iotopia.js');
    const pipeline = `tcpdump -i vg0 -U -c 2 -w - 'udp port 67' 2>/dev/null | "$1" "$2" intent urls --pcap - --json`;
    // Its own process group, so a failed run can end the whole pipeline (tcpdump and the CLI).
    const cli = spawn('ip', ['netns', 'exec', GW, 'sh', '-c', pipeline, 'sh', process.execPath, bin], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    groups.push(cli);
    const out: Buffer[] = [];
    cli.stdout.on('data', (b: Buffer) => out.push(b));
    const udhcpc = askForLease(10);
    children.push(udhcpc);
    const code = await new Promise<number | null>((res) => cli.on('exit', res));
    assert.equal(code, 0);
    const j = JSON.parse(Buffer.concat(out).toString('utf8')) as {
      devices: { mac: string; urls: { url: string; sources: string[] }[] }[];
      stats: { frames: number };
    };
    assert.equal(j.stats.frames, 2);
    assert.deepEqual(
      j.devices.map((d) => [d.mac, d.urls.map((u) => [u.url, u.sources])]),
      [['02:00:5e:00:53:01', [[URL, ['dhcpv4']]]]],
    );
  });
});
