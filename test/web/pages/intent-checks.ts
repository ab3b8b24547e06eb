/**
 * Checks of the console's intent pages that need only that intent data exists (devices, a
 * violation, a published MUD file), not particular values: the numbers shown are compared with
 * what the management API answers at the time. Reused by the seeded-fleet test.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ConsoleServer } from '../console-server.ts';

async function apiGet<T>(server: ConsoleServer, path: string): Promise<T> {
  const r = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${server.token}` } });
  assert.equal(r.status, 200, `${path}: ${await r.clone().text()}`);
  return (await r.json()) as T;
}

interface Stats {
  devices: Record<string, number>;
  total: number;
  hours: { firstSeen: number; lastSeen: number }[];
}

/** The intent page: state cards equal the API's counts, the chart is drawn with its summary, the sections are there. */
export async function checkIntentOverview(page: Page, server: ConsoleServer): Promise<void> {
  await page.goto(`${server.url}/intent`);
  await page.getByRole('heading', { name: 'Intent', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'Devices by enforcement state' }).waitFor();
  const stats = await apiGet<Stats>(server, '/stats/intent?hours=24');
  assert.ok(stats.total >= 1, 'the check needs at least one intent device');
  await page
    .getByTestId('intent-total')
    .filter({ hasText: String(stats.total) })
    .waitFor();
  for (const [state, n] of Object.entries(stats.devices)) {
    const value = await page.locator(`li[data-state="${state}"] .value`).textContent();
    assert.equal(value, String(n), `${state} devices`);
  }
  const chart = page.getByRole('img', { name: /^Bar chart: \d+ violating flows first seen in the last 24 hours/ });
  await chart.waitFor();
  const flows = stats.hours.reduce((n, h) => n + h.firstSeen, 0);
  assert.match((await page.getByTestId('intent-chart-summary').textContent()) ?? '', new RegExp(`^${flows} violating flows`));
  if (flows > 0) await chart.locator('.recharts-bar-rectangle').first().waitFor();
  for (const name of ['Quarantine queue', 'Devices', 'Violations', 'Published MUD files', 'Quarantine actions'])
    await page.getByRole('heading', { name, exact: true }).waitFor();
  // The device list filtered by the first state that has devices shows that many rows (first page of 20).
  const [state, n] = Object.entries(stats.devices).find(([, count]) => count > 0) ?? ['', 0];
  await page.getByLabel('Enforcement state', { exact: true }).selectOption(state);
  const rows = page.getByRole('table', { name: 'Devices under intent' }).locator('tbody tr');
  await rows.nth(Math.min(n, 20) - 1).waitFor();
  assert.equal(await rows.count(), Math.min(n, 20), `${state} devices listed`);
  await page.getByLabel('Enforcement state', { exact: true }).selectOption('');
}

/** The first listed violation opens on its own page with its flow, ACL, first and last seen, count and device. */
export async function checkViolationOpens(page: Page, server: ConsoleServer): Promise<void> {
  await page.goto(`${server.url}/intent`);
  const table = page.getByRole('table', { name: 'Violations, by device' });
  const first = table.locator('tbody tr').first();
  await first.waitFor();
  const mac = ((await first.locator('td').first().textContent()) ?? '').trim();
  await first.getByRole('link').click();
  await page.waitForURL(/\/intent\/violations\/[A-Za-z0-9_-]+$/);
  await page.getByRole('heading', { name: 'Violation', level: 1 }).waitFor();
  const facts = page.locator('dl.facts');
  await facts.waitFor();
  const text = (await facts.textContent()) ?? '';
  for (const label of ['Device', 'ACL fallen through', 'First seen', 'Last seen', 'Count']) assert.ok(text.includes(label), label);
  assert.ok(text.includes(mac), `the device ${mac} is shown`);
  assert.match((await facts.locator('dt:text-is("Count") + dd').textContent()) ?? '', /^\d+$/);
}

/** The first published MUD file opens with its signer and its policy in words. */
export async function checkMudFileOpens(page: Page, server: ConsoleServer): Promise<void> {
  await page.goto(`${server.url}/intent`);
  const first = page.getByRole('table', { name: 'Published MUD files' }).locator('tbody tr').first();
  await first.waitFor();
  const name = ((await first.locator('td').first().textContent()) ?? '').trim();
  await first.getByRole('link').click();
  await page.getByRole('heading', { name: `MUD file ${name}`, level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'What the device may do' }).waitFor();
  await page.locator('ul.sentences li').first().waitFor();
  assert.ok((await page.locator('dl.facts').textContent())?.includes('Signer'));
}

/**
 * Releases the first quarantined device through the confirmation (reason required) and waits until
 * it leaves the queue. Changes state: use it where a device may be released.
 */
export async function releaseFirstQuarantined(page: Page, server: ConsoleServer): Promise<string> {
  await page.goto(`${server.url}/intent`);
  const queue = page.getByRole('table', { name: 'Quarantined devices' });
  const row = queue.locator('tbody tr').first();
  await row.waitFor();
  const mac = ((await row.locator('th').textContent()) ?? '').trim();
  await row.getByRole('button', { name: `Release ${mac}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Release from quarantine' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Release' }).click();
  await dialog.getByRole('alert').filter({ hasText: 'Give a reason' }).waitFor();
  await dialog.getByLabel('Reason').fill('checked the device: a false alarm');
  await dialog.getByRole('button', { name: 'Release' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await queue.locator('tbody tr th', { hasText: mac }).waitFor({ state: 'detached', timeout: 10_000 });
  return mac;
}
