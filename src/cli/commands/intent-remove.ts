/**
 * `iotopia intent remove (--device NAME | --mac M) [--netns NS]`: removes a device's rules,
 * chains, sets and counters from nftables in one transaction. A device that has none is fine.
 */
import type { Command } from 'commander';
import { normaliseMac } from '../../intent/ip.ts';
import { nftEnforcer } from '../../intent/nft/nft-enforcer.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { deviceName, nftFailure } from './intent-apply.ts';

interface RemoveOptions {
  device?: string;
  mac?: string;
  netns?: string;
  json?: boolean;
}

function target(o: RemoveOptions): { name?: string; mac?: string } {
  if ((o.device === undefined) === (o.mac === undefined)) throw new CliExit(EXIT_USAGE, 'give one of --device NAME or --mac M');
  if (o.device !== undefined) return { name: deviceName(o.device) };
  const mac = normaliseMac(o.mac as string);
  if (mac === undefined) throw new CliExit(EXIT_USAGE, `--mac: ${JSON.stringify(o.mac)} is not a MAC address`);
  return { mac };
}

async function remove(cli: CliContext, o: RemoveOptions): Promise<void> {
  const t = target(o);
  const enforcer = nftEnforcer(o.netns === undefined ? {} : { netns: o.netns });
  const removed: string[] = [];
  try {
    const macs = t.mac !== undefined ? [t.mac] : (await enforcer.devices()).filter((d) => d.name === t.name).map((d) => d.mac);
    for (const mac of macs) {
      await enforcer.removeDevice(mac);
      removed.push(mac);
    }
  } catch (e) {
    nftFailure(e);
  }
  const what = t.name ?? t.mac;
  cli.output.result({ device: t.name, mac: t.mac, removed }, () =>
    removed.length === 0 ? `no rules for ${what}: nothing removed` : `removed the rules of ${what} (${removed.join(', ')})`,
  );
}

export function registerIntentRemove(intent: Command, cli: CliContext): void {
  intent
    .command('remove')
    .description("remove a device's nftables rules (applied with intent apply) in one transaction")
    .option('--device <name>', 'the name given to intent apply')
    .option('--mac <mac>', "the device's MAC address")
    .option('--netns <name>', 'in this network namespace (ip netns) instead of the current one')
    .option('--json', 'print the result as JSON')
    .action((o: RemoveOptions) => remove(cli, o));
}
