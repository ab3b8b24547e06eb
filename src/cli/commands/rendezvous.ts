/**
 * `iotopia rendezvous policy show|set`: which vouchers a server's rendezvous accepts in TO0 (open,
 * or only those from trusted manufacturer or owner keys), through the management API.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { AcceptancePolicyView } from '../../onboarding/acceptance.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { type ApiOptions, apiRequest, apiTarget, withApiOptions } from './voucher-admin-client.ts';

const PATH = '/rendezvous/policy';

/** A key as given: a fingerprint is sent as it is, a file's contents (a PEM public key) in its place. */
function keyArgument(cli: CliContext, v: string): string {
  if (/^[0-9a-fA-F:]+$/.test(v) || !existsSync(pathIn(cli, v))) return v;
  try {
    return readFileSync(pathIn(cli, v), 'utf8');
  } catch (e) {
    throw new CliExit(EXIT_USAGE, `${v}: ${(e as Error).message}`);
  }
}

function policyLines(p: AcceptancePolicyView, text: (s: string) => string): string[] {
  const from = p.source === 'default' ? " (the server's default; none set)" : '';
  if (p.mode === 'open') return [`open: every voucher that verifies is accepted in TO0${from}`];
  const list = (keys: string[]) => (keys.length === 0 ? ['    (none)'] : keys.map((k) => `    ${text(k)}`));
  return [
    p.source === 'default'
      ? "trusted: this server's own keys (the default; none set): only vouchers from these keys are accepted in TO0"
      : 'trusted: only vouchers from these keys are accepted in TO0',
    '  manufacturer keys:',
    ...list(p.manufacturerKeys),
    '  owner keys:',
    ...list(p.ownerKeys),
  ];
}

export function registerRendezvous(program: Command, cli: CliContext): void {
  const print = (p: AcceptancePolicyView) => cli.output.result(p, () => policyLines(p, cli.output.text));
  const rendezvous = program.command('rendezvous').description("a server's rendezvous role, through the management API").exitOverride();
  const policy = rendezvous.command('policy').description('which vouchers this rendezvous accepts in TO0').exitOverride();
  const collect = (v: string, prev: string[]) => [...prev, v];

  withApiOptions(policy.command('show'))
    .description('show the TO0 acceptance policy')
    .option('--json', 'machine output')
    .action(async (opts: ApiOptions & { json?: boolean }) => {
      print((await (await apiRequest(apiTarget(opts, cli.env), 'GET', PATH)).json()) as AcceptancePolicyView);
    });

  withApiOptions(policy.command('set'))
    .description('accept every voucher (--open), or only vouchers whose manufacturer or current owner key is trusted')
    .option('--open', 'accept every voucher that verifies')
    .option(
      '--trust-manufacturer <key>',
      'a manufacturer key: SHA-256 fingerprint (64 hex digits) or a PEM public key file (repeat for more)',
      collect,
      [],
    )
    .option('--trust-owner <key>', "an owner key (the voucher's last entry): fingerprint or PEM file (repeat for more)", collect, [])
    .option('--json', 'machine output')
    .action(async (opts: ApiOptions & { open?: boolean; trustManufacturer: string[]; trustOwner: string[]; json?: boolean }) => {
      const keys = opts.trustManufacturer.length + opts.trustOwner.length;
      if (opts.open === true && keys > 0) throw new CliExit(EXIT_USAGE, '--open takes no --trust-… keys');
      if (opts.open !== true && keys === 0)
        throw new CliExit(EXIT_USAGE, 'give --open, or at least one --trust-manufacturer or --trust-owner key');
      const body =
        opts.open === true
          ? { mode: 'open' }
          : {
              mode: 'trusted',
              manufacturerKeys: opts.trustManufacturer.map((k) => keyArgument(cli, k)),
              ownerKeys: opts.trustOwner.map((k) => keyArgument(cli, k)),
            };
      const answer = await apiRequest(apiTarget(opts, cli.env), 'PUT', PATH, { data: JSON.stringify(body), type: 'application/json' });
      print((await answer.json()) as AcceptancePolicyView);
    });
  withApiOptions(policy.command('reset'))
    .description("forget the policy set: the server's default applies again (its own keys, unless started with --rendezvous-policy open)")
    .option('--json', 'machine output')
    .action(async (opts: ApiOptions & { json?: boolean }) => {
      print((await (await apiRequest(apiTarget(opts, cli.env), 'DELETE', PATH)).json()) as AcceptancePolicyView);
    });
  for (const c of [rendezvous, policy, ...policy.commands]) c.exitOverride();
}
