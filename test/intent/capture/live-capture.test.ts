/**
 * A real capture: busybox udhcpc in one network namespace sends DHCP requests carrying a MUD URL
 * (option 161), tcpdump in the peer namespace writes them to a pipe (`tcpdump -w -`), and the reader
 * yields the request while tcpdump is still running (the capture is streamed, not read at its end).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { mudUrls } from '../../../src/intent/capture/mud-urls.ts';
import { decodeFrames, readFrames } from '../../../src/intent/capture/read-capture.ts';

const URL = 'https://mud.example.com/iotopia/coffee.json';
const hasTool = (t: string): boolean => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;
const skip =
  process.getuid?.() !== 0
    ? 'needs root to create network namespaces'
    : (['ip', 'tcpdump', 'udhcpc'].find((t) => !hasTool(t)) ?? '') !== ''
      ? `needs ${['ip', 'tcpdump', 'udhcpc'].find((t) => !hasTool(t))}`
      : false;

const DEV = `iotcapd${process.pid}`;
const GW = `iotcapg${process.pid}`;
const ip = (...args: string[]): void => {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
};

describe('a live capture from tcpdump -w -', { skip }, () => {
  const children: ChildProcess[] = [];
  before(() => {
    ip('netns', 'add', DEV);
    ip('netns', 'add', GW);
    ip('link', 'add', 'vd0', 'netns', DEV, 'type', 'veth', 'peer', 'name', 'vg0', 'netns', GW);
    ip('-n', DEV, 'link', 'set', 'vd0', 'address', '02:00:5e:00:53:01', 'up');
    ip('-n', GW, 'link', 'set', 'vg0', 'up');
  });
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
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
    const hex = Buffer.from(URL, 'ascii').toString('hex');
    const udhcpc = spawn(
      'ip',
      ['netns', 'exec', DEV, 'udhcpc', '-i', 'vd0', '-f', '-n', '-q', '-t', '5', '-T', '1', '-s', '/bin/true', '-x', `0xa1:${hex}`],
      {
        stdio: 'ignore',
      },
    );
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
  });
});
