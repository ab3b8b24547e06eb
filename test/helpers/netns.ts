/**
 * A small network of Linux network namespaces for tests that need real forwarding: a gateway
 * routing between a device, an internet host and a controller host, each on its own veth link,
 * with IPv4 and IPv6 documentation addresses (RFC 5737, RFC 3849). Needs root and `ip`.
 * Namespace names carry the process id and a counter, so test files can run in parallel.
 */
import { type ChildProcess, type SpawnOptions, type SpawnSyncReturns, spawn as spawnChild, spawnSync } from 'node:child_process';

export type Host = 'gateway' | 'device' | 'internet' | 'controller';

/** One host's end of a link: its interface and addresses, and the gateway's addresses on that link. */
export interface Link {
  ifname: string;
  /** The gateway's interface on this link. */
  gatewayIfname: string;
  ipv4: string;
  ipv6: string;
  gatewayIpv4: string;
  gatewayIpv6: string;
  prefix4: number;
  prefix6: number;
}

const LINKS: Record<Exclude<Host, 'gateway'>, Omit<Link, 'ifname'>> = {
  device: {
    gatewayIfname: 'gw-dev',
    ipv4: '192.0.2.2',
    ipv6: '2001:db8:1::2',
    gatewayIpv4: '192.0.2.1',
    gatewayIpv6: '2001:db8:1::1',
    prefix4: 24,
    prefix6: 64,
  },
  internet: {
    gatewayIfname: 'gw-inet',
    ipv4: '198.51.100.2',
    ipv6: '2001:db8:2::2',
    gatewayIpv4: '198.51.100.1',
    gatewayIpv6: '2001:db8:2::1',
    prefix4: 24,
    prefix6: 64,
  },
  controller: {
    gatewayIfname: 'gw-ctl',
    ipv4: '203.0.113.2',
    ipv6: '2001:db8:3::2',
    gatewayIpv4: '203.0.113.1',
    gatewayIpv6: '2001:db8:3::1',
    prefix4: 24,
    prefix6: 64,
  },
};

export interface TopologyOptions {
  /** The device interface's MAC address (default 02:00:00:00:00:0a). */
  deviceMac?: string;
  /** Give the device its static addresses and default routes (default true); false leaves it to DHCP. */
  deviceAddresses?: boolean;
}

/** Why namespace tests cannot run here, or false when they can. */
export function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'not root: network namespaces cannot be made, the test is skipped';
  if (spawnSync('ip', ['-V']).status !== 0) return '`ip` (iproute2) is not installed, the test is skipped';
  return false;
}

/** Why a test needing `tool` (run with `args`, e.g. --version) cannot run here, or false. */
export function toolMissing(tool: string, args: string[] = ['--version']): string | false {
  const r = spawnSync(tool, args, { stdio: 'ignore' });
  return r.error !== undefined ? `${tool} is not installed, the test is skipped` : false;
}

let counter = 0;

/** A fresh, unique namespace name (process id, counter, tag). */
function uniqueName(tag: string): string {
  counter += 1;
  return `iot-${process.pid}-${counter}-${tag}`;
}

/** One empty network namespace (only `lo`), e.g. to check or apply an nftables ruleset. */
export class Namespace {
  readonly name: string;

