/** `iotopia voucher list|export|import|register|resell`: a server's vouchers through its management API. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';
import { readInput } from '../input.ts';
import { type ApiOptions, apiRequest, apiTarget, guidArg, listAll, withApiOptions } from './voucher-admin-client.ts';

interface VoucherItem {
  guid: string;
  side: string;
  state: string;
  entries: number;
  owner: string;
  deviceInfo: string;
}

const line = (v: VoucherItem, text: (s: string) => string) =>
  `${text(v.guid)}  ${text(v.state).padEnd(10)}  entries ${v.entries}  owner ${text(v.owner.slice(0, 16))}  ${text(v.deviceInfo)}`;

export function registerVoucherAdmin(voucher: Command, cli: CliContext): void {
  const { output } = cli;
  withApiOptions(voucher.command('list'))
    .description("list a server's vouchers (the manufacturer's by default)")
    .option('--side <side>', 'manufacturer or owner', 'manufacturer')
    .option('--state <state>', 'only vouchers in this state')
    .option('--json', 'machine output: a JSON array')
    .action(async (opts: ApiOptions & { side: string; state?: string; json?: boolean }) => {
      if (opts.side !== 'manufacturer' && opts.side !== 'owner') throw new CliExit(EXIT_USAGE, '--side: manufacturer or owner');
      const items = await listAll<VoucherItem>(apiTarget(opts, cli.env), `/${opts.side}/vouchers`, { state: opts.state, limit: '100' });
      output.result(items, () => (items.length === 0 ? 'no vouchers' : items.map((v) => line(v, output.text))));
    });

  withApiOptions(voucher.command('export'))
    .description("export one of the manufacturer's vouchers as PEM")
    .argument('<guid>', 'device GUID (hex or UUID form)')
    .option('-o, --output <file>', 'write the PEM here instead of standard output')
    .option('--json', 'machine output: a summary (needs -o for the voucher)')
    .action(async (guid: string, opts: ApiOptions & { output?: string; json?: boolean }) => {
      if (opts.json && opts.output === undefined)
        throw new CliExit(EXIT_USAGE, '--json needs -o: the summary and the voucher cannot share standard output');
      const pem = await (await apiRequest(apiTarget(opts, cli.env), 'GET', `/manufacturer/vouchers/${guidArg(guid)}/pem`)).text();
      if (opts.output === undefined) output.out(pem);
      else await writeFile(pathIn(cli, opts.output), pem);
      output.result({ guid: guidArg(guid), output: opts.output });
    });

  withApiOptions(voucher.command('import'))
    .description('import a voucher (PEM or CBOR) into an owner server; it is verified there and must be extended to its owner key')
    .argument('<file>', 'voucher file, or - for standard input')
    .option('--json', 'machine output: the imported voucher')
    .action(async (file: string, opts: ApiOptions & { json?: boolean }) => {
      const target = apiTarget(opts, cli.env);
      const bytes = await readInput(cli, file);
      const pem = Buffer.from(bytes.subarray(0, 64)).toString('latin1').includes('-----BEGIN');
      const response = await apiRequest(target, 'POST', '/owner/vouchers', {
        data: bytes,
        type: pem ? 'application/x-pem-file' : 'application/cbor',
      });
      const v = (await response.json()) as VoucherItem;
      output.result(v, () => `voucher imported: ${line(v, output.text)}`);
    });

  withApiOptions(voucher.command('register'))
    .description(
      "register an owner's voucher (TO0) with the rendezvous its RendezvousInfo names for the owner, or the owner's configured list (PUT /owner/rendezvous), so the device can find its owner",
    )
    .argument('<guid>', 'device GUID (hex or UUID form)')
    .option('--json', 'machine output: the registered voucher')
    .action(async (guid: string, opts: ApiOptions & { json?: boolean }) => {
      const response = await apiRequest(apiTarget(opts, cli.env), 'POST', `/owner/vouchers/${guidArg(guid)}/register`);
      const v = (await response.json()) as VoucherItem & { registeredUntil?: string };
      output.result(v, () => `voucher registered until ${v.registeredUntil ?? '?'}: ${line(v, output.text)}`);
    });

  withApiOptions(voucher.command('resell'))
    .description(
      "resell a device an owner server holds: its current voucher (the replacement after an onboarding) is extended to the next owner's key and handed on; the server stops offering and registering it",
    )
    .argument('<guid>', 'any GUID the device had at this owner (hex or UUID form)')
    .requiredOption('--owner-key <pem>', "the next owner's public key (PEM file, or - for standard input)")
    .option('-o, --output <file>', 'write the extended voucher (PEM) here instead of standard output')
    .option('--json', 'machine output: a summary (needs -o for the voucher)')
    .action(async (guid: string, opts: ApiOptions & { ownerKey: string; output?: string; json?: boolean }) => {
      if (opts.json && opts.output === undefined)
        throw new CliExit(EXIT_USAGE, '--json needs -o: the summary and the voucher cannot share standard output');
      const target = apiTarget(opts, cli.env);
      const ownerKey = Buffer.from(await readInput(cli, opts.ownerKey)).toString('utf8');
      const response = await apiRequest(
        target,
        'POST',
        `/owner/vouchers/${guidArg(guid)}/resell`,
        { data: JSON.stringify({ ownerKey }), type: 'application/json' },
        { accept: 'application/json' },
      );
      const sold = (await response.json()) as { voucher: VoucherItem; pem: string; retired: string[] };
      if (opts.output === undefined) output.out(sold.pem);
      else await writeFile(pathIn(cli, opts.output), sold.pem);
      const summary = { guid: sold.voucher.guid, nextOwner: sold.voucher.owner, retired: sold.retired, output: opts.output ?? null };
      if (output.json) output.result(summary);
      else if (opts.output !== undefined)
        output.err(`voucher ${sold.voucher.guid} resold to ${sold.voucher.owner.slice(0, 16)}; written to ${opts.output}\n`);
    });
}
