/**
 * `iotopia intent dhcp-event ACTION [MAC IP [HOSTNAME]]`: the `--dhcp-script` of dnsmasq. A lease
 * that is added or renewed (`add`, `old`) is reported to the MUD manager's API with the device's
 * MUD URL (DHCPv4 option 161 / DHCPv6 option 112, RFC 8520 §10, which dnsmasq passes in
 * DNSMASQ_MUD_URL); a lease that ends (`del`) removes the device. Other actions (`init`, `tftp`,
 * `arp-add`, `arp-del`, `relay-snoop`) are ignored. Every value comes from the network and is
 * checked before it is sent; the request has a short timeout so dnsmasq is never held up, and a
 * failure is one line on standard error with a non-zero exit.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Command } from 'commander';
import { normaliseMac } from '../../intent/ip.ts';
import { MAX_MUD_STRING_OCTETS } from '../../mud/url/constants.ts';
import { MudUrlError } from '../../mud/url/errors.ts';
import { checkMudUrl } from '../../mud/url/mud-string.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { type ApiOptions, apiRequest, apiTarget, withApiOptions } from './voucher-admin-client.ts';

interface EventOptions extends ApiOptions {
  timeout: string;
}

/** The lease a `add`/`old`/`del` event is about. */
export interface DhcpLease {
  mac: string;
  ipv4?: string;
  ipv6?: string;
  mudUrl?: string;
}

const DEFAULT_TIMEOUT_MS = 5000;
const MAX_TIMEOUT_MS = 60_000;
const REPORTED = new Set(['add', 'old', 'del']);

const bad = (message: string): CliExit => new CliExit(EXIT_USAGE, message);

function mudUrlOf(value: string | undefined, v6: boolean): string | undefined {
  if (value === undefined || value === '') return undefined;
  // RFC 8520 §10: the option holds a MUDstring, the URL and, after a space, a reserved part.
  const url = value.split(' ')[0] ?? '';
  if (Buffer.byteLength(value) > MAX_MUD_STRING_OCTETS) throw bad(`DNSMASQ_MUD_URL: over ${MAX_MUD_STRING_OCTETS} octets`);
  try {
    return checkMudUrl(url, v6 ? 'dhcp6' : 'dhcp4');
  } catch (e) {
    if (e instanceof MudUrlError) throw bad(`DNSMASQ_MUD_URL: ${e.message} [${e.code}]`);
    throw e;
  }
}

/**
 * The lease of a dnsmasq event. For DHCPv6 (DNSMASQ_IAID set) the address is IPv6 and the MAC
 * argument is the client's DUID, so the MAC is taken from DNSMASQ_MAC.
 */
export function leaseOf(macArg: string | undefined, ipArg: string | undefined, env: NodeJS.ProcessEnv): DhcpLease {
  const v6 = env.DNSMASQ_IAID !== undefined;
  const rawMac = v6 ? env.DNSMASQ_MAC : macArg;
  if (rawMac === undefined || rawMac === '')
    throw bad(v6 ? 'DHCPv6 lease without DNSMASQ_MAC: the device cannot be identified' : 'no MAC argument');
  const mac = normaliseMac(rawMac);
  if (mac === undefined) throw bad(`${JSON.stringify(rawMac.slice(0, 64))} is not an Ethernet MAC address`);
  const ip = ipArg ?? '';
  if (v6 ? !isIPv6(ip) : !isIPv4(ip)) throw bad(`${JSON.stringify(ip.slice(0, 64))} is not an IPv${v6 ? 6 : 4} address`);
  const lease: DhcpLease = v6 ? { mac, ipv6: ip } : { mac, ipv4: ip };
  const mudUrl = mudUrlOf(env.DNSMASQ_MUD_URL, v6);
  if (mudUrl !== undefined) lease.mudUrl = mudUrl;
  return lease;
}

function timeoutOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TIMEOUT_MS) throw bad(`--timeout: 1 to ${MAX_TIMEOUT_MS} ms, got ${JSON.stringify(text)}`);
  return n;
}

async function dhcpEvent(cli: CliContext, action: string, args: string[], o: EventOptions): Promise<void> {
  if (!REPORTED.has(action)) return;
  const timeoutMs = timeoutOf(o.timeout);
  const lease = leaseOf(args[0], args[1], cli.env);
  const target = apiTarget(o, cli.env, cli.cwd);
  if (action === 'del') {
    await apiRequest(target, 'DELETE', `/intent/devices/${encodeURIComponent(lease.mac)}`, undefined, { timeoutMs });
    return;
  }
  const body = JSON.stringify({ ...lease, source: 'dhcp' });
  await apiRequest(target, 'POST', '/intent/devices', { data: body, type: 'application/json' }, { timeoutMs });
}

export function registerIntentDhcpEvent(intent: Command, cli: CliContext): void {
  withApiOptions(
    intent
      .command('dhcp-event')
      .description("dnsmasq's --dhcp-script: report a DHCP lease and its MUD URL (DNSMASQ_MUD_URL) to the MUD manager's API")
      .argument('<action>', 'add, old or del (reported); init, tftp, arp-add, arp-del, relay-snoop (ignored)')
      .argument('[args...]', 'MAC IP [HOSTNAME] as dnsmasq passes them (for DHCPv6 the MAC comes from DNSMASQ_MAC)'),
  )
    .option('--timeout <ms>', 'give up on the API after this long', String(DEFAULT_TIMEOUT_MS))
    .action((action: string, args: string[], o: EventOptions) => dhcpEvent(cli, action, args, o));
}
