/**
 * dnsmasq as the gateway's DHCP and DNS server in a test Topology: a DHCPv4 range on the device
 * link (and DHCPv6 on request), DNS answers from an addn-hosts file that tests rewrite (then SIGHUP), a `--dhcp-script`
 * hook, and a log file. Runs in the foreground; stop() or the topology's destroy() ends it.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Topology } from './netns.ts';

export interface DnsmasqOptions {
  /** A directory the test owns: the hosts, lease, pid and log files go there. */
  dir: string;
  /** name → addresses answered to the device. */
  hosts?: Record<string, string[]>;
  /** The TTL of those answers, in seconds (--local-ttl; default 1). */
  ttl?: number;
  /** Domains dnsmasq answers alone: a name in them that is not in `hosts` is NXDOMAIN (--local). */
  localDomains?: string[];
  /** An executable dnsmasq runs on each lease change (--dhcp-script). */
  dhcpScript?: string;
  /** Also serve DHCPv6 on the device link, addresses ::100 to ::1ff of its /64 (default false). */
  dhcpv6?: boolean;
  /** First and last address of the DHCPv4 range on the device link (default .100 to .150). */
  range?: [string, string];
}

export interface Dnsmasq {
  child: ChildProcess;
  pid: number;
  log: string;
  hostsFile: string;
  leaseFile: string;
  /** Replaces the DNS records and makes dnsmasq reread them (SIGHUP). */
  setHosts(hosts: Record<string, string[]>): void;
  /** The log so far. */
  readLog(): string;
  stop(): void;
}

const hostsText = (hosts: Record<string, string[]>): string =>
  Object.entries(hosts)
    .flatMap(([name, addrs]) => addrs.map((a) => `${a} ${name}\n`))
    .join('');

/** `::100` to `::1ff` in the /64 of the gateway's address, e.g. `2001:db8:1::100,2001:db8:1::1ff`. */
const v6Range = (gateway: string): string => {
  const net = gateway.replace(/::[0-9a-f]*$/, '');
  return `${net}::100,${net}::1ff`;
};

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts dnsmasq in the gateway namespace and waits until it serves DNS and DHCP. */
export async function startDnsmasq(net: Topology, opts: DnsmasqOptions): Promise<Dnsmasq> {
  const link = net.links.device;
  const file = (n: string) => join(opts.dir, n);
  const hostsFile = file('hosts');
  const log = file('dnsmasq.log');
  const leaseFile = file('leases');
  writeFileSync(hostsFile, hostsText(opts.hosts ?? {}));
  writeFileSync(log, '');
  const [first, last] = opts.range ?? ['192.0.2.100', '192.0.2.150'];
  const args = [
    '--conf-file=/dev/null',
    '--keep-in-foreground',
    '--user=root',
    '--group=root',
    '--no-resolv',
    '--no-hosts',
    '--bind-interfaces',
    `--interface=${link.gatewayIfname}`,
    `--listen-address=${link.gatewayIpv4}`,
    ...(opts.dhcpv6 === true ? [`--listen-address=${link.gatewayIpv6}`] : []),
    `--addn-hosts=${hostsFile}`,
    `--local-ttl=${opts.ttl ?? 1}`,
    `--dhcp-range=${first},${last},255.255.255.0,1h`,
    ...(opts.dhcpv6 === true ? [`--dhcp-range=${v6Range(link.gatewayIpv6)},64,1h`] : []),
    `--dhcp-option=option:router,${link.gatewayIpv4}`,
    `--dhcp-option=option:dns-server,${link.gatewayIpv4}`,
    `--dhcp-leasefile=${leaseFile}`,
    `--pid-file=${file('dnsmasq.pid')}`,
    `--log-facility=${log}`,
    '--log-queries',
    '--log-dhcp',
    ...(opts.localDomains ?? []).map((d) => `--local=/${d}/`),
    ...(opts.dhcpScript !== undefined ? [`--dhcp-script=${opts.dhcpScript}`] : []),
  ];
  const child = net.spawn('gateway', 'dnsmasq', args);
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const readLog = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  for (let i = 0; i < 100 && !/DHCP, IP range/.test(readLog()); i++) {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited ${child.exitCode}: ${stderr}`);
    await pause(50);
  }
  if (!/DHCP, IP range/.test(readLog())) throw new Error(`dnsmasq did not start: ${stderr}${readLog()}`);
  return {
    child,
    pid: child.pid as number,
    log,
    hostsFile,
    leaseFile,
    setHosts(hosts) {
      writeFileSync(hostsFile, hostsText(hosts));
      child.kill('SIGHUP');
    },
    readLog,
    stop() {
      child.kill('SIGTERM');
    },
  };
}
