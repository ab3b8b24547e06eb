/** A flow in words, from the device's side: "TCP to 198.51.100.7 port 443". */
const PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6' };

export function flowText(f: { direction: string; protocol: number; peer: string; peerPort?: number }): string {
  const proto = PROTOCOLS[f.protocol] ?? `IP ${f.protocol}`;
  const port = f.peerPort === undefined || f.peerPort === 0 ? '' : ` port ${f.peerPort}`;
  return f.direction === 'from-device' ? `${proto} to ${f.peer}${port}` : `${proto} from ${f.peer}${port}`;
}
