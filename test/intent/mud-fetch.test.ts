import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { MudFetchError } from '../../src/intent/fetch-errors.ts';
import { fetchMud, mudUserAgent } from '../../src/intent/mud-fetch.ts';
import { signMudFile } from '../../src/mud/signature/cms-sign.ts';
import { cachedKeys } from '../helpers/keys.ts';
import { certificateFor, type Issuer } from '../helpers/pki.ts';
import { LOOPBACK_NAMES } from '../helpers/tls.ts';
import { testCa } from '../server/http/tls-helpers.ts';

interface Route {
  status?: number;
  body?: Uint8Array | string;
  headers?: Record<string, string>;
}

const routes = new Map<string, Route>();
const seen: { path: string; headers: Record<string, string | string[] | undefined> }[] = [];
let server: Server;
let base: string;
let serverCa: string;
let otherCa: string;
let signerAnchor: Issuer;
let signer: Issuer;
let rogue: Issuer;
let tlsPair: { cert: string; key: string };

function mudJson(path: string, extra: Record<string, unknown> = {}): Uint8Array {
  const container = {
    'mud-version': 1,
    'mud-url': `${base}${path}`,
    'last-update': '2026-01-01T00:00:00Z',
    'cache-validity': 24,
    'is-supported': true,
    systeminfo: 'IoTopia test bulb',
    ...extra,
  };
  return new TextEncoder().encode(JSON.stringify({ 'ietf-mud:mud': container }));
}

function sign(content: Uint8Array, by: Issuer): Uint8Array {
  return signMudFile(content, { privateKey: by.keys.privateKey, certificate: by.certificate });
}

/** Publishes `path` (a .json) and, unless told, its signature by `by` at the .p7s next to it. */
function publish(path: string, o: { by?: Issuer | null; extra?: Record<string, unknown>; etag?: string } = {}): Uint8Array {
  const body = mudJson(path, o.extra);
  routes.set(path, { body, headers: { 'content-type': 'application/mud+json', ...(o.etag === undefined ? {} : { etag: o.etag }) } });
  const sigPath = path.replace(/\.json$/, '.p7s');
  if (o.by === null) routes.delete(sigPath);
  else routes.set(sigPath, { body: sign(body, o.by ?? signer) });
  return body;
}

