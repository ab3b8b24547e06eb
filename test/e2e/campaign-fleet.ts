/**
 * What the campaign proofs share: the admin token of a server child, a release and a started
 * campaign made with the `iotopia` commands, and the store read back after the run (the
 * campaign's audit records, its actions and per-wave counts), checked against the devices' own
 * account of what they were offered and what the server acknowledged.
 */

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FleetDeviceRecord } from '../../src/agent/fleet-run.ts';
import type { AuditRecord } from '../../src/store/audit-log.ts';
import type { CampaignAction, WaveCounts } from '../../src/store/campaign-repository.ts';
import type { Store } from '../../src/store/store.ts';
import { runCli } from '../helpers/cli.ts';
import type { Check } from './crash-harness.ts';

/** Waits for `ok` to hold, checking every `everyMs`; throws naming `what` after `ms`. */
export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(everyMs);
  }
}

/** The admin token the first start of a server printed. */
export async function adminToken(stdout: () => string): Promise<string> {
  let token: string | undefined;
  await waitFor(
    'the admin token on stdout',
    () => {
      token = /admin API token[^:]*: (\S+)/.exec(stdout())?.[1];
      return token !== undefined;
    },
    10_000,
  );
  return token as string;
}

export interface CampaignPlan {
  waves: string[];
  successThreshold: number;
  errorThreshold: number;
}

/** Runs `iotopia <args> --json` against the server with the token, in `dir`; resolves the parsed answer, throws on a refusal. */
export function cliJson(server: string, token: string, dir: string): (args: string[]) => Promise<{ id: string; state: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, IOTOPIA_SERVER: server, IOTOPIA_TOKEN: token };
  delete env.IOTOPIA_TLS_CA;
  return async (args) => {
    const r = await runCli([...args, '--json'], dir, env);
    if (r.code !== 0) throw new Error(`iotopia ${args.join(' ')}: ${r.err}`);
    return JSON.parse(r.out) as { id: string; state: string };
  };
}

export interface ReleasePlan {
  version: string;
  sequenceNumber: number;
  /** The byte the 4 KiB image is filled with: another byte, another payload. */
  fill: number;
}

/** The first release the campaign proofs roll out. */
export const FIRST_RELEASE: ReleasePlan = { version: '2.0.0', sequenceNumber: 2, fill: 7 };

/** The image of a release plan. */
export const releaseImage = (r: ReleasePlan): Uint8Array => new Uint8Array(Buffer.alloc(4096, r.fill));

/** Uploads the plan's image and makes a published release of model `fleet` of it (component `fw`); resolves its id. */
export async function createRelease(json: ReturnType<typeof cliJson>, dir: string, r: ReleasePlan): Promise<string> {
  const file = `fw-${r.version}.bin`;
  writeFileSync(join(dir, file), releaseImage(r));
  const release = await json([
    'release',
    'create',
    '--model',
    'fleet',
    '--version',
    r.version,
    '--seq',
    String(r.sequenceNumber),
    '--component',
    `fw=${file}`,
  ]);
  return release.id;
}

/** Makes the first release (sequence number 2) and a campaign of it over every active device, and starts it; resolves its id. */
export async function startCampaign(server: string, token: string, dir: string, plan: CampaignPlan): Promise<string> {
  const json = cliJson(server, token, dir);
  const releaseId = await createRelease(json, dir, FIRST_RELEASE);
  const waves = plan.waves.flatMap((w) => ['--wave', w]);
  const campaign = await json([
    'campaign',
    'create',
    '--name',
    'fleet 2.0.0',
    '--release',
    releaseId,
    '--target',
    'state==active',
    ...waves,
    '--success-threshold',
    String(plan.successThreshold),
    '--error-threshold',
    String(plan.errorThreshold),
  ]);
  await json(['campaign', 'start', campaign.id]);
  return campaign.id;
}

