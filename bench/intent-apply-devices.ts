/**
 * Devices for the enforcement benchmarks: real-world MUD files (the RFC 8520 example, the NIST
 * cases and the visualizer files from the shared vectors, or a generated file when they are
 * absent), each abstraction bound to documentation addresses, one device per MAC. A device gets
 * an IPv6 address always and an IPv4 address while the three IPv4 documentation /24s last.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileNft } from '../src/intent/nft-compile.ts';
import { resolveMud } from '../src/intent/resolve.ts';
import type { DeviceContext, ResolvedPolicy } from '../src/intent/resolve-types.ts';
import type { MudFile } from '../src/mud/model/mud-file.ts';
import { parseMud } from '../src/mud/validate/parse-mud.ts';
import { vectorPath } from '../test/helpers/vectors.ts';
import { generatedMudFile } from './mud.ts';

/** A MUD file with the bindings its abstractions and names need. */
interface BoundFile {
  file: MudFile;
  bind: Omit<DeviceContext, 'mac' | 'ipv4' | 'ipv6'>;
}

function vectorFiles(): string[] {
  const root = vectorPath('mud');
  if (root === undefined) return [];
  const listed = (dir: string, re: RegExp) =>
    (readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }) as string[])
      .filter((f) => re.test(f))
      .map((f) => join(root, dir, f));
  return [join(root, 'rfc8520-lightbulb2000.json'), ...listed('nist', /mudfile[^/]*\.json$/), ...listed('visualizer', /\.json$/)];
}

/**
 * Binds every name and abstraction of the `n`-th file to documentation addresses of its own (its
 * IPv6 addresses are unique to it; the IPv4 ones come from one /24 and may repeat across files).
 */
function bindAll(file: MudFile, n: number): BoundFile {
  let i = 10;
  const pair = (): string[] => {
    i += 1;
    return [`203.0.113.${(n * 7 + i) % 250}`, `2001:db8:ff:${n.toString(16)}::${i.toString(16)}`];
  };
  const names = new Map<string, string[]>();
  const controllers = new Map<string, string[]>();
  const manufacturers = new Map<string, string[]>([[new URL(file.mud.mudUrl).host.toLowerCase(), pair()]]);
  const models = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, k: string | undefined) => {
    if (k !== undefined && !m.has(k)) m.set(k, pair());
  };
  for (const ace of file.acls.flatMap((a) => a.aces)) {
    const ip = ace.matches.ipv4 ?? ace.matches.ipv6;
    add(names, ip?.srcDnsName?.toLowerCase());
    add(names, ip?.dstDnsName?.toLowerCase());
    add(controllers, ace.matches.mud?.controller);
    add(manufacturers, ace.matches.mud?.manufacturer?.toLowerCase());
    add(models, ace.matches.mud?.model);
  }
  return {
    file,
    bind: { names, controllers, manufacturers, models, myControllers: pair(), localNetworks: ['198.51.100.0/24', '2001:db8:2::/64'] },
  };
}

/** The mix of files, each known to resolve with every ACE. */
export function benchFiles(): BoundFile[] {
  const paths = vectorFiles();
  const texts = paths.length > 0 ? paths.map((p) => readFileSync(p, 'utf8')) : [generatedMudFile()];
  const out: BoundFile[] = [];
  for (const [n, text] of texts.entries()) {
    const mud = parseMud(text).mud;
    if (mud === undefined) continue;
    const b = bindAll(mud, n);
    try {
      resolveMud(mud, { mac: '02:00:00:00:00:01', ...b.bind });
      out.push(b);
    } catch {
      // a file this mix cannot bind is left out of the mix
    }
  }
  return out;
}

const IPV4_BLOCKS = ['192.0.2', '198.51.100', '203.0.113'];

/** Device `n` (0-based): its MAC and addresses. */
export function benchDevice(n: number): Pick<DeviceContext, 'mac' | 'ipv4' | 'ipv6'> {
  const hex = (n + 1).toString(16).padStart(8, '0');
  const mac = `02:10:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}`;
  const block = IPV4_BLOCKS[Math.floor(n / 253)];
  const v6 = `2001:db8:1:${Math.floor(n / 65536).toString(16)}::${((n % 65535) + 1).toString(16)}`;
  return block === undefined ? { mac, ipv6: v6 } : { mac, ipv4: `${block}.${(n % 253) + 2}`, ipv6: v6 };
}

export interface BenchPolicy {
  policy: ResolvedPolicy;
  script: string;
}

/** Resolves and compiles device `n` with the `n`-th file of the mix. */
export function benchPolicy(files: BoundFile[], n: number): BenchPolicy {
  const f = files[n % files.length] as BoundFile;
  const policy = resolveMud(f.file, { ...benchDevice(n), ...f.bind });
  return { policy, script: compileNft(policy, { dnsServers: ['192.0.2.53'] }) };
}
