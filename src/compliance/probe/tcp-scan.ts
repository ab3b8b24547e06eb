/**
 * A TCP connect scan of one address with node:net: a port is open when the handshake completes,
 * closed when the peer answers with a reset, filtered when nothing comes back in time (or an ICMP
 * error does). Only address literals are scanned: a host name could resolve to another address on
 * each lookup, so the scan could reach a machine that is not the device under test, and the result
 * could not say which address it describes.
 */
import { isIP, Socket } from 'node:net';
import { ProbeError } from './errors.ts';
import { PORT_MAX } from './port-set.ts';

export const SCAN_CONCURRENCY_DEFAULT = 256;
export const SCAN_CONCURRENCY_MAX = 1024;
export const SCAN_TIMEOUT_DEFAULT_MS = 500;
export const SCAN_TIMEOUT_MAX_MS = 60_000;

export interface PortRangeSpec {
  from: number;
  to: number;
}

export interface ScanProgress {
  done: number;
  total: number;
  open: number;
}

export interface TcpScanOptions {
  /** Connections in flight at once: 1..1024, default 256. */
  concurrency?: number;
  /** How long a connection attempt may take before the port counts as filtered: 1..60000 ms, default 500. */
  timeoutMs?: number;
  /** Stops the scan: its sockets are destroyed and the scan rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after each port is settled. */
  onProgress?: (progress: ScanProgress) => void;
}

export interface TcpScanResult {
  address: string;
  ports: PortRangeSpec;
  /** Ports that accepted a connection, in ascending order. */
  open: number[];
  /** Ports that answered with a reset. */
  closed: number;
  /** Ports with no answer in time, or an ICMP unreachable. */
  filtered: number;
}

type PortState = 'open' | 'closed' | 'filtered';

/** Errors that mean the peer or the path answered: anything else is this machine's failure. */
const CLOSED_CODES = new Set(['ECONNREFUSED', 'ECONNRESET']);
const FILTERED_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ETIMEDOUT', 'EACCES', 'EPERM']);

/** The address as an IP literal, or ProbeError ERR_PROBE_ADDRESS. */
export function checkAddress(address: string): 4 | 6 {
  const family = isIP(address);
  if (family === 0)
    throw new ProbeError(
      'ERR_PROBE_ADDRESS',
      `${JSON.stringify(address)} is not an IPv4 or IPv6 address literal (host names are not probed: a lookup could name another machine)`,
    );
  if (/^0+(\.0+){3}$/.test(address) || /^[0:]+$/.test(address))
    throw new ProbeError('ERR_PROBE_ADDRESS', `${address} is the unspecified address, which names no device`);
  return family as 4 | 6;
}

/** The range checked: integers with 1 <= from <= to <= 65535 (port 0 cannot be connected to). */
export function checkPorts(ports: PortRangeSpec): PortRangeSpec {
  const ok = (n: number) => Number.isInteger(n) && n >= 1 && n <= PORT_MAX;
  if (!ok(ports.from) || !ok(ports.to) || ports.from > ports.to)
    throw new ProbeError('ERR_PROBE_PORTS', `ports ${ports.from}-${ports.to}: give 1 <= from <= to <= ${PORT_MAX}`);
  return { from: ports.from, to: ports.to };
}

function checkOption(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new ProbeError('ERR_PROBE_OPTION', `${name}: ${value} is not 1..${max}`);
  return value;
}

interface Attempt {
  socket: Socket;
  settle: (state: PortState | Error) => void;
}

/** One connection attempt; resolves with the port's state, rejects on a local failure. */
function tryPort(address: string, port: number, timeoutMs: number, inFlight: Set<Attempt>): Promise<PortState> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const attempt: Attempt = {
      socket,
      settle: (state) => {
        clearTimeout(timer);
        inFlight.delete(attempt);
        socket.removeAllListeners();
        // Errors after the verdict (a reset answering the reset) change nothing.
        socket.on('error', () => {});
        // A reset rather than a FIN: the device keeps no half-closed connection, this side no TIME_WAIT.
        if (state === 'open') socket.resetAndDestroy();
        else socket.destroy();
        if (state instanceof Error) reject(state);
        else resolve(state);
      },
    };
    const timer = setTimeout(() => attempt.settle('filtered'), timeoutMs);
    inFlight.add(attempt);
    socket.once('connect', () => attempt.settle('open'));
    socket.once('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? '';
      if (CLOSED_CODES.has(code)) attempt.settle('closed');
      else if (FILTERED_CODES.has(code)) attempt.settle('filtered');
      else
        attempt.settle(new ProbeError('ERR_PROBE_SOCKET', `connecting to ${address} port ${port}: ${code || e.message}`, [], { cause: e }));
    });
    socket.connect({ host: address, port });
  });
}

/** Scans `ports` of `address` (an IP literal) with TCP connects. */
export async function scanTcp(address: string, ports: PortRangeSpec, options: TcpScanOptions = {}): Promise<TcpScanResult> {
  checkAddress(address);
  const range = checkPorts(ports);
  const concurrency = checkOption('concurrency', options.concurrency, SCAN_CONCURRENCY_DEFAULT, SCAN_CONCURRENCY_MAX);
  const timeoutMs = checkOption('timeoutMs', options.timeoutMs, SCAN_TIMEOUT_DEFAULT_MS, SCAN_TIMEOUT_MAX_MS);
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const total = range.to - range.from + 1;
  const open: number[] = [];
  let closed = 0;
  let filtered = 0;
  let next = range.from;
  let failure: unknown;
  const inFlight = new Set<Attempt>();
  const stopAll = (reason: unknown) => {
    failure ??= reason;
    for (const a of [...inFlight]) a.settle(reason instanceof Error ? reason : new Error(String(reason)));
  };
  const onAbort = () => stopAll(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });

  const worker = async () => {
    while (failure === undefined && next <= range.to) {
      const port = next++;
      let state: PortState;
      try {
        state = await tryPort(address, port, timeoutMs, inFlight);
      } catch (e) {
        stopAll(e);
        return;
      }
      if (state === 'open') open.push(port);
      else if (state === 'closed') closed++;
      else filtered++;
      onProgress?.({ done: open.length + closed + filtered, total, open: open.length });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (failure !== undefined) throw failure;
  open.sort((a, b) => a - b);
  return { address, ports: range, open, closed, filtered };
}
