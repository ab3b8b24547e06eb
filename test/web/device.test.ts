/**
 * The device page in real Chromium against a real `iotopia up` with two devices onboarded by the
 * fleet simulator: identity with the voucher chain, the lifecycle timeline, suspending with a
 * reason (the state and the timeline follow without a reload), reactivating, and a refused
 * change (the device's state changed meanwhile) showing the server's problem in the dialog.
 * Every page checked has no console problems and no serious or critical axe findings.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { runCli } from '../helpers/cli.ts';
import { browserSkip, launchBrowser, logIn, screenshot, seriousViolations, type WatchedPage, watchedPage } from './browser.ts';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';
import { checkDeviceIdentity, checkDeviceSections } from './pages/device-checks.ts';

const skip = await browserSkip();
if (skip !== false) console.log(`# console browser tests skipped: ${skip}`);

async function call(server: ConsoleServer, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('the device page in headless Chromium', { skip }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let guids: string[] = [];
  let lamp = '';
  // One tab, logged in once: its session storage keeps the token across the pages opened.
  let watched: WatchedPage;
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-device-page-'));

  before(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    const run = await runCli(['fleet', 'simulate', '--count', '2', '--manufacturer', server.url, '--json'], dir);
    assert.equal(run.code, 0, run.err + run.out);
    const r = await call(server, 'GET', '/devices');
    guids = ((await r.json()) as { items: { guid: string }[] }).items.map((d) => d.guid);
    assert.equal(guids.length, 2);
    // A third device of a product's model, with an assessment of that product.
    const credential = join(dir, 'lamp.cbor');
    const init = await runCli(['device', 'init', '--manufacturer', server.url, '--model', 'lamp-1', '--credential', credential], dir);
    assert.equal(init.code, 0, init.err + init.out);
    const onboard = await runCli(['device', 'onboard', '--credential', credential], dir);
    assert.equal(onboard.code, 0, onboard.err + onboard.out);
    const all = ((await (await call(server, 'GET', '/devices')).json()) as { items: { guid: string }[] }).items.map((d) => d.guid);
    lamp = all.find((g) => !guids.includes(g)) as string;
    const product = await call(server, 'POST', '/products', {
      model: 'lamp-1',
      manufacturer: 'Example Lamps',
      name: 'Hall lamp',
      supportEnd: '2030-12-31',
      supportPublished: true,
      updatable: true,
      constrained: false,
      usesPasswords: false,
      hasUserInterface: false,
      processesPersonalData: false,
    });
    assert.equal(product.status, 201, await product.text());
    const assessment = await call(server, 'POST', '/assessments', { product: 'lamp-1', market: 'eu' });
    assert.equal(assessment.status, 201, await assessment.text());
    watched = await watchedPage(browser);
    await logIn(watched.page, server.url, server.token);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(page: Page, guid: string) {
    await page.goto(`${server.url}/devices/${guid}`);
    await page.getByRole('heading', { level: 1, name: `Device ${guid}` }).waitFor();
  }

  it('shows the identity, the voucher chain and the timeline of an onboarded device', async () => {
    const { page, problems } = watched;
    const guid = guids[0] as string;
    await open(page, guid);
    const chain = page.getByRole('list', { name: 'Voucher chain' });
    await chain.getByRole('listitem').first().waitFor();
    const links = await chain.getByRole('listitem').allTextContents();
    assert.match(links[0] ?? '', /^Manufacturer/);
    assert.match(links.at(-1) ?? '', /Owner \d \(current\)/);
    const timeline = page.getByRole('region', { name: 'Lifecycle timeline' });
    await timeline.getByRole('cell', { name: 'voucher.imported' }).first().waitFor();
    await page.getByRole('region', { name: 'Firmware and updates' }).getByText('No campaign has offered').waitFor();
    // This server runs no MUD manager (its intent role needs nftables): the section says so.
    await page.getByRole('region', { name: 'Network intent (MUD)' }).getByText('The MUD manager has no record').waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'device-detail');
    assert.deepEqual(problems, []);
  });

  it('suspends with a reason: the state and the timeline follow; then reactivates', async () => {
    const { page, problems } = watched;
    const guid = guids[0] as string;
    await open(page, guid);
    const actions = page.getByRole('region', { name: 'Actions' });
    await actions.getByRole('button', { name: 'Suspend' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    // The form checks the reason before it sends.
    await dialog.getByRole('alert').filter({ hasText: 'Give a reason' }).waitFor();
    await dialog.getByLabel('Reason').fill('battery swelling <b>reported</b>');
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'device-confirm');
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('.device-state').getByText('suspended').waitFor();
    const timeline = page.getByRole('region', { name: 'Lifecycle timeline' });
    const record = timeline.getByRole('row').filter({ hasText: 'device.suspended' });
    await record.waitFor();
    // The reason is shown as text, never as markup.
    assert.match((await record.textContent()) ?? '', /reason: battery swelling <b>reported<\/b>/);
    assert.equal(await actions.getByRole('button', { name: 'Suspend' }).count(), 0);
    await screenshot(page, 'device-suspended');

    await actions.getByRole('button', { name: 'Reactivate' }).click();
    await dialog.getByLabel('Reason').fill('battery replaced');
    await dialog.getByRole('button', { name: 'Reactivate' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('.device-state').getByText('onboarded').waitFor();
    await timeline.getByRole('row').filter({ hasText: 'device.resumed' }).waitFor();
    const state = (await (await call(server, 'GET', `/devices/${guid}`)).json()) as { state: string };
    assert.equal(state.state, 'onboarded');
    assert.deepEqual(problems, []);
  });

  it('shows the server’s refusal in the dialog when the state changed meanwhile', async () => {
    const { page, problems } = watched;
    const guid = guids[1] as string;
    const seen = problems.length;
    await open(page, guid);
    await page.getByRole('region', { name: 'Actions' }).getByRole('button', { name: 'Suspend' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason').fill('maintenance');
    // Another operator decommissions the device while the dialog is open.
    const r = await call(server, 'POST', `/devices/${guid}/state`, { state: 'decommissioned', reason: 'retired elsewhere' });
    assert.equal(r.status, 200, await r.text());
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'decommissioned' }).waitFor();
    assert.match((await dialog.getByRole('alert').textContent()) ?? '', /cannot become suspended/);
    await screenshot(page, 'device-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // Once the page has polled, a decommissioned device offers no change at all.
    await page.getByText('No state change is possible from decommissioned').waitFor({ timeout: 10_000 });
    // The browser logs the refused call itself; nothing else went wrong.
    const added = problems.splice(seen);
    assert.ok(
      added.every((p) => /status of 409/.test(p)),
      added.join('\n'),
    );
  });

  it('shows the compliance standing of the device’s product', async () => {
    const { page, problems } = watched;
    await open(page, lamp);
    const compliance = page.getByRole('region', { name: 'Compliance of its product' });
    await compliance.getByText('until 2030-12-31').waitFor();
    await compliance.getByText(/Latest assessment for the eu market/).waitFor();
    const cards = await compliance.getByRole('list', { name: 'Assessment summary' }).getByRole('listitem').allTextContents();
    assert.equal(cards.length, 5);
    assert.match(cards[0] ?? '', /^\d+ met$/);
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'device-compliance');
    assert.deepEqual(problems, []);
  });

  it('shows an intent record in plain words, device strings as text, and the refusal of a quarantine', async () => {
    const { page, problems } = watched;
    const guid = guids[0] as string;
    const seen = problems.length;
    // The intent role needs nftables, which this test does not run: the record is answered here,
    // as GET /devices/{guid}/intent answers it; the quarantine goes to the real server.
    const entry = {
      device: { mac: '02:00:5e:00:53:01', mudUrl: 'https://lamps.example/lamp.json', urlSource: 'fdo', state: 'enforced', ruleCount: 6 },
      policy: { sentences: ['The device may open TCP connections to cloud.example.com on port 443 (IPv4).'] },
      violations: [
        {
          direction: 'from-device',
          protocol: 6,
          peer: '<img src=x onerror=alert(1)>',
          peerPort: 23,
          localPort: 40000,
          acl: 'from-ipv4',
          firstSeen: '2026-01-01T00:00:00Z',
          lastSeen: '2026-01-01T00:05:00Z',
          count: 3,
        },
      ],
      violationTotal: 3,
      flows: [
        {
          direction: 'from-device',
          protocol: 6,
          peer: '198.51.100.7',
          peerPort: 443,
          localPort: 0,
          verdict: 'accept',
          rule: 'from-ipv4/<b>cloud</b>',
          firstSeen: '2026-01-01T00:00:00Z',
          lastSeen: '2026-01-01T00:06:00Z',
          count: 12,
        },
        {
          direction: 'to-device',
          protocol: 17,
          peer: '203.0.113.9',
          peerPort: 0,
          localPort: 5683,
          verdict: 'drop',
          rule: 'default-deny after to-ipv4',
          firstSeen: '2026-01-01T00:00:00Z',
          lastSeen: '2026-01-01T00:04:00Z',
          count: 2,
        },
      ],
    };
    await page.route(`**/api/v1/devices/${guid}/intent`, (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ items: [entry] }) }),
    );
    try {
      await open(page, guid);
      const intent = page.getByRole('region', { name: 'Network intent (MUD)' });
      await intent.getByText('The device may open TCP connections to cloud.example.com on port 443 (IPv4).').waitFor();
      await intent.getByRole('cell', { name: 'TCP from the device port 40000 to <img src=x onerror=alert(1)> port 23' }).waitFor();
      assert.equal(await page.locator('img[src="x"]').count(), 0);
      const flows = intent.getByRole('table', { name: 'Recent flows (2 shown, 1 dropped)' });
      const rows = flows.getByRole('row');
      await rows.nth(2).waitFor();
      assert.deepEqual(
        (await rows.allInnerTexts()).slice(1).map((r) => r.split('\t').slice(0, 4)),
        [
          ['TCP from the device to 198.51.100.7 port 443', 'allowed', 'from-ipv4/<b>cloud</b>', '12'],
          ['UDP from 203.0.113.9 to the device port 5683', 'dropped', 'default-deny after to-ipv4', '2'],
        ],
      );
      assert.equal(await flows.locator('b').count(), 0, 'a rule name is shown as text');
      assert.deepEqual(await seriousViolations(page), []);
      await screenshot(page, 'device-intent');
      await intent.getByRole('button', { name: 'Quarantine' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Reason').fill('talks to telnet');
      await dialog.getByRole('button', { name: 'Quarantine' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'the intent role does not run on this server' }).waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    } finally {
      await page.unroute(`**/api/v1/devices/${guid}/intent`);
    }
    const added = problems.splice(seen);
    assert.ok(
      added.every((p) => /status of 409/.test(p)),
      added.join('\n'),
    );
  });

  it('passes the checks that need only a fleet', async () => {
    const { page, problems } = watched;
    await checkDeviceIdentity(page, server);
    await checkDeviceSections(page, server);
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(problems, []);
  });
});
