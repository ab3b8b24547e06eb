import type { Command } from 'commander';
import { inspectVoucher, type VoucherSummary } from '../../fdo/voucher/voucher-inspect.ts';
import { readVoucher } from './voucher-common.ts';

export function registerVoucherInspect(voucher: Command): void {
  voucher
    .command('inspect')
    .description('show what an ownership voucher (PEM or CBOR) holds; checks nothing (see verify)')
    .argument('<file>', 'voucher file, or - for standard input')
    .option('--json', 'machine output')
    .action(async (file: string, opts: { json?: boolean }) => {
      const summary = inspectVoucher(await readVoucher(file));
      process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : text(summary));
    });
}

function text(s: VoucherSummary): string {
  const key = (k: VoucherSummary['currentOwner']) => `${k.type} ${k.encoding} ${k.fingerprint ?? `(undecodable: ${k.error})`}`;
  const lines = [
    `protocol version  ${s.protocolVersion}`,
    `GUID              ${s.guidUuid}`,
    `device info       ${JSON.stringify(s.deviceInfo)}`,
    `manufacturer key  ${key(s.manufacturerKey)}`,
    `header HMAC       ${s.headerHmac.type}`,
  ];
  if (Array.isArray(s.rendezvousInfo)) {
    s.rendezvousInfo.forEach((d, i) => {
      const parts = Object.entries(d).filter(
        ([k, v]) => v !== undefined && v !== false && !(k === 'other' && (v as number[]).length === 0),
      );
      lines.push(`rendezvous ${i}      ${parts.map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ')}`);
    });
  } else lines.push(`rendezvous        (undecodable: ${s.rendezvousInfo.error})`);
  if (s.deviceCertChain === null) lines.push('device chain      none');
  else if ('error' in s.deviceCertChain) lines.push(`device chain      (undecodable: ${s.deviceCertChain.error})`);
  else
    for (const [i, c] of s.deviceCertChain.entries())
      lines.push(`device cert ${i}     ${c.subject.replace(/\n/g, ', ')} (${c.notBefore} .. ${c.notAfter})`);
  for (const e of s.entries) lines.push(`entry ${e.index}           ${e.signatureAlgorithm} ${e.hashType} -> ${key(e.ownerKey)}`);
  lines.push(`current owner     ${key(s.currentOwner)}`);
  return `${lines.join('\n')}\n`;
}
