/**
 * The console's files as the server serves them: the index page at / and at every console page's
 * path, hashed assets cached for good, the console's own CSP on its answers only, the API and the
 * FDO routes untouched, and a clear 503 when the console has not been built.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createApp } from '../../../src/server/app.ts';
import { CONSOLE_CSP } from '../../../src/server/console/console-csp.ts';
import { CONSOLE_PAGES } from '../../../src/server/console/console-pages.ts';
import { tempDirs } from '../../helpers/temp.ts';

const dirs = tempDirs('iotopia-console-files-');

function builtConsole(): string {
  const root = dirs();
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/assets/app-1a2b.js"></script>');
  writeFileSync(join(root, 'assets', 'app-1a2b.js'), 'console.log("hi")');
  return root;
}

describe('the console as served', () => {
  test('the index page answers / and every console page, uncached, with the console CSP', async () => {
    const app = createApp({ console: { root: builtConsole() } });
    for (const url of ['/', ...CONSOLE_PAGES.map((p) => `/${p}`), '/devices/0123456789abcdef0123456789abcdef', '/updates/campaigns/7']) {
      const r = await app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 200, url);
      assert.match(r.headers['content-type'] as string, /^text\/html/);
      assert.match(r.body, /<title>console<\/title>/);
      assert.equal(r.headers['cache-control'], 'no-cache');
      assert.equal(r.headers['content-security-policy'], CONSOLE_CSP);
      assert.equal(r.headers['x-frame-options'], 'DENY', 'the server’s other security headers stay');
    }
  });

  test('hashed assets are served and cached for a year; a path outside them is not', async () => {
    const app = createApp({ console: { root: builtConsole() } });
    const js = await app.inject({ method: 'GET', url: '/assets/app-1a2b.js' });
    assert.equal(js.statusCode, 200);
    assert.match(js.headers['cache-control'] as string, /max-age=31536000.*immutable/);
    assert.equal(js.headers['content-security-policy'], CONSOLE_CSP);
    for (const url of ['/assets/../index.html', '/assets/%2e%2e/index.html', '/assets/missing.js']) {
      const r = await app.inject({ method: 'GET', url });
      assert.notEqual(r.statusCode, 200, url);
    }
  });

  test('the CSP allows no inline script and no other origin', () => {
    assert.match(CONSOLE_CSP, /script-src 'self'(;|$)/);
    assert.match(CONSOLE_CSP, /connect-src 'self'(;|$)/);
    assert.match(CONSOLE_CSP, /frame-ancestors 'none'/);
    assert.doesNotMatch(CONSOLE_CSP, /unsafe-inline|unsafe-eval|\*/);
  });

  test('other paths keep the server’s own policy', async () => {
    const app = createApp({ console: { root: builtConsole() } });
    const r = await app.inject({ method: 'GET', url: '/not-a-console-page' });
    assert.equal(r.statusCode, 404);
    assert.notEqual(r.headers['content-security-policy'], CONSOLE_CSP);
    assert.match(r.headers['content-security-policy'] as string, /default-src 'none'/);
  });

  test('an unbuilt console answers 503 saying how to build it', async () => {
    const app = createApp({ console: { root: dirs() } });
    const r = await app.inject({ method: 'GET', url: '/fleet' });
    assert.equal(r.statusCode, 503);
    assert.match(r.body, /npm run build:web/);
  });
});