  constructor(tag = 'ns') {
    this.name = uniqueName(tag);
    const r = spawnSync('ip', ['netns', 'add', this.name], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip netns add ${this.name}: ${r.stderr || r.error?.message}`);
  }

  /** Runs `cmd` inside the namespace, with `input` on its stdin. */
  exec(cmd: string, args: string[] = [], input?: string): SpawnSyncReturns<string> {
    return spawnSync('ip', ['netns', 'exec', this.name, cmd, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      ...(input !== undefined && { input }),
    });
  }

  destroy(): void {
    spawnSync('ip', ['netns', 'delete', this.name]);
  }
}

/** Listens on `[::]` (dual stack) for each port: TCP replies `ok` and closes, UDP echoes `ok`. */
const SERVER = `const p=JSON.parse(process.argv[1]);const net=require('net'),dg=require('dgram');let n=0;const all=(p.tcp||[]).length+(p.udp||[]).length;const up=()=>{if(++n===all)console.log('ready')};
for(const port of p.tcp||[])net.createServer(s=>{s.on('error',()=>{});s.end('ok')}).listen(port,'::',up);
for(const port of p.udp||[]){const s=dg.createSocket({type:'udp6',ipv6Only:false});s.on('message',(m,r)=>s.send('ok',r.port,r.address));s.bind(port,'::',up)}`;

/** Prints `open` when the server answers, `blocked` on a timeout, a reset or an ICMP error. */
const CLIENT = `const [proto,h,port]=process.argv.slice(1);const done=(v)=>{console.log(v);process.exit(0)};setTimeout(()=>done('blocked'),1500);
if(proto==='tcp'){const s=require('net').connect({host:h,port:+port});let d='';s.on('data',x=>{d+=x});s.on('end',()=>done(d==='ok'?'open':'blocked'));s.on('error',()=>done('blocked'))}
else{const s=require('dgram').createSocket(h.includes(':')?'udp6':'udp4');s.on('message',m=>done(String(m)==='ok'?'open':'blocked'));s.on('error',()=>done('blocked'));s.send('hi',+port,h)}`;

export class Topology {
  readonly names: Record<Host, string>;
  readonly links: Record<Exclude<Host, 'gateway'>, Link>;
  readonly deviceMac: string;
  readonly #made: string[] = [];
  readonly #children = new Set<ChildProcess>();

  constructor(opts: TopologyOptions = {}) {
    const base = uniqueName('net');
    this.names = { gateway: `${base}-gw`, device: `${base}-dev`, internet: `${base}-inet`, controller: `${base}-ctl` };
    this.deviceMac = opts.deviceMac ?? '02:00:00:00:00:0a';
    this.links = {
      device: { ...LINKS.device, ifname: 'eth0' },
      internet: { ...LINKS.internet, ifname: 'eth0' },
      controller: { ...LINKS.controller, ifname: 'eth0' },
    };
    try {
      this.#build(opts.deviceAddresses !== false);
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  #build(deviceAddresses: boolean): void {
    for (const [host, n] of Object.entries(this.names) as [Host, string][]) {
      this.#ip(['netns', 'add', n]);
      this.#made.push(n);
      this.#ip(['-n', n, 'link', 'set', 'lo', 'up']);
      // No duplicate address detection on links the test owns: every address is usable at once.
      this.sysctl(host, 'net.ipv6.conf.all.accept_dad=0');
      this.sysctl(host, 'net.ipv6.conf.default.accept_dad=0');
    }
    const gw = this.names.gateway;
    this.sysctl('gateway', 'net.ipv4.ip_forward=1');
    this.sysctl('gateway', 'net.ipv6.conf.all.forwarding=1');
    this.sysctl('gateway', 'net.ipv6.conf.default.forwarding=1');
    for (const host of ['device', 'internet', 'controller'] as const) {
      const l = this.links[host];
      const ns = this.names[host];
      this.#ip(['-n', gw, 'link', 'add', l.gatewayIfname, 'type', 'veth', 'peer', 'name', l.ifname, 'netns', ns]);
      if (host === 'device') this.#ip(['-n', ns, 'link', 'set', l.ifname, 'address', this.deviceMac]);
      this.#ip(['-n', gw, 'addr', 'add', `${l.gatewayIpv4}/${l.prefix4}`, 'dev', l.gatewayIfname]);
      this.#ip(['-n', gw, 'addr', 'add', `${l.gatewayIpv6}/${l.prefix6}`, 'dev', l.gatewayIfname, 'nodad']);
      this.#ip(['-n', gw, 'link', 'set', l.gatewayIfname, 'up']);
      this.#ip(['-n', ns, 'link', 'set', l.ifname, 'up']);
      if (host !== 'device' || deviceAddresses) this.addAddresses(host);
    }
  }

  /** Gives `host` its link's addresses and default routes through the gateway. */
  addAddresses(host: Exclude<Host, 'gateway'>, ipv4?: string): void {
    const l = this.links[host];
    const ns = this.names[host];
    this.#ip(['-n', ns, 'addr', 'add', `${ipv4 ?? l.ipv4}/${l.prefix4}`, 'dev', l.ifname]);
    this.#ip(['-n', ns, 'addr', 'add', `${l.ipv6}/${l.prefix6}`, 'dev', l.ifname, 'nodad']);
    this.#ip(['-n', ns, 'route', 'add', 'default', 'via', l.gatewayIpv4]);
    this.#ip(['-n', ns, '-6', 'route', 'add', 'default', 'via', l.gatewayIpv6]);
  }

  sysctl(host: Host, setting: string): void {
    this.run(host, 'sysctl', ['-qw', setting]);
  }

  #ip(args: string[]): void {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  }

  /** Runs `cmd` in `host`'s namespace and waits for it; the result is returned whatever the exit status. */
  exec(host: Host, cmd: string, args: string[] = [], input?: string): SpawnSyncReturns<string> {
    return spawnSync('ip', ['netns', 'exec', this.names[host], cmd, ...args], {
      encoding: 'utf8',
      ...(input !== undefined && { input }),
      timeout: 60_000,
    });
  }

  /** Like exec, but throws with the command's stderr unless it exits 0; returns its stdout. */
  run(host: Host, cmd: string, args: string[] = [], input?: string): string {
    const r = this.exec(host, cmd, args, input);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} in ${host}: exit ${r.status}: ${r.stderr || r.error?.message}`);
    return r.stdout;
  }

