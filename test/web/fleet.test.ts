/**
 * The fleet page in real Chromium against a real `iotopia up`: five devices made and onboarded by
 * the fleet simulator, one suspended and one tagged through the management API. Search, filters,
 * sorting and the device links are checked with the values seeded (the intent column says `none`:
 * the intent role, which programs the host's nftables, does not run here; the store and API tests
 * cover intent states); every view has no console problems and no serious axe findings.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, launchBrowser, logIn, screenshot, seriousViolations, type WatchedPage, watchedPage } from './browser.ts';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';
import {
  fleetRowOpensDevice,
  fleetSearchFindsDevice,
  fleetSortReverses,
  fleetStateFilterNarrows,
  fleetTableLinksDevices,
  openFleet,
  states,
  guids as tableGuids,
  waitUntil,
} from './pages/fleet-checks.ts';

const skip = await browserSkip();
if (skip !== false) console.log(`# console browser tests skipped: ${skip}`);

const BIN = new URL('../../bin/iotopia.js', import.meta.url).pathname;
const COUNT = 5;

function simulate(server: ConsoleServer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'fleet', 'simulate', '--count', String(COUNT), '--manufacturer', server.url, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`fleet simulate exited with ${code}:\n${out}`))));
  });
}

async function call(server: ConsoleServer, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

describe('the fleet page in headless Chromium', { skip }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let guids: string[];
  before(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    await simulate(server);
    const list = await call(server, 'GET', '/devices?limit=100');
    guids = (list['items'] as { guid: string }[]).map((d) => d.guid);
    assert.equal(guids.length, COUNT);
    await call(server, 'POST', `/devices/${guids[1]}/state`, { state: 'suspended', reason: 'kept for repair' });
    await call(server, 'POST', `/devices/${guids[2]}/tags`, { add: ['kitchen'] });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // One logged-in tab for every view: each check opens /fleet afresh; problems are counted per test.
  let tab: WatchedPage | undefined;
  const page = async () => {
    if (tab === undefined) {
      tab = await watchedPage(browser);
      await logIn(tab.page, server.url, server.token);
    }
    tab.problems.length = 0;
    return tab;
  };

  it('lists the fleet with state, model and intent, sortable, accessible and without console problems', async () => {
    const { page: p, problems } = await page();
    await openFleet(p, server);
    assert.deepEqual(await tableGuids(p), [...guids].sort());
    const suspended = p.locator('table.fleet tbody tr', { hasText: guids[1] as string });
    assert.equal(await suspended.locator('td').first().textContent(), 'suspended');
    const model = await p.locator('table.fleet tbody tr td:nth-child(3)').first().textContent();
    assert.ok(model !== null && model !== 'unknown', 'the model DI recorded is shown');
    assert.equal(
      await p
        .locator('table.fleet tbody tr', { hasText: guids[0] as string })
        .locator('td')
        .last()
        .textContent(),
      'none',
    );
    assert.deepEqual(await seriousViolations(p), []);
    await screenshot(p, 'fleet-list');
    await p.getByRole('columnheader', { name: /State/ }).getByRole('button').click();
    await waitUntil('the suspended device is last', async () => (await states(p)).at(-1) === 'suspended');
    assert.equal(await p.getByRole('columnheader', { name: /State/ }).getAttribute('aria-sort'), 'ascending');
    assert.deepEqual(problems, []);
  });

  it('finds a device by its GUID and by a tag, and says when nothing matches', async () => {
    const { page: p, problems } = await page();
    await openFleet(p, server);
    const search = p.getByLabel('Search', { exact: true });
    await search.fill((guids[4] as string).slice(0, 12));
    await waitUntil('one row is left', async () => (await tableGuids(p)).length === 1);
    assert.deepEqual(await tableGuids(p), [guids[4]]);
    await search.fill('kitchen');
    await waitUntil('the tagged device is the only row', async () => (await tableGuids(p)).join() === guids[2]);
    assert.equal(await p.locator('table.fleet tbody tr').count(), 1);
    await search.fill('no-such-device');
    await p.getByText('No device matches this search and these filters.').waitFor();
    assert.deepEqual(await seriousViolations(p), []);
    await screenshot(p, 'fleet-empty');
    await search.fill('x'.repeat(65));
    await p.getByRole('alert').filter({ hasText: 'at most 64 characters' }).waitFor();
    assert.deepEqual(problems, []);
  });

  it('narrows to a state', async () => {
    const { page: p, problems } = await page();
    await openFleet(p, server);
    await p.getByLabel('State', { exact: true }).selectOption('suspended');
    await waitUntil('one row is left', async () => (await tableGuids(p)).length === 1);
    assert.deepEqual(await tableGuids(p), [guids[1]]);
    await screenshot(p, 'fleet-filtered');
    assert.deepEqual(problems, []);
  });

  it('passes the checks any seeded fleet passes', async () => {
    for (const check of [fleetTableLinksDevices, fleetSearchFindsDevice, fleetStateFilterNarrows, fleetSortReverses, fleetRowOpensDevice]) {
      const { page: p, problems } = await page();
      await check(p, server);
      assert.deepEqual(problems, [], check.name);
    }
  });
});
