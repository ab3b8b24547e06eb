import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { productService } from '../../../src/compliance/products/service.ts';
import { bytesOf, osv, sbomDoc, toyParsers } from './toy-parsers.ts';
import { device, guidHex, lifecycleRelease, type ProductWorld, product, productWorld } from './world.ts';

const DAY = 86_400_000;

describe('vulnerabilities per release, affected devices, deadlines, support period', () => {
  let w: ProductWorld;
  before(async () => {
    w = await productWorld();
    const s = w.service;
    await s.create(product('cam-1', { remediationDays: 30, supportEnd: '2031-02-28' }), 'admin');
    await s.create(product('bulb', { supportEnd: '2031-03-01' }), 'admin');
    await lifecycleRelease(w.store, 'cam-1', '1.0', 1);
    await lifecycleRelease(w.store, 'cam-1', '1.1', 2);
    await s.importSbom(
      'cam-1',
      '1.0',
      sbomDoc([
        { name: 'zlib', version: '1.2', purl: 'pkg:generic/zlib@1.2' },
        { name: 'busybox', version: '1.36' },
      ]),
      'a.json',
      'admin',
    );
    await s.importSbom(
      'cam-1',
      '1.1',
      sbomDoc([
        { name: 'zlib', version: '1.3', purl: 'pkg:generic/zlib@1.3' },
        { name: 'busybox', version: '1.36' },
      ]),
      'b.json',
      'admin',
    );
    await s.importOsv(
      bytesOf([
        osv('OSV-ZLIB', 'zlib', ['1.2'], { published: '2031-01-01T00:00:00Z' }),
        osv('OSV-BB', 'busybox', ['1.36']),
        osv('OSV-GONE', 'busybox', ['1.36'], { withdrawn: '2031-01-02T00:00:00Z' }),
        osv('OSV-OTHER', 'curl', ['8.0']),
      ]),
      'feed.json',
      'admin',
    );
    await device(w.store, 1, 'cam-1', '1.0');
    await device(w.store, 2, 'cam-1', '1.1');
    await device(w.store, 3, 'cam-1');
    await device(w.store, 4, 'bulb');
  });
  after(() => w.close());

  it('lists the matches of a release, withdrawn records left out', async () => {
    const r = await w.service.releaseVulnerabilities('cam-1', '1.0');
    assert.deepEqual(r.matches.map((m) => [m.component.name, m.vulnerability.id, m.applies]).sort(), [
      ['busybox', 'OSV-BB', true],
      ['zlib', 'OSV-ZLIB', true],
    ]);
    const none = await w.service.releaseVulnerabilities('cam-1', '1.1');
    assert.deepEqual(
      none.matches.map((m) => m.vulnerability.id),
      ['OSV-BB'],
    );
  });

  it('lists the devices a vulnerability affects by their verified version, and those of unknown version apart', async () => {
    const zlib = await w.service.affectedDevices('OSV-ZLIB');
    assert.deepEqual(zlib.releases, [{ model: 'cam-1', version: '1.0' }]);
    assert.deepEqual(zlib.devices, [{ guid: guidHex(1), model: 'cam-1', version: '1.0' }]);
    assert.deepEqual(zlib.versionUnknown, [{ guid: guidHex(3), model: 'cam-1' }]);
    const bb = await w.service.affectedDevices('OSV-BB');
    assert.deepEqual(
      bb.devices.map((d) => d.guid),
      [guidHex(1), guidHex(2)],
    );
    assert.deepEqual((await w.service.affectedDevices('OSV-GONE')).devices, []);
    await assert.rejects(
      w.service.affectedDevices('OSV-NONE'),
      (e: unknown) => (e as { code?: string }).code === 'ERR_PRODUCT_VULN_NOT_FOUND',
    );
  });

  it('VEX not_affected overrides a match for the component it names, and the match stays listed with its statement', async () => {
    await w.service.importVex(
      bytesOf({
        author: 'ACME',
        statements: [{ vulnerability: 'OSV-BB', products: ['c1'], status: 'not_affected', justification: 'component_not_present' }],
      }),
      'vex.json',
      'admin',
    );
    const r = await w.service.releaseVulnerabilities('cam-1', '1.1');
    assert.equal(r.matches[0]?.applies, false);
    assert.equal(r.matches[0]?.vex?.status, 'not_affected');
    const bb = await w.service.affectedDevices('OSV-BB');
    assert.deepEqual(bb.releases, []);
    assert.deepEqual(bb.devices, []);
  });

  it('gives the current release’s open vulnerabilities with their deadlines from published, else from import', async () => {
    await w.service.importVex(
      bytesOf({ author: 'ACME', statements: [{ vulnerability: 'OSV-BB', products: ['c1'], status: 'affected' }] }),
      'vex2.json',
      'admin',
    );
    const open = await w.service.openVulnerabilities('cam-1', new Date(w.now.ms));
    assert.equal(open.version, '1.1');
    assert.equal(open.remediationDays, 30);
    assert.deepEqual(
      open.open.map((o) => [o.vulnerability.id, o.deadline.getTime(), o.pastDeadline]),
      [['OSV-BB', w.now.ms + 30 * DAY, false]],
    );
    const later = await w.service.openVulnerabilities('cam-1', new Date(w.now.ms + 31 * DAY));
    assert.equal(later.open[0]?.pastDeadline, true);
  });

  it('lists the devices of products whose support ended before today', async () => {
    const list = await w.service.outOfSupport(new Date(w.now.ms));
    assert.deepEqual(
      list.map((d) => [d.guid, d.model, d.supportEnd]),
      [1, 2, 3].map((n) => [guidHex(n), 'cam-1', '2031-02-28']),
    );
    const view = await w.service.view('cam-1');
    assert.equal(view.outOfSupport, true);
    assert.equal((await w.service.view('bulb')).outOfSupport, false);
    assert.equal((await w.service.outOfSupport(new Date('2031-03-02T00:00:00Z'))).length, 4);
  });

  it('refuses to match a release against part of its candidate records (withdrawn ones count: they are read)', async () => {
    const bounded = (maxCandidates: number) =>
      productService({ store: w.store, parsers: toyParsers, clock: () => new Date(w.now.ms), maxCandidates });
    await assert.rejects(
      bounded(2).releaseVulnerabilities('cam-1', '1.0'),
      (e: unknown) => (e as { code?: string }).code === 'ERR_PRODUCT_TOO_MANY_CANDIDATES',
    );
    assert.equal((await bounded(3).releaseVulnerabilities('cam-1', '1.0')).matches.length, 2);
  });
});