  /** Starts `cmd` in `host`'s namespace; destroy() kills it if it is still running. */
  spawn(host: Host, cmd: string, args: string[] = [], opts: SpawnOptions = {}): ChildProcess {
    const child = spawnChild('ip', ['netns', 'exec', this.names[host], cmd, ...args], { stdio: 'pipe', ...opts });
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  /**
   * Starts servers in `host` that answer `ok` on every TCP and UDP port given, on all IPv4 and IPv6
   * addresses; resolves once they listen.
   */
  serve(host: Host, ports: { tcp?: number[]; udp?: number[] }): Promise<ChildProcess> {
    const child = this.spawn(host, process.execPath, ['-e', SERVER, JSON.stringify(ports)]);
    return new Promise((ok, fail) => {
      child.stdout?.once('data', () => ok(child));
      child.once('exit', (code) => fail(new Error(`servers in ${host} exited ${code}`)));
    });
  }

  /** A TCP connection or a UDP request from `from` to `addr`:`port`: `open` when answered, else `blocked`. */
  probe(from: Host, proto: 'tcp' | 'udp', addr: string, port: number): 'open' | 'blocked' {
    const out = this.exec(from, process.execPath, ['-e', CLIENT, proto, addr, String(port)]).stdout.trim();
    if (out !== 'open' && out !== 'blocked') throw new Error(`probe ${proto} ${addr}:${port} from ${from}: ${out}`);
    return out;
  }

  /** Kills every process started in the namespaces and deletes them; safe to call more than once. */
  destroy(): void {
    for (const c of this.#children) c.kill('SIGKILL');
    this.#children.clear();
    for (const n of this.#made) {
      const pids = spawnSync('ip', ['netns', 'pids', n], { encoding: 'utf8' }).stdout ?? '';
      for (const pid of pids.split('\n').filter((p) => /^\d+$/.test(p))) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      spawnSync('ip', ['netns', 'delete', n]);
    }
    this.#made.length = 0;
  }
}
