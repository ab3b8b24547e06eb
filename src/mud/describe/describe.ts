/**
 * What a MUD file lets a device do, for people: one row per ACE and plain sentences that merge
 * the IPv4 and IPv6 copies of a rule. Pure: it reads the typed model only.
 */
import type { Ace, Matches, PortMatch } from '../model/acl.ts';
import type { MudFile } from '../model/mud-file.ts';

export interface RuleRow {
  policy: 'from-device' | 'to-device' | 'quarantine';
  acl: string;
  ace: string;
  family: 'ipv4' | 'ipv6' | 'eth' | 'any';
  /** Who is on the other side, in words (a DNS name, "local networks", a controller URI, …). */
  peer: string;
  protocol: string;
  /** Port conditions, e.g. "dst 443", "src 8000-8010"; empty when there are none. */
  ports: string;
  /** TCP only: who opens the connection ("device" or "remote"), from direction-initiated. */
  initiatedBy?: 'device' | 'remote';
  action: string;
}

export interface MudDescription {
  device: {
    mudUrl: string;
    manufacturer?: string;
    model?: string;
    systeminfo?: string;
    documentation?: string;
    lastUpdate: string;
    cacheValidityHours: number;
    supported: boolean;
    extensions: string[];
  };
  sentences: string[];
  rows: RuleRow[];
}

function peerOf(m: Matches, side: 'src' | 'dst'): string {
  const parts: string[] = [];
  const mud = m.mud;
  if (mud?.manufacturer !== undefined) parts.push(`devices of manufacturer ${mud.manufacturer}`);
  if (mud?.sameManufacturer) parts.push('devices of the same manufacturer');
  if (mud?.model !== undefined) parts.push(`devices of model ${mud.model}`);
  if (mud?.localNetworks) parts.push('the local networks');
  if (mud?.controller !== undefined) parts.push(`controller ${mud.controller}`);
  if (mud?.myController) parts.push("the device's controller");
  const ip = m.ipv4 ?? m.ipv6;
  const name = side === 'src' ? ip?.srcDnsName : ip?.dstDnsName;
  const net = side === 'src' ? ip?.sourceNetwork : ip?.destinationNetwork;
  if (name !== undefined) parts.push(name);
  if (net !== undefined) parts.push(net);
  const mac = side === 'src' ? m.eth?.sourceMac : m.eth?.destinationMac;
  if (mac !== undefined) parts.push(`MAC ${mac}`);
  return parts.length === 0 ? 'anyone' : parts.join(' and ');
}

function protocolOf(m: Matches): string {
  if (m.tcp !== undefined) return 'TCP';
  if (m.udp !== undefined) return 'UDP';
  if (m.icmp !== undefined) return m.ipv6 !== undefined ? 'ICMPv6' : 'ICMP';
  const p = m.ipv4?.protocol ?? m.ipv6?.protocol;
  if (p === 6) return 'TCP';
  if (p === 17) return 'UDP';
  if (p !== undefined) return `IP protocol ${p}`;
  if (m.eth?.ethertype !== undefined) return `ethertype 0x${m.eth.ethertype.toString(16).padStart(4, '0')}`;
  return 'any protocol';
}

function portText(p: PortMatch | undefined): string | undefined {
  if (p === undefined) return undefined;
  if (p.kind === 'range') return `${p.lower}-${p.upper}`;
  const op = { eq: '', neq: '≠', lte: '≤', gte: '≥' }[p.operator];
  return `${op}${p.port}`;
}

function portsOf(m: Matches): { src?: string; dst?: string } {
  const l4 = m.tcp ?? m.udp;
  const src = portText(l4?.sourcePort);
  const dst = portText(l4?.destinationPort);
  return { ...(src === undefined ? {} : { src }), ...(dst === undefined ? {} : { dst }) };
}

function row(policy: RuleRow['policy'], acl: string, family: RuleRow['family'], ace: Ace): RuleRow {
  const m = ace.matches;
  // In a from-device ACL the peer is the destination; in a to-device ACL the source.
  const peer = peerOf(m, policy === 'to-device' ? 'src' : 'dst');
  const { src, dst } = portsOf(m);
  const r: RuleRow = {
    policy,
    acl,
    ace: ace.name,
    family,
    peer,
    protocol: protocolOf(m),
    ports: [src === undefined ? '' : `src ${src}`, dst === undefined ? '' : `dst ${dst}`].filter((x) => x !== '').join(', '),
    action: ace.actions.forwarding,
  };
  const d = m.tcp?.directionInitiated;
  if (d !== undefined) r.initiatedBy = d === 'from-device' ? 'device' : 'remote';
  return r;
}

const portPhrase = (p: string | undefined, whose: string): string => (p === undefined ? '' : ` ${whose} port ${p}`);

