/**
 * The console's intent pages in Chromium against a real `iotopia up` playing the intent role on
 * the nftables of a namespace made here: two devices registered through the API, violations
 * reported past the quarantine threshold for one, and a signed MUD file published. The page's
 * counts match, the chart shows, a violation and the MUD file open, and the quarantined device is
 * released through the confirmation and leaves the queue. Needs root, `ip` and `nft`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { signMudFile } from '../../src/mud/signature/cms-sign.ts';
import { cachedKeys } from '../helpers/keys.ts';
import { Namespace, skipReason, toolMissing } from '../helpers/netns.ts';
import { certificateFor } from '../helpers/pki.ts';
import { browserSkip, launchBrowser, logIn, screenshot, seriousViolations, watchedPage } from './browser.ts';
import { type ConsoleServer, startConsoleServer } from './console-server.ts';
import { checkIntentOverview, checkMudFileOpens, checkViolationOpens, releaseFirstQuarantined } from './pages/intent-checks.ts';

const skip = (await browserSkip()) || skipReason() || toolMissing('nft');
if (skip !== false) console.log(`# intent console tests skipped: ${skip}`);

const QUIET = '02:00:00:00:00:11';
const NOISY = '02:00:00:00:00:12';
const MUD_URL = 'https://mud.example.com/lamp.json';

const lamp = {
  'ietf-mud:mud': {
    'mud-version': 1,
    'mud-url': MUD_URL,
    'last-update': '2026-01-01T00:00:00Z',
    'cache-validity': 24,
    'is-supported': true,
    systeminfo: 'IoTopia console lamp',
    'from-device-policy': { 'access-lists': { 'access-list': [{ name: 'from' }] } },
  },
  'ietf-access-control-list:acls': {
    acl: [
      {
        name: 'from',
        type: 'ipv4-acl-type',
        aces: {
          ace: [
            {
              name: 'cloud',
              matches: {
                ipv4: { protocol: 6, 'ietf-acldns:dst-dnsname': 'cloud.example.com' },
                tcp: { 'ietf-mud:direction-initiated': 'from-device', 'destination-port': { operator: 'eq', port: 443 } },
              },
              actions: { forwarding: 'accept' },
            },
          ],
        },
      },
    ],
  },
};

async function call(server: ConsoleServer, method: string, path: string, body?: unknown) {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function seed(server: ConsoleServer): Promise<void> {
  const keys = await cachedKeys('secp256r1', 41);
  const certificate = certificateFor(keys, { commonName: 'Lamp maker MUD signer' });
  const content = new TextEncoder().encode(JSON.stringify(lamp));
  const signature = signMudFile(content, { privateKey: keys.privateKey, certificate });
  await call(server, 'PUT', '/mud-files/lamp.json', {
    content: Buffer.from(content).toString('base64'),
    signature: Buffer.from(signature).toString('base64'),
  });
  await call(server, 'POST', '/intent/devices', { mac: QUIET, ipv4: '192.0.2.11', name: 'quiet lamp' });
  await call(server, 'POST', '/intent/devices', { mac: NOISY, ipv4: '192.0.2.12', name: 'noisy lamp' });
  const flow = { direction: 'from-device', protocol: 6, peer: '203.0.113.9', peerPort: 23, localPort: 40000, acl: 'default-deny' };
  const d = await call(server, 'POST', `/intent/devices/${NOISY}/violations`, {
    violations: [
      { ...flow, count: 2 },
      { ...flow, peerPort: 2323 },
    ],
  });
  assert.equal(d['state'], 'quarantined');
}

describe('intent pages in headless Chromium', { skip }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let ns: Namespace;
  /** The admin's tab, logged in once: the pages reload in it, the session stays. */
  let page: Page;
  let problems: string[];
  before(async () => {
    ns = new Namespace('console');
    const args = ['--roles', 'owner,intent', '--intent-netns', ns.name, '--intent-quarantine-threshold', '3'];
    [server, browser] = await Promise.all([startConsoleServer(args, { readyMs: 60_000 }), launchBrowser()]);
    await seed(server);
    ({ page, problems } = await watchedPage(browser));
    await logIn(page, `${server.url}/intent`, server.token);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    ns?.destroy();
  });

  it('shows the devices per state, the chart and the queue, accessible, without console errors', async () => {
    problems.length = 0;
    await checkIntentOverview(page, server);
    assert.equal(await page.locator('li[data-state="default-deny"] .value').textContent(), '1');
    assert.equal(await page.locator('li[data-state="quarantined"] .value').textContent(), '1');
    assert.equal(await page.getByTestId('intent-total').textContent(), '2');
    assert.match((await page.getByTestId('intent-chart-summary').textContent()) ?? '', /^2 violating flows first seen/);
    await page.getByRole('table', { name: 'Quarantined devices' }).getByRole('rowheader', { name: NOISY }).waitFor();
    await page.getByRole('table', { name: 'Published MUD files' }).getByText('CN=Lamp maker MUD signer').waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'intent-overview');
    assert.deepEqual(problems, []);
  });

  it('opens a violation with its flow, ACL, times, count and device', async () => {
    problems.length = 0;
    await checkViolationOpens(page, server);
    // The facts fill in as the violation and its device load.
    await page.locator('dl.facts').filter({ hasText: 'noisy lamp' }).waitFor();
    const facts = (await page.locator('dl.facts').textContent()) ?? '';
    assert.ok(facts.includes(NOISY) && facts.includes('203.0.113.9') && facts.includes('default-deny'), facts);
    assert.ok(facts.includes('noisy lamp'), 'the device is named');
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'intent-violation');
    assert.deepEqual(problems, []);
  });

  it('opens the published MUD file with its policy in plain words', async () => {
    problems.length = 0;
    await checkMudFileOpens(page, server);
    await page.getByText('The device may open TCP connections to cloud.example.com on port 443').waitFor();
    await page.getByText(MUD_URL, { exact: true }).waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'intent-mud-file');
    assert.deepEqual(problems, []);
  });

  it('offers an auditor no release', async () => {
    const t = await call(server, 'POST', '/tokens', { name: 'audit', roles: ['auditor'] });
    const { page, problems } = await watchedPage(browser);
    // Straight to the intent page: an auditor may not open the fleet, where log-in lands by default.
    await logIn(page, `${server.url}/intent`, String(t['secret']));
    await page.getByRole('table', { name: 'Quarantined devices' }).getByRole('rowheader', { name: NOISY }).waitFor();
    await page.getByRole('heading', { name: 'Published MUD files' }).waitFor();
    await page.getByRole('table', { name: 'Published MUD files' }).locator('tbody tr').first().waitFor();
    assert.equal(await page.getByRole('button', { name: /^Release/ }).count(), 0);
    assert.deepEqual(problems, []);
  });
  it('releases the quarantined device after confirmation; it leaves the queue', async () => {
    problems.length = 0;
    assert.equal(await releaseFirstQuarantined(page, server), NOISY);
    await page.getByText('No device is in quarantine.').waitFor();
    await page.locator('li[data-state="quarantined"] .value').filter({ hasText: /^0$/ }).waitFor();
    const actions = await call(server, 'GET', `/intent/quarantine-actions?mac=${NOISY}`);
    assert.deepEqual((actions['items'] as { action: string; reason: string }[]).map((a) => [a.action, a.reason]).at(-1), [
      'release',
      'checked the device: a false alarm',
    ]);
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'intent-released');
    assert.deepEqual(problems, []);
  });
});