before(async () => {
  const tlsCa = await testCa('IoTopia MUD fetch test TLS CA');
  const leaf = await tlsCa.issue('127.0.0.1', LOOPBACK_NAMES);
  serverCa = tlsCa.pem;
  tlsPair = { cert: `${leaf.cert}${tlsCa.pem}`, key: leaf.key };
  otherCa = (await testCa('IoTopia unrelated TLS CA')).pem;
  const anchorKeys = await cachedKeys('secp256r1', 21);
  signerAnchor = { keys: anchorKeys, certificate: certificateFor(anchorKeys, { commonName: 'IoTopia test MUD signer CA', ca: true }) };
  const signerKeys = await cachedKeys('secp256r1', 22);
  signer = { keys: signerKeys, certificate: certificateFor(signerKeys, { commonName: 'mud.iotopia.test', issuer: signerAnchor }) };
  const rogueKeys = await cachedKeys('secp256r1', 23);
  const rogueCa = { keys: rogueKeys, certificate: certificateFor(rogueKeys, { commonName: 'IoTopia test MUD signer CA', ca: true }) };
  rogue = { keys: signerKeys, certificate: certificateFor(signerKeys, { commonName: 'mud.iotopia.test', issuer: rogueCa }) };
  server = createServer(tlsPair, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    seen.push({ path, headers: req.headers });
    const route = routes.get(path);
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    const etag = route.headers?.etag;
    if (etag !== undefined && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(route.status ?? 200, route.headers ?? {});
    res.end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const trusted = () => ({ serverCa, signerTrustAnchors: [signerAnchor.certificate] });

async function refused(p: Promise<unknown>, code: string): Promise<MudFetchError> {
  const e = await p.then(
    () => assert.fail(`expected ${code}`),
    (err: unknown) => err,
  );
  assert.ok(e instanceof MudFetchError, String(e));
  assert.equal(e.code, code, e.message);
  return e;
}

describe('fetchMud', () => {
  test('a signed file is fetched over https and its signature verified', async () => {
    const body = publish('/bulb.json');
    const result = await fetchMud(`${base}/bulb.json`, trusted());
    assert.equal(result.signed, true);
    assert.equal(result.source, 'network');
    assert.equal(result.stale, false);
    assert.equal(result.mud.mud.systeminfo, 'IoTopia test bulb');
    assert.equal(result.entry.signer, 'CN=mud.iotopia.test');
    assert.equal(result.entry.digest, createHash('sha256').update(body).digest('hex'));
    assert.equal(result.entry.validUntil.getTime() - result.entry.fetchedAt.getTime(), 24 * 3_600_000);
    const request = seen.find((s) => s.path === '/bulb.json');
    assert.equal(request?.headers.accept, 'application/mud+json');
    assert.match(String(request?.headers['user-agent']), /^IoTopia\/\d+\.\d+\.\d+/);
    assert.equal(request?.headers['user-agent'], mudUserAgent());
  });

  test('the signature named by mud-signature is the one fetched', async () => {
    const body = mudJson('/lamp.json', { 'mud-signature': `${base}/sigs/lamp.p7s` });
    routes.set('/lamp.json', { body });
    routes.set('/sigs/lamp.p7s', { body: sign(body, signer) });
    const result = await fetchMud(`${base}/lamp.json`, trusted());
    assert.equal(result.signed, true);
  });

  test('a file signed by a signer outside the MUD signer trust anchors is refused', async () => {
    publish('/rogue.json', { by: rogue });
    const e = await refused(fetchMud(`${base}/rogue.json`, trusted()), 'ERR_INTENT_FETCH_SIGNATURE');
    assert.equal((e.cause as { code?: string }).code, 'ERR_MUD_SIGNATURE_CHAIN');
  });

  test('a file changed after signing is refused', async () => {
    const body = publish('/changed.json');
    const changed = mudJson('/changed.json', { systeminfo: 'IoTopia test bulb, allow everything' });
    routes.set('/changed.json', { body: changed });
    assert.notDeepEqual(changed, body);
    await refused(fetchMud(`${base}/changed.json`, trusted()), 'ERR_INTENT_FETCH_SIGNATURE');
  });

  test('an unsigned file is refused by default and accepted with a warning under the warn policy', async () => {
    publish('/plain.json', { by: null });
    await refused(fetchMud(`${base}/plain.json`, trusted()), 'ERR_INTENT_FETCH_UNSIGNED');
    const result = await fetchMud(`${base}/plain.json`, { ...trusted(), unsigned: 'warn' });
    assert.equal(result.signed, false);
    assert.equal(result.entry.signer, undefined);
    assert.ok(result.warnings.some((w) => w.includes('not signed')));
  });

  test('an http URL is refused before any request', async () => {
    const before = seen.length;
    const e = await refused(fetchMud(`http://127.0.0.1:1/bulb.json`, trusted()), 'ERR_INTENT_FETCH_URL');
    assert.match(e.message, /http:\/\/127\.0\.0\.1:1\/bulb\.json/);
    assert.equal(seen.length, before);
  });

  test('a redirect to http is refused', async () => {
    routes.set('/moved.json', { status: 302, headers: { location: 'http://127.0.0.1:1/bulb.json' } });
    await refused(fetchMud(`${base}/moved.json`, trusted()), 'ERR_INTENT_FETCH_REDIRECT');
  });

  test('a redirect to https is followed, and the file must still name the URL fetched', async () => {
    publish('/bulb.json');
    routes.set('/old-bulb.json', { status: 301, headers: { location: '/bulb.json' } });
    await refused(fetchMud(`${base}/old-bulb.json`, trusted()), 'ERR_INTENT_FETCH_URL_MISMATCH');
    routes.set('/bulb-alias.json', { status: 302, headers: { location: `${base}/bulb.json` } });
    routes.set('/bulb-alias.p7s', routes.get('/bulb.p7s') as Route);
    await refused(fetchMud(`${base}/bulb-alias.json`, trusted()), 'ERR_INTENT_FETCH_URL_MISMATCH');
  });

  test('a server that never answers is given up on after the timeout', async () => {
    const hanging = createServer({ cert: tlsPair.cert, key: tlsPair.key }, () => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(hanging.address() as AddressInfo).port}/bulb.json`;
    try {
      await refused(fetchMud(url, { ...trusted(), timeoutMs: 300 }), 'ERR_INTENT_FETCH_TIMEOUT');
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });

  test('the lenient reading is used only when asked', async () => {
    publish('/loose.json', { extra: { 'last-update': '2026-11-30T10:00:00' } });
    await refused(fetchMud(`${base}/loose.json`, trusted()), 'ERR_INTENT_FETCH_INVALID');
    const result = await fetchMud(`${base}/loose.json`, { ...trusted(), lenient: true });
    assert.equal(result.signed, true);
    assert.ok(result.warnings.length > 0);
  });

  test('a file whose mud-url differs from the URL fetched is refused, even when signed', async () => {
    const body = mudJson('/other.json');
    routes.set('/decoy.json', { body });
    routes.set('/decoy.p7s', { body: sign(body, signer) });
    await refused(fetchMud(`${base}/decoy.json`, trusted()), 'ERR_INTENT_FETCH_URL_MISMATCH');
  });

  test('a file beyond the size limit is refused', async () => {
    const big = new TextEncoder().encode(' '.repeat(2 * 1024 * 1024 + 1));
    routes.set('/big.json', { body: big });
    await refused(fetchMud(`${base}/big.json`, trusted()), 'ERR_INTENT_FETCH_TOO_LARGE');
    routes.set('/big-chunked.json', { body: big, headers: { 'transfer-encoding': 'chunked' } });
    await refused(fetchMud(`${base}/big-chunked.json`, trusted()), 'ERR_INTENT_FETCH_TOO_LARGE');
  });

  test('a signature beyond its size limit is refused', async () => {
    publish('/big-sig.json');
    routes.set('/big-sig.p7s', { body: new Uint8Array(256 * 1024 + 1) });
    const e = await refused(fetchMud(`${base}/big-sig.json`, trusted()), 'ERR_INTENT_FETCH_TOO_LARGE');
    assert.match(e.url, /big-sig\.p7s$/);
  });

  test('a file that does not validate is refused', async () => {
    routes.set('/bad.json', { body: '{"ietf-mud:mud":{"mud-version":1}}' });
    await refused(fetchMud(`${base}/bad.json`, trusted()), 'ERR_INTENT_FETCH_INVALID');
  });

  test('a server certificate from an untrusted CA is refused', async () => {
    publish('/bulb.json');
    const e = await refused(fetchMud(`${base}/bulb.json`, { ...trusted(), serverCa: otherCa }), 'ERR_INTENT_FETCH_NETWORK');
    assert.match(e.message, /certificate/i);
    // and the system's roots (the default) do not know the test CA either
    await refused(fetchMud(`${base}/bulb.json`, { signerTrustAnchors: [signerAnchor.certificate] }), 'ERR_INTENT_FETCH_NETWORK');
  });

  test('a valid cache entry is used without a request; after cache-validity an ETag 304 keeps the file', async () => {
    publish('/etag.json', { etag: '"v1"' });
    const t0 = new Date();
    const first = await fetchMud(`${base}/etag.json`, { ...trusted(), now: t0 });
    assert.equal(first.entry.etag, '"v1"');
    const before = seen.length;
    const cached = await fetchMud(`${base}/etag.json`, { ...trusted(), cache: first.entry, now: new Date(t0.getTime() + 3_600_000) });
    assert.equal(cached.source, 'cache');
    assert.equal(seen.length, before);
    const later = new Date(t0.getTime() + 25 * 3_600_000);
    const second = await fetchMud(`${base}/etag.json`, { ...trusted(), cache: first.entry, now: later });
    assert.equal(seen.at(-1)?.headers['if-none-match'], '"v1"');
    assert.equal(second.source, 'not-modified');
    assert.deepEqual(second.mud, first.mud);
    assert.equal(second.entry.digest, first.entry.digest);
    assert.equal(second.entry.validUntil.getTime(), later.getTime() + 24 * 3_600_000);
  });

  test('a failing refetch keeps the last good file as stale, with the error and a back-off', async () => {
    publish('/flaky.json');
    const t0 = new Date();
    const first = await fetchMud(`${base}/flaky.json`, { ...trusted(), now: t0 });
    routes.set('/flaky.json', { status: 500, body: 'down' });
    const t1 = new Date(t0.getTime() + 25 * 3_600_000);
    const failed = await fetchMud(`${base}/flaky.json`, { ...trusted(), cache: first.entry, now: t1 });
    assert.equal(failed.stale, true);
    assert.equal(failed.error?.code, 'ERR_INTENT_FETCH_STATUS');
    assert.deepEqual(failed.mud, first.mud);
    assert.equal(failed.entry.failures, 1);
    assert.equal(failed.entry.nextAttempt?.getTime(), t1.getTime() + 60_000);
    // before the back-off has passed: no request, still stale
    const count = seen.length;
    const waiting = await fetchMud(`${base}/flaky.json`, { ...trusted(), cache: failed.entry, now: new Date(t1.getTime() + 1_000) });
    assert.equal(waiting.stale, true);
    assert.equal(waiting.error?.code, 'ERR_INTENT_FETCH_STATUS');
    assert.equal(seen.length, count);
    // after it: another failure doubles the wait
    const t2 = new Date(t1.getTime() + 61_000);
    const again = await fetchMud(`${base}/flaky.json`, { ...trusted(), cache: failed.entry, now: t2 });
    assert.equal(again.entry.failures, 2);
    assert.equal(again.entry.nextAttempt?.getTime(), t2.getTime() + 120_000);
    // a tampered refetch is a failure too: the last good file stays
    const good = publish('/flaky.json');
    routes.set('/flaky.json', { body: mudJson('/flaky.json', { systeminfo: 'tampered' }) });
    const tampered = await fetchMud(`${base}/flaky.json`, { ...trusted(), cache: again.entry, force: true, now: t2 });
    assert.equal(tampered.error?.code, 'ERR_INTENT_FETCH_SIGNATURE');
    assert.equal(tampered.mud.mud.systeminfo, 'IoTopia test bulb');
    // once the server is back, the failures are cleared
    routes.set('/flaky.json', { body: good });
    const back = await fetchMud(`${base}/flaky.json`, { ...trusted(), cache: tampered.entry, force: true, now: t2 });
    assert.equal(back.stale, false);
    assert.equal(back.entry.failures, 0);
    assert.equal(back.entry.nextAttempt, undefined);
  });
});
