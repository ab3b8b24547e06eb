/**
 * The Updates pages' checks, for any server whose fleet has at least one release and one campaign
 * (e.g. `iotopia up --demo`): the page is logged in already. Each check proves the page shows the
 * server's data, with no serious or critical axe findings.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { seriousViolations } from '../browser.ts';
import type { ConsoleServer } from '../console-server.ts';

/** /updates: the campaigns and releases tables have rows; the first campaign links to its page. */
export async function checkUpdatesPage(page: Page, server: ConsoleServer): Promise<void> {
  await page.goto(`${server.url}/updates`);
  await page.getByRole('heading', { name: 'Updates', level: 1 }).waitFor();
  const releases = page.getByRole('table', { name: 'Releases' });
  await releases.getByRole('row').nth(1).waitFor();
  assert.ok((await releases.getByRole('row').count()) >= 2, 'the releases table has a row');
  const campaigns = page.getByRole('table', { name: 'Campaigns' });
  await campaigns.getByRole('row').nth(1).waitFor();
  const href = await campaigns.getByRole('row').nth(1).getByRole('link').first().getAttribute('href');
  assert.match(href ?? '', /^\/updates\/campaigns\/[0-9a-f-]{36}$/);
  assert.deepEqual(await seriousViolations(page), []);
}

/** A campaign's page, opened from the list: its state, the progress per wave (chart and table) and the devices section. */
export async function checkCampaignPage(page: Page, server: ConsoleServer): Promise<void> {
  await page.goto(`${server.url}/updates`);
  const link = page.getByRole('table', { name: 'Campaigns' }).getByRole('row').nth(1).getByRole('link').first();
  const name = (await link.textContent()) ?? '';
  await link.click();
  await page.waitForURL(/\/updates\/campaigns\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name: `Campaign ${name}`, level: 1 }).waitFor();
  await page.locator('.campaign-state .badge').waitFor();
  await page.getByRole('heading', { name: 'Progress' }).waitFor();
  const waves = page.getByRole('table', { name: 'Devices per wave' });
  if ((await waves.count()) > 0) {
    assert.ok((await waves.getByRole('row').count()) >= 2, 'the wave table has a row');
    assert.equal(await page.getByRole('img', { name: /^Devices per wave: Wave 1: \d+ succeeded/ }).count(), 1);
  } else await page.getByText('No devices in any wave yet').waitFor();
  await page.getByRole('heading', { name: 'Devices', level: 2 }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
}
