/**
 * `iotopia device run`: the device agent's service loop on the device API. It reads the provision
 * that onboarding stored beside the credential (provision.json: endpoint, bearer credential, trust
 * anchors), polls at the interval the server answers with, and applies each offered update
 * (src/agent/apply-update.ts; components and downloads live beside the credential), sending a SUIT
 * report signed with the credential's device key. When the answer says `rotate`, it gets a new
 * credential and stores it in the provision file first. On its first successful poll and after each
 * installed update it reports what it is and runs (src/agent/config-report.ts: model and serial
 * from DI, its components and their versions), when that changed; a report that fails is logged.
 * `--once` polls (and updates, and rotates) once; otherwise it runs until SIGINT or SIGTERM.
 */
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ApplyOptions, UpdateResult } from '../../agent/apply-update.ts';
import { type ConfigReporter, configReporter } from '../../agent/config-report.ts';
import { DeviceApiError, type PollAnswer, pollLoop, pollOnce, rotateCredential } from '../../agent/device-api-client.ts';
import { readIdentity } from '../../agent/device-identity.ts';
import { applyOrResend, keptResultsClient, readPending } from '../../agent/kept-results.ts';
import { fileManagementStore } from '../../agent/local-ports.ts';
import { offeredUpdate } from '../../agent/offered-update.ts';
import { updateClient } from '../../agent/update-client.ts';
import type { PrivateKeyLike } from '../../crypto/private-key-handle.ts';
import { fetchTrusting } from '../../fdo/client/tls-fetch.ts';
import type { ManagementProvision } from '../../fdo/serviceinfo/ports.ts';
import { type CliContext, pathIn } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readTlsCa, TLS_CA_OPTION } from '../tls-ca.ts';

interface RunOptions {
  credential: string;
  provision?: string;
  once?: boolean;
  json?: boolean;
  tlsCa?: string;
  acceptUpdates?: boolean;
  deferSoft?: boolean;
}

/** How `device run` gets the device key: the keystore options of `device onboard`, and a loader. */
export interface DeviceKeySource<O> {
  withKeystoreOptions(command: Command): Command;
  /** The attestation key of the credential in `file`; `close` releases a token. */
  deviceKey(file: string, options: O): Promise<{ deviceKey: PrivateKeyLike; close: () => Promise<void> }>;
}

async function loadProvision(file: string): Promise<ManagementProvision> {
  let p: ManagementProvision | undefined;
  try {
    p = await fileManagementStore(file).load();
  } catch (e) {
    throw new CliExit(EXIT_CHECK_FAILED, `${file}: not a provision (${(e as Error).message})`);
  }
  if (p === undefined) throw new CliExit(EXIT_USAGE, `${file} does not exist: onboard first (\`iotopia device onboard\`)`);
  if (typeof p.endpoint !== 'string' || typeof p.credential?.type !== 'string')
    throw new CliExit(EXIT_CHECK_FAILED, `${file}: not a provision (no endpoint or credential)`);
  return p;
}

const refused = (e: DeviceApiError) =>
  new CliExit(EXIT_CHECK_FAILED, `device API: ${e.message} [${e.code}${e.status === 0 ? '' : `, status ${e.status}`}]`);

export function registerDeviceRun<O extends object>(
  device: Command,
  cli: CliContext,
  defaultCredential: string,
  keys: DeviceKeySource<O>,
): void {
  const command = device
    .command('run')
    .description('poll the device API the owner provisioned at onboarding, at the interval it answers with, until stopped')
    .option('--credential <file>', 'the device credential; the provision is read beside it', defaultCredential)
    .option('--provision <file>', 'the provision file (default: provision.json beside the credential)')
    .option('--once', 'poll once and exit')
    .option('--accept-updates', 'confirm updates whose campaign asks the device to (without it they wait)')
    .option('--defer-soft', 'download soft updates and report them downloaded; a later run without this flag installs them')
    .option('--json', 'machine output')
    .option(...TLS_CA_OPTION);
  keys.withKeystoreOptions(command).action(async (o: RunOptions & O) => {
    const file = resolve(pathIn(cli, o.provision ?? join(dirname(o.credential), 'provision.json')));
    const provision = await loadProvision(file);
    // The device key signs the SUIT reports; a key in a token stays open while the agent runs.
    const { deviceKey, close } = await keys.deviceKey(resolve(pathIn(cli, o.credential)), o);
    try {
      await serve(cli, o, file, provision, { accept: o.acceptUpdates === true, deferSoft: o.deferSoft === true, reportKey: deviceKey });
    } finally {
      await close();
    }
  });
}

