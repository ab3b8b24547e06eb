/** The start-up message of `iotopia up`, from what the server (one process, or the primary and its lead worker) reports. */
import type { PlatformConfig } from '../../server/platform/config.ts';
import type { Platform } from '../../server/platform/platform.ts';
import type { CliContext } from '../context.ts';

export interface UpSummary {
  url: string;
  database: string;
  masterKey: { created: boolean; source: string };
  keysCreated: string[];
  tls?: { fingerprint: string; caFile?: string; created: string[] };
  listeners: Platform['listeners'];
  manufacturing: { loopbackOnly: boolean; autoOwner: boolean };
  firstAdminToken?: string;
  /** With --workers above 1: the workers' process ids. */
  workerPids?: number[];
  /** The MUD manager judges simulated flows and programs no firewall (`up --demo`). */
  intentSimulated?: boolean;
}

export function summaryOf(platform: Platform): UpSummary {
  return {
    url: platform.url,
    database: platform.database,
    masterKey: platform.masterKey,
    keysCreated: platform.keys.created,
    ...(platform.tls === undefined ? {} : { tls: platform.tls }),
    listeners: platform.listeners,
    manufacturing: platform.manufacturing,
    ...(platform.firstAdminToken === undefined ? {} : { firstAdminToken: platform.firstAdminToken }),
  };
}

/** The start-up lines about TLS and the listeners. */
function transportLines(s: UpSummary): string[] {
  const lines: string[] = [];
  if (s.tls !== undefined) {
    if (s.tls.created.length > 0) lines.push(`  TLS made:   ${s.tls.created.join(', ')}`);
    lines.push(`  TLS certificate SHA-256: ${s.tls.fingerprint}`);
    if (s.tls.caFile !== undefined) lines.push(`  TLS CA (give clients --tls-ca): ${s.tls.caFile}`);
  }
  for (const l of s.listeners.slice(1)) {
    lines.push(`  ${l.name} listener: ${l.url} (FDO DI only${l.clientCertificates ? ', client certificates required' : ''})`);
  }
  return lines;
}

/** How DI is authorised here, for the start-up message. */
function manufacturingLine(m: { loopbackOnly: boolean; autoOwner: boolean }): string {
  const who = m.loopbackOnly
    ? 'open to local clients (loopback only)'
    : 'needs a DI token (iotopia manufacturer di-token create) or the factory listener';
  return `${who}; auto-owner ${m.autoOwner ? 'on' : 'off'}`;
}

export function bannerLines(cli: CliContext, config: PlatformConfig, s: UpSummary): string[] {
  const lines = [
    `IoTopia is up at ${s.url}  (roles: ${config.roles.join(', ')})`,
    `  database:   ${s.database}`,
    `  master key: ${s.masterKey.source}${s.masterKey.created ? ' (created now: back it up; without it the stored private keys cannot be read)' : ''}`,
    `  keystore:   ${config.keystore?.backend === 'pkcs11' ? `pkcs11, token ${cli.output.text(config.keystore.token)}` : 'software (sealed by the master key)'}`,
  ];
  if (s.workerPids !== undefined) lines.push(`  workers:    ${s.workerPids.length} (pids ${s.workerPids.join(', ')})`);
  if (s.keysCreated.length > 0) lines.push(`  keys made:  ${s.keysCreated.join(', ')}`);
  lines.push(...transportLines(s));
  if (config.roles.includes('manufacturer')) lines.push(`  DI:         ${manufacturingLine(s.manufacturing)}`);
  if (config.intent !== undefined)
    lines.push(
      s.intentSimulated === true
        ? `  MUD manager: gateway ${cli.output.text(config.intent.gateway)}, simulated (no firewall programmed)`
        : `  MUD manager: gateway ${cli.output.text(config.intent.gateway)}, nftables of ${config.intent.netns === undefined ? 'this host' : `namespace ${cli.output.text(config.intent.netns)}`}`,
    );
  if (s.firstAdminToken !== undefined) {
    lines.push(
      `  admin API token (shown only this once; keep it secret): ${s.firstAdminToken}`,
      `  management API: ${s.url}/api/v1  (OpenAPI: ${s.url}/api/v1/openapi.json)`,
    );
  }
  const caArg = s.tls?.caFile === undefined ? '' : ` --tls-ca ${s.tls.caFile}`;
  lines.push(
    '',
    'Get started (in another terminal):',
    `  npx iotopia device init --manufacturer ${s.url}${caArg}     # manufacture a simulated device (DI)`,
    `  npx iotopia device onboard${caArg}                                 # find the owner and onboard (TO1, TO2)`,
    `  health: ${s.url}/healthz   metrics: ${s.url}/metrics`,
    '',
    'Ctrl-C stops the server.',
  );
  return lines;
}