function sentence(r: RuleRow, m: Matches): string {
  const { src, dst } = portsOf(m);
  const verb = r.action === 'accept' ? 'may' : 'may not';
  const peer = r.peer === 'anyone' ? 'any host' : r.peer;
  if (r.policy !== 'to-device') {
    if (r.protocol === 'TCP' && r.initiatedBy === 'device')
      return `The device ${verb} open TCP connections to ${peer}${portPhrase(dst, 'on')}${portPhrase(src, 'from its')}.`;
    if (r.protocol === 'TCP' && r.initiatedBy === 'remote')
      return `The device ${verb} answer TCP connections from ${peer}${portPhrase(src, 'on its')}${portPhrase(dst, 'to their')}.`;
    return `The device ${verb} send ${r.protocol} to ${peer}${portPhrase(dst, 'on')}${portPhrase(src, 'from its')}.`;
  }
  if (r.protocol === 'TCP' && r.initiatedBy === 'remote')
    return `The device ${verb} accept TCP connections from ${peer}${portPhrase(dst, 'on its')}${portPhrase(src, 'from their')}.`;
  if (r.protocol === 'TCP' && r.initiatedBy === 'device')
    return `The device ${verb} receive TCP replies from ${peer}${portPhrase(src, 'from')}${portPhrase(dst, 'to its')}.`;
  return `The device ${verb} receive ${r.protocol} from ${peer}${portPhrase(dst, 'on its')}${portPhrase(src, 'from their')}.`;
}

function familyOf(m: Matches): RuleRow['family'] {
  if (m.ipv4 !== undefined) return 'ipv4';
  if (m.ipv6 !== undefined) return 'ipv6';
  if (m.eth !== undefined) return 'eth';
  return 'any';
}

/** Describes a valid MUD file: rows in policy order, then sentences without repeats. */
export function describeMud(file: MudFile): MudDescription {
  const { mud } = file;
  const byName = new Map(file.acls.map((a) => [a.name, a]));
  const rows: RuleRow[] = [];
  const texts = new Map<string, Set<string>>();
  const policies: [RuleRow['policy'], string[]][] = [
    ['from-device', mud.fromDevicePolicy?.aclNames ?? []],
    ['to-device', mud.toDevicePolicy?.aclNames ?? []],
  ];
  for (const [policy, names] of policies)
    for (const name of names) {
      const acl = byName.get(name);
      for (const ace of acl?.aces ?? []) {
        const r = row(policy, name, familyOf(ace.matches), ace);
        rows.push(r);
        const s = sentence(r, ace.matches);
        const fam = texts.get(s) ?? new Set<string>();
        fam.add(r.family === 'ipv4' ? 'IPv4' : r.family === 'ipv6' ? 'IPv6' : r.family === 'eth' ? 'Ethernet' : 'any');
        texts.set(s, fam);
      }
    }
  const sentences: string[] = [];
  const who = [mud.mfgName, mud.modelName].filter((x) => x !== undefined).join(' ');
  sentences.push(
    `MUD file ${mud.mudUrl}${who === '' ? '' : ` for ${who}`}, last updated ${mud.lastUpdate}; refresh after ${mud.cacheValidity} hours.`,
  );
  sentences.push(mud.isSupported ? 'The manufacturer supports the device.' : 'The manufacturer no longer supports the device.');
  if (mud.documentation !== undefined) sentences.push(`Documentation: ${mud.documentation}.`);
  const t = mud.transparency;
  if (t?.sboms !== undefined) for (const s of t.sboms) sentences.push(`SBOM for version ${s.versionInfo}: ${s.sbomUrl ?? '(no URL)'}.`);
  if (t?.sbomLocalWellKnown !== undefined)
    sentences.push(`The device serves its SBOM at its well-known location over ${t.sbomLocalWellKnown}.`);
  if (t?.sbomContactUri !== undefined) sentences.push(`Ask for the SBOM at ${t.sbomContactUri}.`);
  if (t?.vulnUrl !== undefined) for (const u of t.vulnUrl) sentences.push(`Vulnerability information: ${u}.`);
  if (t?.vulnContactUri !== undefined) sentences.push(`Report or ask about vulnerabilities at ${t.vulnContactUri}.`);
  if (rows.length === 0) sentences.push('The file allows no traffic: it has no policies with ACEs.');
  for (const [s, fam] of texts) sentences.push(fam.size === 0 ? s : `${s.slice(0, -1)} (${[...fam].join(', ')}).`);
  if (mud.quarantine !== undefined) {
    const q = mud.quarantine;
    const kept = [...q.aclNames.map((n) => `ACL ${n}`), ...q.enabledAceNames.map((n) => `ACE ${n}`)];
    sentences.push(`When quarantined, the device keeps only: ${kept.length === 0 ? 'nothing' : kept.join(', ')}.`);
  }
  const device: MudDescription['device'] = {
    mudUrl: mud.mudUrl,
    lastUpdate: mud.lastUpdate,
    cacheValidityHours: mud.cacheValidity,
    supported: mud.isSupported,
    extensions: mud.extensions,
  };
  if (mud.mfgName !== undefined) device.manufacturer = mud.mfgName;
  if (mud.modelName !== undefined) device.model = mud.modelName;
  if (mud.systeminfo !== undefined) device.systeminfo = mud.systeminfo;
  if (mud.documentation !== undefined) device.documentation = mud.documentation;
  return { device, sentences, rows };
}

/** The rows as an aligned text table. */
export function rulesTable(rows: readonly RuleRow[]): string {
  const head = ['POLICY', 'FAMILY', 'PEER', 'PROTOCOL', 'PORTS', 'OPENED BY', 'ACTION'];
  const cells = rows.map((r) => [r.policy, r.family, r.peer, r.protocol, r.ports === '' ? '-' : r.ports, r.initiatedBy ?? '-', r.action]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i] as number))).join('  ');
  return [line(head), ...cells.map(line)].join('\n');
}
