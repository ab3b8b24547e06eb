import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assessmentService } from '../../src/compliance/assessment/assessment-service.ts';
import { createApiToken } from '../../src/platform/tokens.ts';
import { createApp } from '../../src/server/app.ts';
import { rule } from '../compliance/assessment/fixtures.ts';
import { type ServiceWorld, serviceWorld } from '../compliance/assessment/service-world.ts';
import { runCli } from '../helpers/cli.ts';

describe('iotopia assess … and iotopia evidence add against a management API', () => {
  let w: ServiceWorld;
  let app: ReturnType<typeof createApp>;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const run = (...args: string[]) => runCli(args, dir, env);
  before(async () => {
    w = await serviceWorld();
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    app = createApp({ api: { store: w.store, manufacturerKeys: [key], ownerKeys: [key], assessments: assessmentService(w.deps) } });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const token = (await createApiToken(w.store, { name: 'maker', roles: ['manufacturer'] })).secret;
    dir = mkdtempSync(join(tmpdir(), 'iotopia-assess-cli-'));
    const clean = { ...process.env };
    delete clean.IOTOPIA_SERVER;
    delete clean.IOTOPIA_TOKEN;
    env = { ...clean, IOTOPIA_SERVER: url, IOTOPIA_TOKEN: token };
  });
  after(async () => {
    await app.close();
    await w.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('assess prints the summary and ranked gaps and exits 1 while a mandatory provision is not met', async () => {
    w.rules.set('sbom-present', rule('sbom-present', 'not-met'));
    w.rules.set('unique-device-credentials', rule('unique-device-credentials', 'not-met'));
    const r = await run('assess', '--product', 'bulb', '--market', 'eu');
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /^assessment id-\d+ of bulb for market eu/);
    assert.match(r.out, /not met 3,/);
    assert.match(
      r.out,
      /gaps \(\d+\), most important first:\n {2}test-cat P-part \[M\] not-met: fix unique-device-credentials fix sbom-present guidance P-part\n {2}test-cat P-met \[M\] partially-met/,
    );
    assert.match(r.err, /mandatory provision\(s\) not met: test-cat P-part$/m);
  });

  test('assess --json prints the whole assessment; exit 0 when no mandatory provision is not met', async () => {
    w.rules.set('unique-device-credentials', rule('unique-device-credentials', 'met'));
    const r = await run('assess', '--product', 'bulb', '--catalog', 'test-cat', '--json');
    assert.equal(r.code, 0, r.err);
    const a = JSON.parse(r.out) as { productModel: string; results: unknown[]; catalogs: { id: string }[] };
    assert.equal(a.productModel, 'bulb');
    assert.equal(a.results.length, 9);
    assert.deepEqual(
      a.catalogs.map((c) => c.id),
      ['test-cat'],
    );
  });

  test('usage errors exit 2; server refusals exit 1 naming the code', async () => {
    assert.equal((await run('assess', '--product', 'bulb')).code, 2);
    assert.equal((await run('assess', '--product', 'bulb', '--market', 'eu', '--catalog', 'test-cat')).code, 2);
    const unknown = await run('assess', '--product', 'bulb', '--market', 'mars');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /ERR_ASSESSMENT_UNKNOWN_MARKET/);
    assert.equal(
      (await run('evidence', 'add', '--product', 'bulb', '--catalog', 'c', '--provision', 'p', '--outcome', 'great', '--statement', 's'))
        .code,
      2,
    );
  });

  test('evidence add attaches files; the next assessment uses the statement; list, show and diff', async () => {
    writeFileSync(join(dir, 'register.pdf'), '%PDF-1.7 vulnerability register');
    const before = JSON.parse((await run('assess', '--product', 'bulb', '--catalog', 'test-cat', '--json')).out) as { id: string };
    w.advance(1000);
    const added = await run(
      'evidence',
      'add',
      '--product',
      'bulb',
      '--catalog',
      'test-cat',
      '--provision',
      'P-manual',
      '--outcome',
      'met',
      '--statement',
      'A register is kept.',
      '--attach',
      'register.pdf',
      '--json',
    );
    assert.equal(added.code, 0, added.err);
    const m = JSON.parse(added.out) as { attachments: { name: string; mediaType: string; size: number }[] };
    assert.deepEqual(
      m.attachments.map((a) => [a.name, a.mediaType, a.size]),
      [['register.pdf', 'application/pdf', 31]],
    );
    w.advance(1000);
    const later = JSON.parse((await run('assess', '--product', 'bulb', '--catalog', 'test-cat', '--json')).out) as { id: string };
    const list = await run('assess', 'list', '--product', 'bulb');
    assert.equal(list.code, 0, list.err);
    const lines = list.out.trim().split('\n');
    assert.ok(lines[0]?.startsWith(later.id), list.out);
    assert.ok(lines.some((l) => l.startsWith(before.id)));
    const show = await run('assess', 'show', later.id);
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, new RegExp(`^assessment ${later.id} of bulb at `));
    const diff = await run('assess', 'diff', before.id, later.id);
    assert.equal(diff.code, 0, diff.err);
    assert.match(diff.out, /test-cat P-manual: manual-evidence-needed → met — manual evidence id-\d+ added by token:\S+, claiming met/);
  });
});
