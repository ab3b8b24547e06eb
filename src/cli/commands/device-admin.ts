/** `iotopia device list`: an owner server's devices and where each is in onboarding. */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { type ApiOptions, apiTarget, listAll, withApiOptions } from './voucher-admin-client.ts';

interface DeviceItem {
  guid: string;
  state: string;
  voucherState: string | null;
  replacementGuid?: string;
  onboardedAt?: string;
}

export function registerDeviceAdmin(device: Command, cli: CliContext): void {
  withApiOptions(device.command('list'))
    .description("list an owner server's devices with their onboarding state (through the management API)")
    .option('--state <state>', 'only devices in this state: manufactured, owned, registered, onboarded')
    .option('--json', 'machine output: a JSON array')
    .action(async (opts: ApiOptions & { state?: string; json?: boolean }) => {
      const items = await listAll<DeviceItem>(apiTarget(opts, cli.env), '/devices', { state: opts.state, limit: '100' });
      // Every field comes from the server: each is escaped on its way to the terminal.
      const text = cli.output.text;
      const line = (d: DeviceItem) =>
        `${text(d.guid)}  ${text(d.state).padEnd(12)}  voucher ${text(d.voucherState ?? '-')}${d.replacementGuid === undefined ? '' : `  now ${text(d.replacementGuid)}`}`;
      cli.output.result(items, () => (items.length === 0 ? 'no devices' : items.map(line)));
    });
}
