/**
 * The onboarding and settings pages in real Chromium against a real `iotopia up`, seeded through
 * the CLI: three devices onboarded by the fleet simulator, which then polls the device API (so
 * they are active), and one device that only ran DI. The funnel and the chart show those numbers;
 * in Settings a token is made (its secret shown once) and revoked, and a TO2 address the server
 * refuses shows its problem before a good one is saved.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { browserSkip, launchBrowser, logIn, screenshot, seriousViolations, watchedPage } from './browser.ts';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';
import { checkOnboardingPage, checkSettingsPage, funnelCounts } from './pages/onboarding-checks.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/iotopia.js', import.meta.url).pathname;

const skip = await browserSkip();
if (skip !== false) console.log(`# console browser tests skipped: ${skip}`);

async function seed(server: ConsoleServer, dir: string): Promise<void> {
  await run(
    process.execPath,
    [BIN, 'fleet', 'simulate', '--count', '3', '--manufacturer', server.url, '--json', '--run', '--duration', '2', '--poll-min', '1'],
    { cwd: dir, timeout: 30_000 },
  );
  await run(process.execPath, [BIN, 'device', 'init', '--manufacturer', server.url, '--credential', join(dir, 'only-di.cbor'), '--json'], {
    cwd: dir,
    timeout: 30_000,
  });
}

async function getJson<T>(server: ConsoleServer, path: string): Promise<T> {
  const r = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${server.token}` } });
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()) as T;
}

describe('console onboarding and settings pages in headless Chromium', { skip }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iotopia-onboarding-web-'));
    [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
    await seed(server, dir);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the funnel of what was seeded, the rate chart, vouchers by state and TO0 health', async () => {
    const stats = await getJson<{ funnel: { count: number }[]; vouchers: { owner: Record<string, number> } }>(server, '/stats/onboarding');
    assert.deepEqual(
      stats.funnel.map((f) => f.count),
      [4, 4, 3, 3],
      'three devices onboarded and active, one only made (and, with auto-owner, registered)',
    );
    const { page, problems } = await watchedPage(browser);
    await logIn(page, server.url, server.token);
    await checkOnboardingPage(page, server);
    assert.deepEqual(await funnelCounts(page), [4, 4, 3, 3]);
    const summary = await page.getByRole('img', { name: /^Devices onboarded per hour: / }).getAttribute('aria-label');
    assert.match(summary ?? '', /3 devices onboarded in the last 24 hours/);
    assert.match(
      (await page.locator('figcaption').first().textContent()) ?? '',
      /4 manufactured, 4 sold \(100 %\), 3 onboarded \(75 %\), 3 active \(75 %\)/,
    );
    // TO2 gave each onboarded device a voucher of its own: the owner holds more vouchers than devices.
    const owner = page.getByRole('table', { name: 'Owner side' });
    let held = 0;
    for (const [state, n] of Object.entries(stats.vouchers.owner)) {
      assert.equal(
        await owner
          .getByRole('row', { name: new RegExp(`^${state}\\b`) })
          .getByRole('cell')
          .textContent(),
        String(n),
        state,
      );
      held += n;
    }
    assert.equal(stats.vouchers.owner['registered'], 1, 'the device that only ran DI is registered, waiting for TO1');
    assert.equal(await page.getByRole('table', { name: 'Owner vouchers' }).getByRole('row').count(), held + 1);
    await screenshot(page, 'onboarding-onboarding');
    assert.deepEqual(problems, []);
  });

  it('makes a token whose secret is shown once, and revokes it after confirmation', async () => {
    const { page, problems } = await watchedPage(browser);
    await logIn(page, server.url, server.token);
    await checkSettingsPage(page, server);
    const form = page.getByRole('form', { name: 'New API token' });
    await form.getByRole('button', { name: 'Make token' }).click();
    await form.getByRole('alert').filter({ hasText: 'Give the token a name' }).waitFor();
    await form.getByLabel('Name').fill('line ops');
    await form.getByRole('button', { name: 'Make token' }).click();
    await form.getByRole('alert').filter({ hasText: 'Choose at least one role' }).waitFor();
    await form.getByRole('checkbox', { name: 'owner' }).check();
    await form.getByRole('button', { name: 'Make token' }).click();
    const secret = await page.getByLabel('Secret').inputValue();
    assert.match(secret, /^iotopia_/);
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(((await me.json()) as { name: string }).name, 'line ops');
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'onboarding-settings');
    await page.getByRole('button', { name: 'Done, hide it' }).click();
    assert.equal(await page.getByLabel('Secret').count(), 0, 'the secret is gone once hidden');
    assert.ok(!(await page.content()).includes(secret));

    await page.getByRole('button', { name: 'Revoke line ops' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this token?' });
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await page
      .getByRole('table', { name: 'API tokens' })
      .getByRole('row', { name: /line ops/ })
      .getByText('revoked')
      .waitFor();
    const after = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(after.status, 401);
    assert.deepEqual(problems, []);
  });

  it('refuses a bad TO2 address and rendezvous policy with the server’s problem, then saves good ones', async () => {
    const { page, problems } = await watchedPage(browser);
    await logIn(page, server.url, server.token);
    await page.goto(`${server.url}/settings`);
    const form = page.getByRole('form', { name: 'TO2 address' });
    await form.getByLabel('IP address or DNS name').first().waitFor();
    await form.getByLabel('Port').first().fill('70000');
    await form.getByRole('button', { name: 'Save TO2 address' }).click();
    await form.getByRole('alert').filter({ hasText: 'the port is a number from 1 to 65535' }).waitFor();
    await form.getByLabel('Port').first().fill('8443');
    await form.getByLabel('IP address or DNS name').first().fill('not a host!');
    await form.getByRole('button', { name: 'Save TO2 address' }).click();
    const problem = form.getByRole('alert').filter({ hasText: 'Refused.' });
    await problem.waitFor();
    assert.match((await problem.textContent()) ?? '', /addresses/);
    assert.deepEqual(await seriousViolations(page), []);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'onboarding-settings-refused');
    await form.getByLabel('IP address or DNS name').first().fill('owner.example.com');
    await form.getByLabel('Protocol').first().selectOption('https');
    await form.getByRole('button', { name: 'Save TO2 address' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    assert.equal(await form.getByRole('alert').count(), 0);
    const stored = await getJson<{ addresses: unknown[]; source: string }>(server, '/owner/to2-address');
    assert.deepEqual(stored, { addresses: [{ dns: 'owner.example.com', port: 8443, protocol: 'https' }], source: 'setting' });

    // The rendezvous policy, edited as JSON: not JSON is caught before sending, a bad mode by the server.
    const policy = page.getByRole('form', { name: 'Rendezvous policy' });
    const text = policy.getByLabel('Rendezvous policy (JSON)');
    await text.fill('{ "mode": ');
    await policy.getByRole('button', { name: 'Save rendezvous policy' }).click();
    await policy.getByRole('alert').filter({ hasText: 'This is not JSON' }).waitFor();
    await text.fill('{ "mode": "sometimes" }');
    await policy.getByRole('button', { name: 'Save rendezvous policy' }).click();
    const refused = policy.getByRole('alert').filter({ hasText: 'Refused.' });
    await refused.waitFor();
    assert.match((await refused.textContent()) ?? '', /mode/);
    await text.fill('{ "mode": "open" }');
    await policy.getByRole('button', { name: 'Save rendezvous policy' }).click();
    await policy.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    assert.equal((await getJson<{ mode: string; source: string }>(server, '/rendezvous/policy')).source, 'stored');
    await policy.getByRole('button', { name: 'Use the default' }).click();
    await page
      .getByRole('dialog', { name: /Forget the stored rendezvous policy/ })
      .getByRole('button', { name: 'Use the default' })
      .click();
    await policy.getByText("the server's default").waitFor();
    assert.equal((await getJson<{ source: string }>(server, '/rendezvous/policy')).source, 'default');
    // The only console messages are the browser's own notes of the refused (400) answers.
    assert.deepEqual(
      problems.filter((p) => !p.includes('status of 400')),
      [],
    );
  });
});
