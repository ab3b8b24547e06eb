/**
 * Checks of the onboarding and settings pages that need only some data to exist (any seeded
 * server, `iotopia up --demo` included), for a token with the admin role: each page shows its
 * figures and lists, is accessible, and logs no console problem.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { seriousViolations } from '../browser.ts';
import type { ConsoleServer } from '../console-server.ts';

const STAGES = ['Manufactured', 'Sold', 'Onboarded', 'Active'];

/** The funnel's counts as the page's table shows them, in stage order. */
export async function funnelCounts(page: Page): Promise<number[]> {
  const table = page.getByRole('table', { name: 'Onboarding funnel' });
  const out: number[] = [];
  for (const stage of STAGES) {
    const row = table.getByRole('row', { name: new RegExp(`^${stage}\\b`) });
    out.push(Number(await row.getByRole('cell').textContent()));
  }
  return out;
}

/** /onboarding: the funnel (chart with its summary, table), the rate chart, vouchers by state, TO0 health, the owner's vouchers. */
export async function checkOnboardingPage(page: Page, server: ConsoleServer): Promise<void> {
  await page.goto(`${server.url}/onboarding`);
  await page.getByRole('heading', { name: 'Onboarding', level: 1 }).waitFor();
  await page.getByRole('table', { name: 'Onboarding funnel' }).waitFor();
  const counts = await funnelCounts(page);
  assert.ok((counts[0] ?? 0) >= 1, `the funnel counts devices: ${counts.join(', ')}`);
  for (let i = 1; i < counts.length; i++) assert.ok((counts[i] ?? 0) <= (counts[i - 1] ?? 0), `the funnel narrows: ${counts.join(', ')}`);
  const funnelChart = page.getByRole('img', { name: /^Onboarding funnel: / });
  assert.equal(await funnelChart.count(), 1);
  assert.ok((await funnelChart.locator('svg .recharts-bar-rectangle').count()) >= 1, 'the funnel chart draws bars');
  const rate = page.getByRole('img', { name: /^Devices onboarded per hour: / });
  assert.equal(await rate.count(), 1);
  assert.ok((await rate.locator('svg').count()) >= 1, 'the rate chart is drawn');
  await page.getByRole('table', { name: 'Owner side' }).waitFor();
  await page.getByRole('heading', { name: 'TO0 registrations' }).waitFor();
  const vouchers = page.getByRole('table', { name: 'Owner vouchers' });
  await vouchers.waitFor();
  assert.ok((await vouchers.getByRole('row').count()) >= 2, 'the owner vouchers table has a row');
  assert.match((await vouchers.getByRole('link').first().getAttribute('href')) ?? '', /^\/devices\/[0-9a-f]{32}$/);
  assert.deepEqual(await seriousViolations(page), []);
}

/** /settings: the token list (with the caller's own token), the TO2 address, the rendezvous info and policy. */
export async function checkSettingsPage(page: Page, server: ConsoleServer): Promise<void> {
  await page.goto(`${server.url}/settings`);
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  const tokens = page.getByRole('table', { name: 'API tokens' });
  await tokens.waitFor();
  assert.ok((await tokens.getByRole('row').count()) >= 2, 'the token list has a row');
  assert.equal(await tokens.getByText('this session').count(), 1, 'the token in use is marked, not offered for revocation');
  await page.getByRole('form', { name: 'New API token' }).waitFor();
  await page.getByLabel('IP address or DNS name').first().waitFor();
  await page.getByLabel('Rendezvous info (JSON)').waitFor();
  await page.getByLabel('Rendezvous policy (JSON)').waitFor();
  assert.deepEqual(await seriousViolations(page), []);
}
