/** A dnsmasq serving names from a hosts file on a loopback address and a random port, for the DNS tests. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasDnsmasq = spawnSync('dnsmasq', ['--version']).status === 0;

export interface Dnsmasq {
  server: string;
  /** Rewrites the hosts file and makes dnsmasq read it again (SIGHUP). */
  setHosts(lines: string[]): Promise<void>;
  stop(): Promise<void>;
}

function freeUdpPort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, address, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts dnsmasq answering only from `hosts` (names under `domain` that it lacks are NXDOMAIN). */
export async function startDnsmasq(hosts: string[], ttl: number, domain: string): Promise<Dnsmasq> {
  const dir = await mkdtemp(join(tmpdir(), 'iotopia-dns-'));
  await chmod(dir, 0o755);
  const file = join(dir, 'hosts');
  await writeFile(file, `${hosts.join('\n')}\n`, { mode: 0o644 });
  const address = `127.0.0.${2 + (process.pid % 200)}`;
  const port = await freeUdpPort(address);
  const args = [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--pid-file=',
    '--no-resolv',
    '--no-hosts',
    `--addn-hosts=${file}`,
    `--local-ttl=${ttl}`,
    `--local=/${domain}/`,
    `--port=${port}`,
    `--listen-address=${address}`,
    '--bind-interfaces',
    '--log-facility=-',
  ];
  const child: ChildProcess = spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (b: Buffer) => {
    log += b.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (/started/.test(log)) resolve();
    };
    child.stderr?.on('data', check);
    child.once('exit', (code) => reject(new Error(`dnsmasq exited ${code}: ${log}`)));
  });
  return {
    server: `${address}:${port}`,
    async setHosts(lines) {
      await writeFile(file, `${lines.join('\n')}\n`);
      child.kill('SIGHUP');
    },
    async stop() {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      if (child.exitCode === null) await gone;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
