/**
 * `iotopia device run`: the device agent's service loop on the device API. It reads the provision
 * that onboarding stored beside the credential (provision.json: endpoint, bearer credential, trust
 * anchors), polls at the interval the server answers with, and applies each offered update
 * (src/agent/apply-update.ts; components and downloads live beside the credential). `--once` polls
 * (and updates) once; otherwise it runs until SIGINT or SIGTERM.
 */
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { applyUpdate, type UpdateResult } from '../../agent/apply-update.ts';
import { DeviceApiError, type PollAnswer, pollLoop, pollOnce } from '../../agent/device-api-client.ts';
import { fileManagementStore } from '../../agent/local-ports.ts';
import { offeredUpdate } from '../../agent/offered-update.ts';
import { updateClient } from '../../agent/update-client.ts';
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

export function registerDeviceRun(device: Command, cli: CliContext, defaultCredential: string): void {
  const { output } = cli;
  device
    .command('run')
    .description('poll the device API the owner provisioned at onboarding, at the interval it answers with, until stopped')
    .option('--credential <file>', 'the device credential; the provision is read beside it', defaultCredential)
    .option('--provision <file>', 'the provision file (default: provision.json beside the credential)')
    .option('--once', 'poll once and exit')
    .option('--accept-updates', 'confirm updates whose campaign asks the device to (without it they wait)')
    .option('--json', 'machine output')
    .option(...TLS_CA_OPTION)
    .action(async (o: RunOptions) => {
      const file = resolve(pathIn(cli, o.provision ?? join(dirname(o.credential), 'provision.json')));
      const provision = await loadProvision(file);
      const tlsCa = readTlsCa(cli, o.tlsCa);
      const fetcher = tlsCa === undefined ? globalThis.fetch : fetchTrusting(tlsCa);
      const show = (a: PollAnswer) => (a.action === null ? 'no action' : `action ${output.text(JSON.stringify(a.action))}`);
      const dataDir = dirname(resolve(pathIn(cli, o.credential)));
      const client = updateClient(provision, join(dataDir, 'downloads'), fetcher);
      const apply = async (a: PollAnswer): Promise<UpdateResult | undefined> => {
        const action = offeredUpdate(a);
        return action === undefined ? undefined : applyUpdate(provision, client, action, dataDir, { accept: o.acceptUpdates === true });
      };
      const showUpdate = (u: UpdateResult | undefined) =>
        u === undefined ? '' : `; update ${u.status}${u.reason === undefined ? '' : ` (${output.text(u.reason)})`}`;
      if (o.once === true) {
        const answer = await pollOnce(provision, fetcher).catch((e: unknown) => {
          throw e instanceof DeviceApiError ? refused(e) : e;
        });
        const update = await apply(answer).catch((e: unknown) => {
          throw e instanceof DeviceApiError ? refused(e) : e;
        });
        output.result({ endpoint: provision.endpoint, ...answer, ...(update === undefined ? {} : { update }) }, () => [
          `polled ${output.text(provision.endpoint)}: ${show(answer)}${showUpdate(update)}; next poll in ${answer.pollSeconds} s`,
        ]);
        return;
      }
      const log = (line: string) => output.err(`${new Date().toISOString()} ${line}\n`);
      log(`polling ${output.text(provision.endpoint)}`);
      let busy = false;
      const done = await pollLoop({
        provision,
        fetch: fetcher,
        stop: cli.stopRequested(),
        onPoll: (a) => {
          log(`${show(a)}; next poll in ${a.pollSeconds} s`);
          // One update at a time: a poll during an update offers the same action again.
          if (busy) return;
          busy = true;
          void apply(a)
            .then(
              (u) => u !== undefined && log(`update${showUpdate(u).slice(8)}`),
              (e: unknown) => log(`update failed: ${output.text((e as Error).message)}`),
            )
            .finally(() => {
              busy = false;
            });
        },
        onError: (e, retry) => log(`poll failed: ${output.text(e.message)} [${e.code}]; retry in ${retry} s`),
      }).catch((e: unknown) => {
        throw e instanceof DeviceApiError ? refused(e) : e;
      });
      output.result({ endpoint: provision.endpoint, ...done }, () => [`stopped (${done.stopped}) after ${done.polls} polls`]);
    });
}