/** The campaign's state as the management API shows it. */
export async function campaignState(server: string, token: string, id: string): Promise<string | undefined> {
  try {
    const r = await fetch(`${server}/api/v1/campaigns/${id}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000),
    });
    return r.ok ? ((await r.json()) as { state: string }).state : undefined;
  } catch {
    return undefined;
  }
}

export interface CampaignRecordSet {
  audit: AuditRecord[];
  actions: CampaignAction[];
  waves: WaveCounts[];
}

export async function readCampaign(store: Store, id: string): Promise<CampaignRecordSet> {
  const audit: AuditRecord[] = [];
  let after: string | undefined;
  do {
    const page = await store.audit.list({ limit: 1000, ...(after === undefined ? {} : { after }) });
    audit.push(...page.items.filter((r) => r.subject === id));
    after = page.next;
  } while (after !== undefined);
  return { audit, actions: await store.campaigns.actions(id), waves: await store.campaigns.counts(id) };
}

/** Audit records of the campaign by action. */
export function auditCounts(audit: readonly AuditRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of audit) out[r.action] = (out[r.action] ?? 0) + 1;
  return out;
}

/**
 * The checks every campaign proof makes: each transition audited once, every action succeeded and
 * none in flight, every wave all succeeded, and by the devices' own account each action
 * acknowledged as succeeded exactly once, by its one device, and never offered after that. A
 * campaign that paused once and was resumed once (`resumed`) has those two transitions audited once
 * each too; its devices ended on two releases and some reported failures, which its proof checks
 * device by device instead of the last check here.
 */
export function campaignChecks(r: CampaignRecordSet, records: readonly FleetDeviceRecord[], waves: number, resumed = false): Check[] {
  const checks: Check[] = [];
  const check = (name: string, bad: string[]) =>
    checks.push({ name, ok: bad.length === 0, ...(bad.length === 0 ? {} : { detail: `${bad.length}: ${bad.slice(0, 5).join('; ')}` }) });
  const audited = auditCounts(r.audit);
  const expected: Record<string, number> = { 'campaign.created': 1, 'campaign.running': 1, 'campaign.finished': 1 };
  // A resume is audited as `campaign.running`, like the start.
  if (resumed) Object.assign(expected, { 'campaign.paused': 1, 'campaign.running': 2 });
  if (waves > 1) expected['campaign.next-wave'] = waves - 1;
  check(
    'each campaign transition audited once: created, started, every next wave, finished',
    [...new Set([...Object.keys(expected), ...Object.keys(audited)])]
      .filter((a) => audited[a] !== expected[a])
      .map((a) => `${a}: ${audited[a] ?? 0}, expected ${expected[a] ?? 0}`),
  );
  const nextWaves = r.audit.filter((a) => a.action === 'campaign.next-wave').map((a) => JSON.stringify(a.details));
  check(
    'no next-wave recorded twice for one wave',
    nextWaves.filter((d, i) => nextWaves.indexOf(d) !== i),
  );
  check(
    'every action succeeded; none left in flight',
    r.actions.filter((a) => a.state !== 'succeeded').map((a) => `${a.id} ${a.state} ${a.reason ?? ''}`),
  );
  check('every wave all succeeded, the waves as planned', [
    ...(r.waves.length === waves ? [] : [`${r.waves.length} waves`]),
    ...r.waves
      .filter((w) => Object.keys(w.counts).some((s) => s !== 'succeeded'))
      .map((w) => `wave ${w.wave}: ${JSON.stringify(w.counts)}`),
  ]);
  const ackedBy = new Map<string, number[]>();
  const lostBy = new Map<string, number[]>();
  for (const d of records) {
    for (const id of d.succeeded) ackedBy.set(id, [...(ackedBy.get(id) ?? []), d.index]);
    for (const id of d.unacknowledged) lostBy.set(id, [...(lostBy.get(id) ?? []), d.index]);
  }
  check(
    'by the devices: each action reported succeeded by one device, and acknowledged once (or its answer lost in a kill)',
    r.actions
      .filter((a) => (ackedBy.get(a.id)?.length ?? 0) + (lostBy.get(a.id)?.length ?? 0) !== 1)
      .map((a) => `${a.id}: acknowledged to ${JSON.stringify(ackedBy.get(a.id) ?? [])}, lost to ${JSON.stringify(lostBy.get(a.id) ?? [])}`),
  );
  check(
    'by the devices: no action offered again after its success was acknowledged',
    records.filter((d) => d.offeredAfterSuccess > 0).map((d) => `device ${d.index}: ${d.offeredAfterSuccess}`),
  );
  if (!resumed)
    check(
      'by the devices: every device installed sequence number 2 and reported no failure',
      records
        .filter((d) => d.installedSequence !== 2 || Object.keys(d.failed).length > 0)
        .map((d) => `device ${d.index}: ${d.installedSequence ?? 'none'} ${JSON.stringify(d.failed)}`),
    );
  return checks;
}

/** The checks of campaignChecks every campaign proof asserts. */
export const CAMPAIGN_CHECKS: readonly string[] = [
  'each campaign transition audited once: created, started, every next wave, finished',
  'no next-wave recorded twice for one wave',
  'every action succeeded; none left in flight',
  'every wave all succeeded, the waves as planned',
  'by the devices: each action reported succeeded by one device, and acknowledged once (or its answer lost in a kill)',
  'by the devices: no action offered again after its success was acknowledged',
];

/** One test per named check, each passing when campaignChecks found it held. */
export function testChecks(names: readonly string[], checks: () => readonly Check[]): void {
  for (const name of names)
    test(name, () => {
      const c = checks().find((x) => x.name === name);
      assert.ok(c?.ok, c?.detail ?? 'not checked');
    });
}
