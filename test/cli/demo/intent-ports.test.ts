/**
 * The demo's MUD fetcher over published files: a file signed by a signer under the trust anchor
 * is fetched and verified; another signer's file, a file published under another URL and a name
 * not published are refused as a fetch over https would refuse them. The resolver answers only
 * the demo's names.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { demoResolver, publishedMudFetcher } from '../../../src/cli/demo/intent-ports.ts';
import { DEMO_MODELS, mudUrlOf } from '../../../src/cli/demo/models.ts';
import { type DemoMudSigner, makeMudSigner } from '../../../src/cli/demo/mud-signer.ts';
import { mudFileOf } from '../../../src/cli/demo/seed-intent.ts';
import { MudFetchError } from '../../../src/intent/fetch-errors.ts';
import type { MudFileRecord } from '../../../src/store/mud-file-repository.ts';

const model = DEMO_MODELS[0] ?? assert.fail('no model');
const url = mudUrlOf(model.model);

function record(content: Uint8Array, signature: Uint8Array, mudUrl = url): MudFileRecord {
  const now = new Date();
  return {
    name: `${model.model}.json`,
    mudUrl,
    content,
    signature,
    contentDigest: 'x',
    signatureDigest: 'x',
    cacheValidity: 48,
    signer: 'demo',
    publishedAt: now,
    updatedAt: now,
    contentBytes: content.length,
    signatureBytes: signature.length,
  };
}

describe('the demo MUD fetcher over published files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-demo-ports-'));
  let signer: DemoMudSigner;
  let other: DemoMudSigner;
  let anchor: X509Certificate[];
  const content = mudFileOf(model, new Date());

  before(async () => {
    signer = await makeMudSigner(join(dir, 'ca.pem'), 'Demo maker');
    other = await makeMudSigner(join(dir, 'other.pem'), 'Someone else');
    anchor = [new X509Certificate(readFileSync(signer.caFile))];
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('fetches and verifies a file signed under the trust anchor', async () => {
    const fetcher = publishedMudFetcher(async (name) =>
      name === `${model.model}.json` ? record(content, signer.sign(content)) : undefined,
    );
    const r = await fetcher(url, { signerTrustAnchors: anchor });
    assert.equal(r.signed, true);
    assert.match(r.entry.signer ?? '', /Demo maker MUD signer/);
    assert.equal(r.mud.mud.mudUrl, url);
    const again = await fetcher(url, { signerTrustAnchors: anchor, cache: r.entry });
    assert.equal(again.source, 'cache');
  });

  test("refuses another signer's file", async () => {
    const fetcher = publishedMudFetcher(async () => record(content, other.sign(content)));
    await assert.rejects(
      fetcher(url, { signerTrustAnchors: anchor }),
      (e: unknown) => e instanceof MudFetchError && e.code === 'ERR_INTENT_FETCH_SIGNATURE',
    );
  });

  test('refuses a name not published, and a file published under another URL', async () => {
    const none = publishedMudFetcher(async () => undefined);
    await assert.rejects(
      none(url, { signerTrustAnchors: anchor }),
      (e: unknown) => e instanceof MudFetchError && e.code === 'ERR_INTENT_FETCH_STATUS',
    );
    const elsewhere = publishedMudFetcher(async () => record(content, signer.sign(content), 'https://elsewhere.example/x.json'));
    await assert.rejects(
      elsewhere(url, { signerTrustAnchors: anchor }),
      (e: unknown) => e instanceof MudFetchError && e.code === 'ERR_INTENT_FETCH_STATUS',
    );
  });

  test('the resolver answers the demo names only', async () => {
    const r = demoResolver(new Map([['lamp.demo.iotopia.example', ['203.0.113.10']]]));
    assert.deepEqual((await r.resolve('lamp.demo.iotopia.example.')).addresses, ['203.0.113.10']);
    await assert.rejects(r.resolve('example.com'), /no A or AAAA answer/);
  });
});
