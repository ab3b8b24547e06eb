/**
 * Checks of the device page that need only a fleet with at least one device (e.g. `iotopia up
 * --demo`), not particular seed values: each opens the page through the fleet's first row.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ConsoleServer } from '../console-server.ts';

const GUID = /^[0-9a-f]{32}$/;

/** Opens the first device of the fleet from its row's link; resolves its GUID. */
export async function openFirstDevice(page: Page, server: ConsoleServer): Promise<string> {
  await page.goto(`${server.url}/fleet`);
  const link = page.getByRole('table').getByRole('link').first();
  await link.waitFor();
  const guid = ((await link.textContent()) ?? '').trim();
  assert.match(guid, GUID);
  await link.click();
  await page.waitForURL(new RegExp(`/devices/${guid}$`));
  await page.getByRole('heading', { level: 1, name: `Device ${guid}` }).waitFor();
  return guid;
}

/** The identity section names the GUID and draws a voucher chain from the manufacturer to a current owner. */
export async function checkDeviceIdentity(page: Page, server: ConsoleServer): Promise<void> {
  const guid = await openFirstDevice(page, server);
  const identity = page.getByRole('region', { name: 'Identity' });
  await identity.getByText(guid, { exact: true }).first().waitFor();
  const chain = page.getByRole('list', { name: 'Voucher chain' });
  await chain.getByRole('listitem').first().waitFor();
  const links = await chain.getByRole('listitem').allTextContents();
  assert.ok(links.length >= 2, `a chain of at least manufacturer → owner: ${links.join(' | ')}`);
  assert.match(links[0] ?? '', /^Manufacturer/);
  assert.match(links.at(-1) ?? '', /\(current\)/);
}

/** The timeline shows at least one audit record about the device, and every section has rendered. */
export async function checkDeviceSections(page: Page, server: ConsoleServer): Promise<void> {
  await openFirstDevice(page, server);
  const timeline = page.getByRole('region', { name: 'Lifecycle timeline' });
  await timeline.getByRole('row').nth(1).waitFor();
  for (const name of ['Identity', 'Network intent (MUD)', 'Firmware and updates', 'Compliance of its product'])
    await page.getByRole('region', { name }).waitFor();
  // Whatever the state, at least decommissioning is offered to an admin unless the device is retired.
  const actions = page.getByRole('region', { name: 'Actions' });
  await actions.waitFor();
}
