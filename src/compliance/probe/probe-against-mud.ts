/**
 * An open-port probe of a test device compared with its MUD file (ETSI EN 303 645 provisions 5.6-1
 * and 5.6-2: unused interfaces and services disabled, attack surface minimised). Every open TCP port
 * the MUD file does not let peers connect to is unexpected.
 */
import type { MudFile } from '../../mud/model/mud-file.ts';
import { MudInputError } from '../../mud/validate/errors.ts';
import { parseMud } from '../../mud/validate/parse-mud.ts';
import { ProbeError } from './errors.ts';
import { mudInboundPorts } from './mud-inbound-ports.ts';
import { PORT_MAX } from './port-set.ts';
import type { PortProbeResult } from './probe-types.ts';
import { checkAddress, checkPorts, type PortRangeSpec, scanTcp, type TcpScanOptions } from './tcp-scan.ts';

export interface ProbeAgainstMudOptions extends TcpScanOptions {
  /** The device's address: an IPv4 or IPv6 literal. */
  address: string;
  /** The device's MUD file: validated, or its JSON text or bytes (validated here). */
  mud: MudFile | string | Uint8Array;
  /** The URL the file was obtained from; it must be the file's own `mud-url`. Default: that `mud-url`. */
  mudUrl?: string;
  /** Default 1-65535. */
  ports?: PortRangeSpec;
  /** Read the MUD text in lenient mode (src/mud/validate/parse-mud.ts). */
  lenient?: boolean;
  /** The clock for `startedAt` and `finishedAt` (default: the system clock). */
  now?: () => Date;
}

/** The MUD file, validated; ProbeError ERR_PROBE_MUD_INVALID when it is not a valid MUD file. */
export function readProbeMud(mud: MudFile | string | Uint8Array, lenient = false): MudFile {
  if (typeof mud !== 'string' && !(mud instanceof Uint8Array)) return mud;
  try {
    const r = parseMud(mud, { lenient });
    if (r.mud !== undefined) return r.mud;
    throw new ProbeError(
      'ERR_PROBE_MUD_INVALID',
      `the MUD file is not valid (${r.errors.length} error${r.errors.length === 1 ? '' : 's'})`,
      r.errors.map((e) => `${e.path === '' ? '/' : e.path}: ${e.reason} [${e.code}]`),
    );
  } catch (e) {
    if (!(e instanceof MudInputError)) throw e;
    throw new ProbeError('ERR_PROBE_MUD_INVALID', `the MUD file cannot be read: ${e.message}`, [`/: ${e.message} [${e.code}]`], {
      cause: e,
    });
  }
}

/** Scans the device and sorts its open ports into those the MUD file allows and the unexpected. */
export async function probeAgainstMud(options: ProbeAgainstMudOptions): Promise<PortProbeResult> {
  const { address, ports = { from: 1, to: PORT_MAX }, now = () => new Date(), ...scan } = options;
  const family = checkAddress(address);
  const range = checkPorts(ports);
  const mud = readProbeMud(options.mud, options.lenient === true);
  const mudUrl = options.mudUrl ?? mud.mud.mudUrl;
  if (mudUrl !== mud.mud.mudUrl) throw new ProbeError('ERR_PROBE_MUD_URL', `the MUD file's mud-url is ${mud.mud.mudUrl}, not ${mudUrl}`);
  const inbound = mudInboundPorts(mud, { family });
  const startedAt = now().toISOString();
  const result = await scanTcp(address, range, {
    ...(scan.concurrency !== undefined && { concurrency: scan.concurrency }),
    ...(scan.timeoutMs !== undefined && { timeoutMs: scan.timeoutMs }),
    ...(scan.signal !== undefined && { signal: scan.signal }),
    ...(scan.onProgress !== undefined && { onProgress: scan.onProgress }),
  });
  const finishedAt = now().toISOString();
  return {
    address,
    mudUrl,
    protocol: 'tcp',
    ports: range,
    open: result.open,
    allowed: result.open.filter((p) => inbound.has(p)),
    unexpected: result.open.filter((p) => !inbound.has(p)),
    closed: result.closed,
    filtered: result.filtered,
    startedAt,
    finishedAt,
  };
}
