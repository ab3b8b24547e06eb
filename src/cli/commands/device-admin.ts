/**
 * `iotopia device list|show|set-state|tag|group`: an owner server's device registry through its
 * management API (the rules are the server's, src/lifecycle/registry.ts).
 */
import type { Command } from 'commander';
import { DEVICE_STATES } from '../../lifecycle/device-states.ts';
import { OPERATOR_STATES } from '../../lifecycle/registry.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { type ApiOptions, apiRequest, apiTarget, guidArg, listAll, withApiOptions } from './voucher-admin-client.ts';

interface DeviceItem {
  guid: string;
  state: string;
  voucherState: string | null;
  replacementGuid?: string;
  onboardedAt?: string;
  lastSeenAt?: string;
  tags: string[];
  groups: string[];
}

const collect = (v: string, all: string[]): string[] => [...all, v];

function oneOf(name: string, value: string | undefined, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value))
    throw new CliExit(EXIT_USAGE, `--${name}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
}

/** The device on one line, every field escaped on its way to the terminal. */
function line(d: DeviceItem, text: (s: string) => string): string {
  const labels = [...d.tags.map((t) => `#${t}`), ...d.groups.map((g) => `@${g}`)].map(text).join(' ');
  const now = d.replacementGuid === undefined ? '' : `  now ${text(d.replacementGuid)}`;
  const seen = `  seen ${text(d.lastSeenAt ?? 'never')}`;
  return `${text(d.guid)}  ${text(d.state).padEnd(14)}  voucher ${text(d.voucherState ?? '-')}${now}${seen}${labels === '' ? '' : `  ${labels}`}`;
}

function registerLabelCommand(device: Command, cli: CliContext, kind: 'tag' | 'group'): void {
  withApiOptions(device.command(kind))
    .description(`add and remove the device's ${kind}s (letters, digits and ._:- , at most 64 each)`)
    .argument('<guid>', 'the device (its original GUID or the one TO2 gave it)')
    .option('--add <label>', `a ${kind} to add (repeat)`, collect, [])
    .option('--remove <label>', `a ${kind} to remove (repeat)`, collect, [])
    .option('--json', 'machine output: the device')
    .action(async (guid: string, opts: ApiOptions & { add: string[]; remove: string[]; json?: boolean }) => {
      const g = guidArg(guid);
      if (opts.add.length === 0 && opts.remove.length === 0) throw new CliExit(EXIT_USAGE, 'give --add or --remove');
      const body = JSON.stringify({ add: opts.add, remove: opts.remove });
      const res = await apiRequest(apiTarget(opts, cli.env), 'POST', `/devices/${g}/${kind}s`, { data: body, type: 'application/json' });
      const d = (await res.json()) as DeviceItem;
      cli.output.result(d, () => line(d, cli.output.text));
    });
}

/** `iotopia device show <guid>`: one device record of an owner server (`device show` without a GUID shows the local credential). */
export async function showRegistered(cli: CliContext, guid: string, opts: ApiOptions & { json?: boolean }): Promise<void> {
  const res = await apiRequest(apiTarget(opts, cli.env), 'GET', `/devices/${guidArg(guid)}`);
  const d = (await res.json()) as Record<string, unknown>;
  const text = cli.output.text;
  cli.output.result(d, () => [
    ...Object.entries(d)
      .filter(([k, v]) => v !== undefined && v !== null && k !== 'firmware')
      .map(([k, v]) => `${k.padEnd(16)} ${text(Array.isArray(v) ? v.join(', ') : String(v))}`),
    ...firmwareLines(d.firmware as Firmware | undefined, text),
  ]);
}

interface Firmware {
  releaseId?: string;
  version?: string;
  sequenceNumber: number;
  installedAt: string;
  components: { componentId: string[]; name?: string; digest: { algorithm: string; hex: string } }[];
}

/** The firmware a verified SUIT report proved, one line per component; every value escaped. */
function firmwareLines(f: Firmware | undefined, text: (s: string) => string): string[] {
  if (f === undefined) return [];
  const head = `${'firmware'.padEnd(16)} ${text(f.version ?? '?')} (sequence ${f.sequenceNumber}, release ${text(f.releaseId ?? '?')}, verified report, ${text(f.installedAt)})`;
  return [
    head,
    ...f.components.map(
      (c) =>
        `${''.padEnd(16)}   component ${text(c.componentId.join('/'))}${c.name === undefined ? '' : ` (${text(c.name)})`} ${text(c.digest.algorithm)}:${text(c.digest.hex)}`,
    ),
  ];
}

export function registerDeviceAdmin(device: Command, cli: CliContext): void {
  withApiOptions(device.command('list'))
    .description("list an owner server's devices with their lifecycle state and labels (through the management API)")
    .option('--state <state>', `only devices in this state: ${DEVICE_STATES.join(', ')}`)
    .option('--tag <tag>', 'only devices with this tag')
    .option('--group <group>', 'only devices in this group')
    .option('--seen-before <time>', 'only devices last seen on the device API before this ISO 8601 time, or never')
    .option('--seen-since <time>', 'only devices last seen on the device API at this ISO 8601 time or later')
    .option('--json', 'machine output: a JSON array')
    .action(
      async (
        opts: ApiOptions & { state?: string; tag?: string; group?: string; seenBefore?: string; seenSince?: string; json?: boolean },
      ) => {
        oneOf('state', opts.state, DEVICE_STATES);
        const query = {
          state: opts.state,
          tag: opts.tag,
          group: opts.group,
          seenBefore: opts.seenBefore,
          seenSince: opts.seenSince,
          limit: '100',
        };
        const items = await listAll<DeviceItem>(apiTarget(opts, cli.env), '/devices', query);
        cli.output.result(items, () => (items.length === 0 ? 'no devices' : items.map((d) => line(d, cli.output.text))));
      },
    );
  withApiOptions(device.command('set-state'))
    .description(
      'suspend a device, resume it (active) or decommission it, with a reason; the server refuses a change its state does not allow',
    )
    .argument('<guid>', 'the device (its original GUID or the one TO2 gave it)')
    .argument('<state>', OPERATOR_STATES.join(' | '))
    .requiredOption('--reason <text>', 'why (kept in the audit log, at most 1,024 characters)')
    .option('--json', 'machine output: the device')
    .action(async (guid: string, state: string, opts: ApiOptions & { reason: string; json?: boolean }) => {
      const g = guidArg(guid);
      if (!(OPERATOR_STATES as readonly string[]).includes(state))
        throw new CliExit(EXIT_USAGE, `<state>: ${JSON.stringify(state)} is not one of ${OPERATOR_STATES.join(', ')}`);
      const body = JSON.stringify({ state, reason: opts.reason });
      const res = await apiRequest(apiTarget(opts, cli.env), 'POST', `/devices/${g}/state`, { data: body, type: 'application/json' });
      const d = (await res.json()) as DeviceItem;
      cli.output.result(d, () => line(d, cli.output.text));
    });
  registerLabelCommand(device, cli, 'tag');
  registerLabelCommand(device, cli, 'group');
}
