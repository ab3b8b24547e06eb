/**
 * The Updates pages in headless Chromium against a real `iotopia up` (one-second campaign tick):
 * four simulated devices are onboarded, a release and a two-wave campaign made with the `iotopia`
 * commands, then the console shows the release, opens the campaign with its wave chart, pauses and
 * resumes it with a fixed release (each confirmed with a reason), shows the server's 409 when the campaign moved
 * meanwhile, and follows the devices while they update: one fails its install (the fleet
 * simulator's injected fault), and the failure table shows its reason and verified SUIT report.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { loadFleetDevices } from '../../src/agent/fleet-devices.ts';
import { hasFault, INJECTED, NO_FAULTS } from '../../src/agent/fleet-faults.ts';
import { runFleetDevices } from '../../src/agent/fleet-run.ts';
import { cliJson, createRelease, FIRST_RELEASE } from '../e2e/campaign-fleet.ts';
import { runCli } from '../helpers/cli.ts';
import { browserSkip, launchBrowser, logIn, screenshot, seriousViolations, type WatchedPage, watchedPage } from './browser.ts';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';
import { checkCampaignPage, checkUpdatesPage } from './pages/updates-checks.ts';

const skip = await browserSkip();
if (skip !== false) console.log(`# console browser tests skipped: ${skip}`);

const COUNT = 4;
/** The release the campaign is resumed with. */
const FIXED = { version: '2.0.1', sequenceNumber: 3, fill: 8 };
const FAIL_PERCENT = 30;
/** A seed that makes exactly one of the devices fail its install. */
const SEED = (() => {
  for (let i = 0; ; i++) {
    const f = { ...NO_FAULTS, failInstall: FAIL_PERCENT, seed: `updates-${i}` };
    if ([...Array(COUNT).keys()].filter((d) => hasFault(f, 'failInstall', d)).length === 1) return f.seed;
  }
})();

async function post(server: ConsoleServer, path: string, body: unknown): Promise<number> {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await r.body?.cancel();
  return r.status;
}

/** Confirms the open dialog with `reason`. */
async function confirmWith(page: Page, button: string, reason: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: button, exact: true }).click();
}