interface Agent {
  cli: CliContext;
  /** The provision in use: replaced when the credential is rotated. */
  provision(): ManagementProvision;
  fetcher: typeof fetch;
  /** Stores a rotated credential's provision, then polls and downloads with it. */
  rotated(next: ManagementProvision): Promise<void>;
  apply(a: PollAnswer): Promise<UpdateResult | undefined>;
  show(a: PollAnswer): string;
  showUpdate(u: UpdateResult | undefined): string;
  config: ConfigReporter;
}

async function serve(cli: CliContext, o: RunOptions, file: string, first: ManagementProvision, applyOptions: ApplyOptions): Promise<void> {
  const { output } = cli;
  const tlsCa = readTlsCa(cli, o.tlsCa);
  const fetcher = tlsCa === undefined ? globalThis.fetch : fetchTrusting(tlsCa);
  const credentialFile = resolve(pathIn(cli, o.credential));
  const dataDir = dirname(credentialFile);
  let provision = first;
  // Final results the server has not acknowledged yet, kept across runs (kept-results.ts).
  const pending = await readPending(dataDir);
  const keep = () => keptResultsClient(updateClient(provision, join(dataDir, 'downloads'), fetcher), dataDir, pending);
  let kept = keep();
  const agent: Agent = {
    cli,
    provision: () => provision,
    fetcher,
    // A rotated credential is stored before it is used; the update client downloads with it from then on.
    rotated: async (next) => {
      await fileManagementStore(file).save(next);
      provision = next;
      kept = keep();
    },
    apply: async (a) => {
      const action = offeredUpdate(a);
      if (action === undefined) return undefined;
      const r = await applyOrResend(provision, kept, action, dataDir, applyOptions);
      return r === 'resent' ? { status: 'succeeded', reason: 'the result of an earlier run, sent again' } : r;
    },
    show: (a) => (a.action === null ? 'no action' : `action ${output.text(JSON.stringify(a.action))}`),
    showUpdate: (u) => (u === undefined ? '' : `; update ${u.status}${u.reason === undefined ? '' : ` (${output.text(u.reason)})`}`),
    config: configReporter({
      provision: () => provision,
      dataDir,
      identity: await readIdentity(dataDir, credentialFile),
      fetch: fetcher,
      onError: (e) => output.err(`${new Date().toISOString()} config report failed: ${output.text(e.message)}${codeOf(e)}\n`),
    }),
  };
  return o.once === true ? pollAndApplyOnce(agent) : pollAndApplyUntilStopped(agent);
}

const codeOf = (e: Error) => {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? ` [${code}]` : '';
};

const asExit = (e: unknown) => {
  throw e instanceof DeviceApiError ? refused(e) : e;
};

async function pollAndApplyOnce({ cli, provision, fetcher, rotated, apply, show, showUpdate, config }: Agent): Promise<void> {
  const answer = await pollOnce(provision(), fetcher).catch(asExit);
  if (answer.rotate === true) await rotated(await rotateCredential(provision(), fetcher).catch(asExit));
  await config.afterPoll();
  const update = await apply(answer).catch(asExit);
  await config.afterUpdate(update?.status);
  const endpoint = provision().endpoint;
  cli.output.result({ endpoint, ...answer, ...(update === undefined ? {} : { update }) }, () => [
    `polled ${cli.output.text(endpoint)}: ${show(answer)}${showUpdate(update)}${answer.rotate === true ? '; credential rotated' : ''}; next poll in ${answer.pollSeconds} s`,
  ]);
}

async function pollAndApplyUntilStopped({ cli, provision, fetcher, rotated, apply, show, showUpdate, config }: Agent): Promise<void> {
  const { output } = cli;
  const log = (line: string) => output.err(`${new Date().toISOString()} ${line}\n`);
  const { endpoint } = provision();
  log(`polling ${output.text(endpoint)}`);
  let busy = false;
  const done = await pollLoop({
    provision: provision(),
    fetch: fetcher,
    stop: cli.stopRequested(),
    onPoll: (a) => {
      log(`${show(a)}; next poll in ${a.pollSeconds} s`);
      void config.afterPoll();
      // One update at a time: a poll during an update offers the same action again.
      if (busy) return;
      busy = true;
      void apply(a)
        .then(
          async (u) => {
            if (u !== undefined) log(`update${showUpdate(u).slice(8)}`);
            await config.afterUpdate(u?.status);
          },
          (e: unknown) => log(`update failed: ${output.text((e as Error).message)}`),
        )
        .finally(() => {
          busy = false;
        });
    },
    onError: (e, retry) => log(`poll failed: ${output.text(e.message)} [${e.code}]; retry in ${retry} s`),
    onRotated: async (next) => {
      await rotated(next);
      log('credential rotated');
    },
  }).catch(asExit);
  output.result({ endpoint, ...done }, () => [`stopped (${done.stopped}) after ${done.polls} polls`]);
}
