/**
 * `iotopia up --demo`: the server on SQLite in a throwaway data directory (or --data-dir), seeded
 * with a living fleet through every pillar (src/cli/demo/), with the console URL and a login token
 * printed. The directory made here is removed when the server stops.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { RawSettings } from '../../server/platform/config.ts';
import type { Platform, StartOptions } from '../../server/platform/platform.ts';
import type { CliContext } from '../context.ts';
import { runDemo } from '../demo/demo.ts';
import { demoResolver, publishedMudFetcher, simulatedEnforcer } from '../demo/intent-ports.ts';
import { cloudNames } from '../demo/models.ts';
import { type DemoMudSigner, makeMudSigner } from '../demo/mud-signer.ts';
import { type DemoStatus, demoStatus } from '../demo/status.ts';
import { CliExit, EXIT_USAGE } from '../exit-codes.ts';

export interface DemoOptions {
  demo?: boolean;
  demoEnforce?: boolean;
}

export function withDemoOptions(cmd: Command): Command {
  return cmd
    .optionsGroup('Demo:')
    .option(
      '--demo',
      'seed a living demo fleet (devices of four models onboarded, MUD files enforced or simulated, a paused campaign, SBOMs, assessments) on SQLite in a throwaway data directory (removed on exit) unless --data-dir is given',
    )
    .option(
      '--demo-enforce',
      "with --demo: enforce the MUD files with this host's nftables (needs root and nft); default: simulated flows only",
    )
    .optionsGroup('Options:');
}

export interface PreparedDemo {
  flags: RawSettings;
  status: DemoStatus;
  signer: DemoMudSigner;
  start: Pick<StartOptions, 'intentPorts' | 'demo'>;
  dataDir: string;
  /** Set when the directory was made here: removed on exit. */
  throwaway: boolean;
  bindStore(platform: Platform): void;
}

function nftUsable(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('nft', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The demo's settings, status and intent ports; the data directory made when none was given. */
export async function prepareDemo(
  o: DemoOptions & { dataDir?: string; database?: string; workers?: string },
  env: NodeJS.ProcessEnv,
): Promise<PreparedDemo> {
  if (o.database !== undefined || env.IOTOPIA_DATABASE !== undefined)
    throw new CliExit(EXIT_USAGE, '--demo runs on the embedded SQLite database: leave out --database and IOTOPIA_DATABASE');
  if (o.workers !== undefined && o.workers !== '1') throw new CliExit(EXIT_USAGE, '--demo runs in one process: leave out --workers');
  if (o.demoEnforce === true && !nftUsable())
    throw new CliExit(EXIT_USAGE, '--demo-enforce needs root and nft on this host; without it the demo judges simulated flows');
  const throwaway = o.dataDir === undefined;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'iotopia-demo-'));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const signer = await makeMudSigner(join(dataDir, 'demo-mud-signer-ca.pem'), 'IoTopia Demo Devices');
  const status = demoStatus(o.demoEnforce === true ? 'enforced' : 'simulated');
  let lookup: Platform['store'] | undefined;
  const fetcher = publishedMudFetcher(async (name) => lookup?.mudFiles.get(name));
  const ports = {
    resolver: demoResolver(cloudNames()),
    fetcher,
    ...(o.demoEnforce === true ? {} : { enforcer: simulatedEnforcer() }),
  };
  return {
    flags: {
      roles: 'manufacturer,rendezvous,owner,mud,intent',
      dataDir,
      workers: '1',
      intentMudSignerCa: signer.caFile,
      intentGateway: 'iotopia-demo',
      campaignTickInterval: '1',
    },
    status,
    signer,
    start: { intentPorts: ports, demo: status },
    dataDir,
    throwaway,
    bindStore(platform) {
      lookup = platform.store;
    },
  };
}

/** The demo's lines for the start-up message: where to look and with what. */
export function demoBannerLines(p: PreparedDemo, platform: Platform, token: string | undefined): string[] {
  const mode = p.status.view().intentMode;
  return [
    '',
    'IoTopia demo',
    `  console:     ${platform.url}/`,
    `  login token: ${token ?? '(none: this data directory was used before; make one with iotopia token create --role owner)'}`,
    `  data:        ${p.dataDir}${p.throwaway ? ' (throwaway: removed when the server stops)' : ''}`,
    `  intent:      ${mode === 'enforced' ? 'enforced with nftables (removed when the server stops)' : 'simulated (the verdict engine judges simulated flows; nftables untouched)'}`,
    `  status:      ${platform.url}/api/v1/demo`,
    '',
  ];
}

/** Seeds and runs the demo until `stopped` settles; prints progress and the ready line. */
export async function runDemoUntil(
  cli: CliContext,
  p: PreparedDemo,
  platform: Platform,
  token: string | undefined,
  stopped: Promise<string>,
) {
  p.bindStore(platform);
  if (token === undefined) {
    cli.output.err('demo: no admin token (the data directory was used before): nothing is seeded\n');
    return stopped;
  }
  const started = performance.now();
  let stopping = false;
  const demo = runDemo({
    platform,
    token,
    status: p.status,
    signer: p.signer,
    enforced: p.status.view().intentMode === 'enforced',
    dir: join(p.dataDir, 'demo-fleet'),
    progress: (line) => cli.output.out(`${line}\n`),
  });
  demo.seeded.then(
    () => {
      // Stopped before the end: the seeding broke off and nothing is ready.
      if (stopping || p.status.view().phase !== 'ready') return;
      const c = p.status.view().counts;
      cli.output.out(
        `demo ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${c.devices ?? 0} devices of ${c.products ?? 0} models, ` +
          `${c.quarantined ?? 0} quarantined, a campaign paused on failures, ${c.vulnerabilitiesMatched ?? 0} vulnerabilities matched, ` +
          `${c.assessments ?? 0} assessments. Open ${platform.url}/ and log in with the token above.\n`,
      );
    },
    (e: unknown) => {
      p.status.step(`failed: ${(e as Error).message}`);
      if (stopping) return;
      const code = (e as { code?: unknown }).code;
      const tail = typeof code === 'string' ? ` [${code}]` : '';
      cli.output.err(`demo: seeding failed: ${cli.output.text((e as Error).message)}${tail}\n`);
    },
  );
  const signal = await stopped;
  stopping = true;
  await demo.stop();
  return signal;
}

/** Removes the throwaway data directory. */
export function removeThrowaway(p: PreparedDemo): void {
  if (p.throwaway) rmSync(p.dataDir, { recursive: true, force: true });
}