describe('the Updates pages in headless Chromium', { skip }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let watched: WatchedPage;
  let fleet: ReturnType<typeof runFleetDevices> | undefined;
  let campaignId: string;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-console-updates-'));

  before(async () => {
    process.env.IOTOPIA_CAMPAIGN_TICK_INTERVAL = '1';
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    const env: NodeJS.ProcessEnv = { ...process.env, IOTOPIA_SERVER: server.url, IOTOPIA_TOKEN: server.token };
    delete env.IOTOPIA_TLS_CA;
    const onboard = await runCli(
      ['fleet', 'simulate', '--count', String(COUNT), '--manufacturer', server.url, '--dir', dir, '--json'],
      dir,
      env,
    );
    assert.equal(onboard.code, 0, onboard.err);
    const json = cliJson(server.url, server.token, dir);
    const releaseId = await createRelease(json, dir, FIRST_RELEASE);
    await createRelease(json, dir, FIXED);
    const made = await json([
      'campaign',
      'create',
      '--name',
      'console rollout',
      '--release',
      releaseId,
      '--target',
      'state=in=(onboarded,active)',
      '--wave',
      '50%',
      '--wave',
      '50%',
      '--success-threshold',
      '50',
      '--error-threshold',
      '100',
    ]);
    await json(['campaign', 'start', made.id]);
    campaignId = made.id;
    watched = await watchedPage(browser);
    await logIn(watched.page, server.url, server.token);
  });
  after(async () => {
    await fleet?.stop();
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the release with its sequence number and components, and the running campaign', async () => {
    const { page, problems } = watched;
    await page.getByRole('navigation', { name: 'Pages', exact: true }).getByRole('link', { name: 'Updates' }).click();
    await page.getByRole('heading', { name: 'Updates', level: 1 }).waitFor();
    const row = page.getByRole('table', { name: 'Releases' }).getByRole('row').filter({ hasText: FIRST_RELEASE.version });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    assert.deepEqual(cells.slice(0, 4), ['fleet', FIRST_RELEASE.version, String(FIRST_RELEASE.sequenceNumber), 'published']);
    assert.match(cells[4] ?? '', /^fw \(4,096 bytes,/);
    const campaign = page.getByRole('table', { name: 'Campaigns' }).getByRole('row').filter({ hasText: 'console rollout' });
    await campaign.getByText(`fleet ${FIRST_RELEASE.version}`).waitFor();
    assert.match((await campaign.textContent()) ?? '', /running.*1 of 2/);
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'updates-list');
    assert.deepEqual(problems, []);
  });

  it('opens the campaign with its waves in a chart and a table', async () => {
    const { page, problems } = watched;
    await page.getByRole('link', { name: 'console rollout' }).click();
    await page.waitForURL(new RegExp(`/updates/campaigns/${campaignId}$`));
    await page.getByRole('heading', { name: 'Campaign console rollout' }).waitFor();
    await page
      .getByRole('img', { name: 'Devices per wave: Wave 1: 0 succeeded, 0 failed, 2 pending; Wave 2: 0 succeeded, 0 failed, 2 pending.' })
      .waitFor();
    assert.equal((await page.locator('.recharts-bar-rectangle').count()) > 0, true, 'the chart draws bars');
    const rows = page.getByRole('table', { name: 'Devices per wave' }).getByRole('row');
    assert.deepEqual(await rows.nth(1).allTextContents(), ['Wave 1 (current)0020']);
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(problems, []);
  });

  it('pauses the campaign after confirmation with a reason, and resumes it with a fixed release', async () => {
    const { page, problems } = watched;
    await page.getByRole('button', { name: 'Pause' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Pause', exact: true }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Give a reason' }).waitFor();
    await confirmWith(page, 'Pause', 'checking the first wave');
    await page.locator('.campaign-state').filter({ hasText: 'paused' }).waitFor();
    await page.locator('.campaign-state').filter({ hasText: 'checking the first wave' }).waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await page.mouse.move(0, 0);
    await screenshot(page, 'updates-campaign-paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page
      .getByRole('dialog')
      .getByLabel('Release')
      .selectOption({ label: `${FIXED.version} (sequence ${FIXED.sequenceNumber})` });
    await confirmWith(page, 'Resume', 'release 2.0.1 replaces 2.0.0');
    await page.locator('.campaign-state').filter({ hasText: 'running' }).waitFor();
    await page
      .getByRole('definition')
      .filter({ hasText: `fleet ${FIXED.version} (sequence ${FIXED.sequenceNumber})` })
      .waitFor();
    assert.deepEqual(problems, []);
  });

  it('shows the server’s 409 when the campaign moved while the dialog was open', async () => {
    const { page, problems } = watched;
    await page.getByRole('button', { name: 'Pause' }).click();
    assert.equal(await post(server, `/campaigns/${campaignId}/pause`, { reason: 'paused elsewhere' }), 200);
    await confirmWith(page, 'Pause', 'too late');
    const alert = page.getByRole('dialog').getByRole('alert');
    await alert.filter({ hasText: '409 ERR_CAMPAIGN_STATE' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.locator('.campaign-state').filter({ hasText: 'paused elsewhere' }).waitFor();
    assert.equal(await post(server, `/campaigns/${campaignId}/resume`, { reason: 'go on' }), 200);
    await page.locator('.campaign-state').filter({ hasText: 'running' }).waitFor();
    // The browser logs the refused call itself; nothing else went wrong.
    assert.deepEqual(problems.splice(0), [
      `error: Failed to load resource: the server responded with a status of 409 (Conflict) (${server.url}/api/v1/campaigns/${campaignId}/pause)`,
    ]);
  });

  it('follows the devices while they update, and lists the failed one with its reason and verified report', async () => {
    const { page, problems } = watched;
    // The devices onboarded into `dir` start polling, as `iotopia fleet simulate --run --dir` runs them.
    const { devices, unreadable } = await loadFleetDevices(dir);
    assert.deepEqual([devices.length, unreadable], [COUNT, []]);
    fleet = runFleetDevices({ devices, minPollMs: 200, maxPollMs: 500, faults: { failInstall: FAIL_PERCENT, seed: SEED } });
    await page.locator('.campaign-state').filter({ hasText: 'finished' }).waitFor({ timeout: 25_000 });
    const caption = (await page.locator('figcaption').textContent()) ?? '';
    const total = (word: string) => [...caption.matchAll(new RegExp(`(\\d+) ${word}`, 'g'))].reduce((a, m) => a + Number(m[1]), 0);
    assert.deepEqual([total('succeeded'), total('failed'), total('pending')], [COUNT - 1, 1, 0], caption);
    const failed = page.getByRole('table', { name: 'Devices', exact: true }).getByRole('row');
    await failed.nth(1).waitFor();
    assert.equal(await failed.count(), 2);
    const cells = await failed.nth(1).getByRole('cell').allTextContents();
    assert.equal(cells[2], 'failed');
    assert.match(cells[4] ?? '', new RegExp(INJECTED));
    assert.equal(cells[5], 'verified');
    assert.deepEqual(await seriousViolations(page), []);
    await page.mouse.move(0, 0);
    await screenshot(page, 'updates-campaign');
    await page.getByLabel('State').selectOption('succeeded');
    await page
      .getByRole('table', { name: 'Devices', exact: true })
      .getByRole('row')
      .nth(COUNT - 1)
      .waitFor();
    assert.deepEqual(problems, []);
  });

  it('passes the page checks any seeded server must pass', async () => {
    const { page, problems } = watched;
    await checkUpdatesPage(page, server);
    await checkCampaignPage(page, server);
    assert.deepEqual(problems, []);
  });
});
