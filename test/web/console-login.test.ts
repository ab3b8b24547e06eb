/**
 * The console's log-in in real Chromium against a real `iotopia up`: a wrong token is refused with
 * the server's reason, a good one opens the pages its roles allow, a revoked or expired token
 * sends the operator back to log-in saying why, and a server error shows an error state rather
 * than a blank page. Every page checked has no console errors and no serious or critical axe
 * findings; screenshots go to test-artifacts/console/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright-core';
import { browserSkip, launchBrowser, logIn, screenshot, seriousViolations, watchedPage } from './browser.ts';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';

const skip = await browserSkip();
if (skip !== false) console.log(`# console browser tests skipped: ${skip}`);

async function makeToken(server: ConsoleServer, body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const r = await fetch(`${server.url}/api/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 201, await r.clone().text());
  return (await r.json()) as { id: string; secret: string };
}

describe('console log-in in headless Chromium', { skip }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  before(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('serves the log-in page, accessible and without console errors', async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'IoTopia console' }).waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'login');
    assert.deepEqual(problems, []);
  });

  it('refuses an unknown token with the server’s reason', async () => {
    const { page } = await watchedPage(browser);
    await page.goto(server.url);
    await page.getByLabel('API token').fill('iotopia_not-a-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not known to this server' }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Pages', exact: true }).count(), 0);
  });

  it('checks the form before sending it', async () => {
    const { page } = await watchedPage(browser);
    let calls = 0;
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/')) calls += 1;
    });
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter an API token' }).waitFor();
    assert.equal(calls, 0);
  });

  it('logs an admin in, opens the fleet, and keeps the session across a reload', async () => {
    const { page, problems } = await watchedPage(browser);
    await logIn(page, server.url, server.token);
    await page.waitForURL(/\/fleet$/);
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
    for (const name of ['Fleet', 'Onboarding', 'Intent', 'Updates', 'Compliance', 'Settings']) {
      assert.equal(await page.getByRole('navigation', { name: 'Pages', exact: true }).getByRole('link', { name }).count(), 1, name);
    }
    await page.reload();
    await page.getByRole('heading', { name: 'Fleet' }).waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(problems, []);
  });

  it('offers an auditor only the pages an auditor may open', async () => {
    const auditor = await makeToken(server, { name: 'audit', roles: ['auditor'] });
    const { page } = await watchedPage(browser);
    await logIn(page, server.url, auditor.secret);
    const links = await page.getByRole('navigation', { name: 'Pages', exact: true }).getByRole('link').allTextContents();
    assert.deepEqual(links, ['Intent', 'Compliance']);
  });

  it('sends a revoked token back to log-in with the reason', async () => {
    const owner = await makeToken(server, { name: 'ops', roles: ['owner'] });
    const { page } = await watchedPage(browser);
    await logIn(page, server.url, owner.secret);
    const r = await fetch(`${server.url}/api/v1/tokens/${owner.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(r.status, 200);
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'was revoked' }).waitFor();
    await page.getByLabel('API token').waitFor();
  });

  it('sends an expired token back to log-in with the reason, without a reload', async () => {
    const soon = new Date(Date.now() + 4000).toISOString();
    const owner = await makeToken(server, { name: 'short', roles: ['owner'], expiresAt: soon });
    const { page } = await watchedPage(browser);
    await logIn(page, server.url, owner.secret);
    await sleep(Math.max(0, Date.parse(soon) - Date.now()) + 200);
    // The fleet table polls: its next call is refused and the console returns to log-in.
    await page.getByRole('status').filter({ hasText: 'has expired' }).waitFor({ timeout: 15_000 });
  });

  it('shows a server error as an error state, not a blank page', async () => {
    const { page } = await watchedPage(browser);
    await page.route('**/api/v1/devices?*', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 500, title: 'Internal Server Error', detail: 'the store failed', code: 'ERR_INTERNAL' }),
      }),
    );
    await logIn(page, server.url, server.token);
    await page.getByRole('alert').filter({ hasText: 'Could not load the devices' }).waitFor({ timeout: 15_000 });
    assert.match((await page.getByRole('alert').first().textContent()) ?? '', /the store failed/);
  });
});
