/**
 * `iotopia intent apply MUDFILE --device NAME --mac M …`: compiles a MUD file for one device like
 * `intent compile` and applies the script to nftables (the current or `--netns` namespace) as one
 * transaction. The name is recorded in the ruleset so `intent remove --device NAME` finds it.
 */
import type { Command } from 'commander';
import { IntentError } from '../../intent/errors.ts';
import { nftEnforcer } from '../../intent/nft/nft-enforcer.ts';
import { DEVICE_NAME } from '../../intent/nft-compile.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { addContextOptions, addMudFileArguments, type ContextOptions, compileFromOptions } from './intent-context.ts';

interface ApplyOptions extends ContextOptions {
  device: string;
  netns?: string;
  json?: boolean;
}

/** nft failing or missing is the system refusing the change: exit 1; anything else propagates. */
export function nftFailure(e: unknown): never {
  if (e instanceof IntentError && e.code === 'ERR_INTENT_CONTEXT') throw new CliExit(EXIT_USAGE, `${e.code}: ${e.message}`);
  if (e instanceof IntentError) throw new CliExit(EXIT_CHECK_FAILED, `${e.code}: ${e.message}`);
  throw e;
}

/** `--device NAME`, checked against the characters a name may have. */
export function deviceName(name: string): string {
  if (!DEVICE_NAME.test(name))
    throw new CliExit(EXIT_USAGE, `--device: ${JSON.stringify(name)} is not a name (letters, digits, . _ -, at most 64)`);
  return name;
}

async function apply(cli: CliContext, file: string, o: ApplyOptions): Promise<void> {
  const name = deviceName(o.device);
  const { policy, script } = await compileFromOptions(cli, file, o, name);
  const enforcer = nftEnforcer(o.netns === undefined ? {} : { netns: o.netns });
  try {
    const other = (await enforcer.devices()).find((d) => d.name === name && d.mac !== policy.mac);
    if (other !== undefined) throw new CliExit(EXIT_USAGE, `--device: ${name} is already the name of ${other.mac}; remove it first`);
    await enforcer.apply(script);
  } catch (e) {
    nftFailure(e);
  }
  const result = { device: name, mac: policy.mac, mudUrl: policy.mudUrl, applied: true, warnings: policy.warnings };
  cli.output.result(result, () => `applied the MUD policy of ${name} (${policy.mac})`);
}

export function registerIntentApply(intent: Command, cli: CliContext): void {
  addContextOptions(
    addMudFileArguments(
      intent
        .command('apply')
        .description("resolve a MUD file for one device and apply it to this (or --netns) network namespace's nftables in one transaction"),
    ),
  )
    .requiredOption('--device <name>', 'a name for the device (letters, digits, . _ -, at most 64), recorded in the ruleset')
    .option('--netns <name>', 'apply inside this network namespace (ip netns) instead of the current one')
    .option('--json', 'print the result as JSON')
    .action((file: string, o: ApplyOptions) => apply(cli, file, o));
}
