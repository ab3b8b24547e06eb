import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bytesOf, osv, toyParsers } from '../compliance/products/toy-parsers.ts';
import { device, guidHex, lifecycleRelease } from '../compliance/products/world.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp.ts';
import { type ProductApiWorld, productApiWorld } from '../server/api/products-world.ts';

describe('iotopia product|sbom and vuln import against the management API', () => {
  let w: ProductApiWorld;
  const dir = tempDir('iotopia-product-cli-');
  let env: NodeJS.ProcessEnv;
  let url: string;
  before(async () => {
    w = await productApiWorld(toyParsers);
    url = await w.app.listen({ port: 0, host: '127.0.0.1' });
    const clean = { ...process.env };
    delete clean.IOTOPIA_SERVER;
    delete clean.IOTOPIA_TOKEN;
    env = { ...clean, IOTOPIA_SERVER: url, IOTOPIA_TOKEN: w.tokens.owner };
  });
  after(() => w.close());

  const run = (args: string[]) => runCli(args, dir, env);

  test('product create, update, show, list, releases, declare-release, delete', async () => {
    const made = await run([
      'product',
      'create',
      'cam-1',
      '--manufacturer',
      'ACME',
      '--name',
      'Camera',
      '--support-end',
      '2031-02-28',
      '--updatable',
      '--json',
    ]);
    assert.equal(made.code, 0, made.err);
    assert.equal(JSON.parse(made.out).updatable, true);
    assert.equal(JSON.parse(made.out).constrained, false);
    const usage = await run(['product', 'create', 'cam-2', '--name', 'x']);
    assert.equal(usage.code, 2);
    const refused = await run(['product', 'create', 'cam-2', '--manufacturer', 'A', '--name', 'B', '--security-contact', 'tel:1']);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /securityContact: .*\[ERR_PRODUCT_INPUT\]/);
    const changed = await run(['product', 'update', 'cam-1', '--remediation-days', '30', '--no-updatable', '--json']);
    assert.equal(changed.code, 0, changed.err);
    assert.deepEqual(
      [JSON.parse(changed.out).remediationDays, JSON.parse(changed.out).updatable, JSON.parse(changed.out).name],
      [30, false, 'Camera'],
    );
    const shown = await run(['product', 'show', 'cam-1']);
    assert.match(shown.out, /outOfSupport\s+true/);
    const listed = await run(['product', 'list']);
    assert.match(listed.out, /^cam-1 {2}ACME Camera {2}support until 2031-02-28$/m);
    await lifecycleRelease(w.store, 'cam-1', '1.0', 1);
    const declared = await run(['product', 'declare-release', 'cam-1', '--version', '0.9', '--released-at', '2030-01-01']);
    assert.equal(declared.code, 0, declared.err);
    const releases = await run(['product', 'releases', 'cam-1', '--json']);
    assert.deepEqual(
      JSON.parse(releases.out).map((r: { version: string; origin: string }) => [r.version, r.origin]),
      [
        ['1.0', 'lifecycle'],
        ['0.9', 'declared'],
      ],
    );
    await run(['product', 'create', 'tmp', '--manufacturer', 'A', '--name', 'B']);
    assert.equal((await run(['product', 'delete', 'tmp'])).code, 0);
    assert.equal((await run(['product', 'delete', 'tmp'])).code, 1);
  });

  test('sbom import and show, with the media type the file declares', async () => {
    const doc = bytesOf({
      bomFormat: 'CycloneDX',
      format: 'cyclonedx',
      specVersion: '1.6',
      components: [{ ref: 'z', name: 'zlib', version: '1.2', purl: 'pkg:generic/zlib@1.2' }],
    });
    writeFileSync(join(dir, 'bom.cdx.json'), doc);
    const imported = await run(['sbom', 'import', '--product', 'cam-1', '--release', '1.0', 'bom.cdx.json']);
    assert.equal(imported.code, 0, imported.err);
    assert.match(imported.out, /cam-1 1\.0: cyclonedx 1\.6, 1 components/);
    const shown = await run(['sbom', 'show', '--product', 'cam-1', '--release', '1.0']);
    assert.equal(shown.out, new TextDecoder().decode(doc));
    const comps = await run(['sbom', 'show', '--product', 'cam-1', '--release', '1.0', '--components', '--json']);
    assert.deepEqual(
      JSON.parse(comps.out).components.map((c: { name: string }) => c.name),
      ['zlib'],
    );
    writeFileSync(join(dir, 'bad.json'), '{"format":"nope"}');
    const bad = await run(['sbom', 'import', '--product', 'cam-1', '--release', '1.0', 'bad.json']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /ERR_TOY_PARSE/);
    const missing = await run(['sbom', 'show', '--product', 'cam-1', '--release', '0.9']);
    assert.match(missing.err, /ERR_PRODUCT_SBOM_NOT_FOUND/);
  });

  test('vuln import: a directory one file at a time, a refused file reported and the rest imported; --vex', async () => {
    mkdirSync(join(dir, 'osv'));
    writeFileSync(join(dir, 'osv', 'a.json'), bytesOf(osv('OSV-1', 'zlib', ['1.2'])));
    writeFileSync(join(dir, 'osv', 'b.json'), bytesOf([osv('OSV-2', 'zlib', ['1.2']), { id: 'broken' }]));
    writeFileSync(join(dir, 'osv', 'c.json'), bytesOf([osv('OSV-3', 'curl', ['8.0']), osv('OSV-4', 'curl', ['8.1'])]));
    writeFileSync(join(dir, 'osv', 'notes.txt'), 'not read');
    writeFileSync(
      join(dir, 'vex.json'),
      bytesOf({ author: 'ACME', statements: [{ vulnerability: 'OSV-1', products: ['z'], status: 'under_investigation' }] }),
    );
    const r = await run(['vuln', 'import', 'osv', '--vex', 'vex.json', '--json']);
    assert.equal(r.code, 1, r.err);
    const reports = JSON.parse(r.out) as { file: string; ok: boolean; imported?: number; statements?: number }[];
    assert.deepEqual(
      reports.map((x) => [x.file, x.ok, x.imported ?? x.statements ?? null]),
      [
        [join('osv', 'a.json'), true, 1],
        [join('osv', 'b.json'), false, null],
        [join('osv', 'c.json'), true, 2],
        ['vex.json', true, 1],
      ],
    );
    assert.equal(await w.store.vulnerabilities.countOsv(), 3);
    assert.equal(await w.store.vulnerabilities.getOsv('OSV-2'), undefined);
    await device(w.store, 1, 'cam-1', '1.0');
    const oos = await run(['product', 'out-of-support', '--json']);
    assert.deepEqual(
      JSON.parse(oos.out).map((d: { guid: string }) => d.guid),
      [guidHex(1)],
    );
  });
});
