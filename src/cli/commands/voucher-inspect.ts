import type { Command } from 'commander';
import { inspectVoucher, type VoucherSummary } from '../../fdo/voucher/voucher-inspect.ts';
import type { CliContext } from '../context.ts';
import { readVoucher } from './voucher-common.ts';

export function registerVoucherInspect(voucher: Command, cli: CliContext): void {
  voucher
    .command('inspect')
    .description('show what an ownership voucher (PEM or CBOR) holds; checks nothing (see verify)')
    .argument('<file>', 'voucher file, or - for standard input')
    .option('--json', 'machine output')
    .action(async (file: string) => {
      const summary = inspectVoucher(await readVoucher(cli, file));
      cli.output.result(summary, () => summaryLines(summary, cli.output.text), { indent: 2 });
    });
}

function summaryLines(s: VoucherSummary, text: (s: string) => string): string[] {
  const key = (k: VoucherSummary['currentOwner']) => `${k.type} ${k.encoding} ${k.fingerprint ?? `(undecodable: ${k.error})`}`;
  const lines = [
    `protocol version  ${s.protocolVersion}`,
    `GUID              ${s.guidUuid}`,
    `device info       ${text(JSON.stringify(s.deviceInfo))}`,
    `manufacturer key  ${key(s.manufacturerKey)}`,
    `header HMAC       ${s.headerHmac.type}`,
  ];
  if (Array.isArray(s.rendezvousInfo)) {
    s.rendezvousInfo.forEach((d, i) => {
      const parts = Object.entries(d).filter(
        ([k, v]) => v !== undefined && v !== false && !(k === 'other' && (v as number[]).length === 0),
      );
      lines.push(`rendezvous ${i}      ${parts.map(([k, v]) => `${k}=${text(Array.isArray(v) ? v.join(',') : String(v))}`).join(' ')}`);
    });
  } else lines.push(`rendezvous        (undecodable: ${s.rendezvousInfo.error})`);
  if (s.deviceCertChain === null) lines.push('device chain      none');
  else if ('error' in s.deviceCertChain) lines.push(`device chain      (undecodable: ${s.deviceCertChain.error})`);
  else
    for (const [i, c] of s.deviceCertChain.entries())
      lines.push(`device cert ${i}     ${text(c.subject.replace(/\n/g, ', '))} (${c.notBefore} .. ${c.notAfter})`);
  for (const e of s.entries) lines.push(`entry ${e.index}           ${e.signatureAlgorithm} ${e.hashType} -> ${key(e.ownerKey)}`);
  lines.push(`current owner     ${key(s.currentOwner)}`);
  return lines;
}
