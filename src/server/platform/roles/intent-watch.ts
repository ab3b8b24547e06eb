/**
 * The intent role's traffic watch: `tcpdump` on the gateway's interface toward the devices (inside
 * the intent namespace when one is set) writes pcap to a pipe; its frames are decoded and judged by
 * the manager's traffic watch (src/intent/manager/watch.ts), which reports violations at each tick.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { decodePacket } from '../../../intent/capture/decode.ts';
import { readFrames } from '../../../intent/capture/read-capture.ts';
import type { Enforcer } from '../../../intent/enforcement-ports.ts';
import type { IntentLog, IntentManager } from '../../../intent/manager/types.ts';
import { createTrafficWatch, type TrafficWatch } from '../../../intent/manager/watch.ts';
import { ConfigError } from '../../../platform/errors.ts';
import { effectiveDeviceInterfaces, type IntentConfig } from '../intent-config.ts';

export interface IntentWatch {
  watch: TrafficWatch;
  /** Takes the current policies and reports what was seen since the last call. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

/** `ip`, in the namespace when one is set. */
const inNetns = (netns: string | undefined, cmd: string, args: string[]): [string, string[]] =>
  netns === undefined ? [cmd, args] : ['ip', ['netns', 'exec', netns, cmd, ...args]];

/** The interface's MAC and addresses, from `ip -j addr show dev IFACE`. */
function interfaceFacts(netns: string | undefined, iface: string): { mac: string; addresses: string[] } {
  let out: string;
  try {
    out = execFileSync(...inNetns(netns, 'ip', ['-j', 'addr', 'show', 'dev', iface]), { encoding: 'utf8', timeout: 5000 });
  } catch (e) {
    throw new ConfigError(`intent-capture-interface ${iface}: cannot be read with ip: ${(e as Error).message.split('\n')[0]}`);
  }
  const [link] = JSON.parse(out) as { address?: string; addr_info?: { local?: string }[] }[];
  if (link?.address === undefined) throw new ConfigError(`intent-capture-interface ${iface}: has no MAC address`);
  const addresses = (link.addr_info ?? []).map((a) => a.local).filter((a): a is string => typeof a === 'string');
  return { mac: link.address, addresses };
}

function startTcpdump(netns: string | undefined, iface: string): ChildProcess {
  // -U: a packet is written as soon as it is seen; -n: no lookups; -s 262144: whole frames.
  const args = ['-i', iface, '-U', '-n', '-s', '262144', '--immediate-mode', '-w', '-'];
  return spawn(...inNetns(netns, 'tcpdump', args), { stdio: ['ignore', 'pipe', 'pipe'] });
}

export function startIntentWatch(c: IntentConfig, manager: IntentManager, enforcer: Enforcer, log: IntentLog): IntentWatch | undefined {
  const iface = c.captureInterface;
  const counters = enforcer.dropCounters?.bind(enforcer);
  if (iface === undefined && counters === undefined) return undefined;
  const facts = iface === undefined ? { mac: '00:00:00:00:00:00', addresses: [] } : interfaceFacts(c.netns, iface);
  const watch = createTrafficWatch({
    manager,
    gatewayMac: facts.mac,
    gatewayAddresses: facts.addresses,
    dnsServers: c.dnsServers,
    deviceInterfaces: effectiveDeviceInterfaces(c),
    captureIsDeviceInterface: iface !== undefined && effectiveDeviceInterfaces(c).includes(iface),
    capturing: iface !== undefined,
    ...(counters === undefined ? {} : { counters }),
    log,
  });
  const tcpdump = iface === undefined ? undefined : startTcpdump(c.netns, iface);
  let stderr = '';
  tcpdump?.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString('utf8')).slice(-2000);
  });
  tcpdump?.on('error', (e) => log('error', 'intent: tcpdump cannot run', { err: e.message }));
  const reading = (async () => {
    if (tcpdump?.stdout == null) return;
    try {
      for await (const frame of readFrames(tcpdump.stdout)) {
        const p = decodePacket(frame);
        if (p !== undefined) watch.packet(p);
      }
    } catch (e) {
      log('error', 'intent: the capture stopped', { err: (e as Error).message, tcpdump: stderr.trim() });
    }
  })();
  return {
    watch,
    async flush() {
      // Policies are compiled for the capture only; counters need none.
      if (tcpdump !== undefined) await watch.refresh();
      return watch.flush();
    },
    async stop() {
      tcpdump?.kill('SIGTERM');
      await reading;
    },
  };
}
