/**
 * Checks of the fleet page that only need devices to exist (any seeded fleet, `iotopia up --demo`
 * too): the table shows rows that link to devices, a GUID search finds its device, a state filter
 * narrows to that state, a sort changes the order and says so with aria-sort, and a row opens the
 * device. Each check starts from a logged-in page.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Locator, Page } from 'playwright-core';
import type { ConsoleServer } from '../console-server.ts';

/**
 * Waits until `holds` is true of what the page shows (asked again every 100 ms; the page's CSP
 * allows no evaluated strings, so the question is asked from here through locators).
 */
export async function waitUntil(what: string, holds: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await holds())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

const rows = (page: Page): Locator => page.locator('table.fleet tbody tr');
/** The GUIDs of the table's rows, in order. */
export const guids = async (page: Page): Promise<string[]> => page.locator('table.fleet tbody tr th a').allTextContents();
/** The state of each row, in order. */
export const states = async (page: Page): Promise<string[]> => page.locator('table.fleet tbody tr td:nth-child(2)').allTextContents();

export async function openFleet(page: Page, server: ConsoleServer): Promise<void> {
  await page.goto(`${server.url}/fleet`);
  await page.getByRole('heading', { name: 'Fleet', level: 1 }).waitFor();
  await rows(page).first().waitFor();
}

/** The table has at least one row, and each row's GUID links to its device. */
export async function fleetTableLinksDevices(page: Page, server: ConsoleServer): Promise<void> {
  await openFleet(page, server);
  assert.ok((await rows(page).count()) >= 1);
  const link = rows(page).first().locator('th a');
  const guid = (await link.textContent()) ?? '';
  assert.match(guid, /^[0-9a-f]{32}$/);
  assert.equal(await link.getAttribute('href'), `/devices/${guid}`);
}

/** Searching for the start of a row's GUID keeps that device, and only devices starting so. */
export async function fleetSearchFindsDevice(page: Page, server: ConsoleServer): Promise<void> {
  await openFleet(page, server);
  const [first] = await guids(page);
  assert.ok(first !== undefined);
  const prefix = `${first.slice(0, 8)}-${first.slice(8, 20)}`;
  await page.getByLabel('Search', { exact: true }).fill(prefix);
  await waitUntil('every row starts so', async () => (await guids(page)).every((g) => g.startsWith(prefix.replace('-', ''))));
  assert.ok((await guids(page)).includes(first));
}

/** Filtering by the state of the first row leaves only rows in that state. */
export async function fleetStateFilterNarrows(page: Page, server: ConsoleServer): Promise<void> {
  await openFleet(page, server);
  const state = (await states(page))[0] ?? '';
  await page.getByLabel('State', { exact: true }).selectOption(state);
  await waitUntil(`every row is ${state}`, async () => (await states(page)).every((s) => s === state));
  assert.ok((await rows(page).count()) >= 1);
}

/** Sorting by GUID twice reverses the order, and the header says which way. */
export async function fleetSortReverses(page: Page, server: ConsoleServer): Promise<void> {
  await openFleet(page, server);
  const before = await guids(page);
  const header = page.getByRole('columnheader', { name: /GUID/ });
  assert.equal(await header.getAttribute('aria-sort'), 'ascending');
  await header.getByRole('button').click();
  await waitUntil('the GUID header says descending', async () => (await header.getAttribute('aria-sort')) === 'descending');
  if (before.length > 1) await waitUntil('the order changes', async () => (await guids(page))[0] !== before[0]);
  const after = await guids(page);
  assert.deepEqual(after, [...after].sort().reverse());
  if (before.length > 1) assert.notDeepEqual(after, before);
}

/** A row's link opens /devices/<guid>. */
export async function fleetRowOpensDevice(page: Page, server: ConsoleServer): Promise<void> {
  await openFleet(page, server);
  const link = rows(page).first().locator('th a');
  const guid = (await link.textContent()) ?? '';
  await link.click();
  await page.waitForURL(`**/devices/${guid}`);
}
