import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { forEachDialect } from './dialects.ts';
import { drain, hasCode, movableClock, withStore } from './shared.ts';

forEachDialect((make) => {
  test('products: create, get, update, list by model, support ended, declared releases, delete', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const made = await store.products.create({ model: 'cam-1', document: { name: 'Cam' }, supportEnd: '2029-12-31' });
        assert.deepEqual(made, {
          model: 'cam-1',
          document: { name: 'Cam' },
          supportEnd: '2029-12-31',
          createdAt: new Date(c.now()),
          updatedAt: new Date(c.now()),
        });
        await assert.rejects(store.products.create({ model: 'cam-1', document: {} }), hasCode('ERR_STORE_DUPLICATE'));
        await store.products.create({ model: 'bulb', document: { name: 'Bulb' } });
        await store.products.create({ model: 'plug', document: { name: 'Plug' }, supportEnd: '2031-01-01' });
        c.advance(1000);
        const changed = await store.products.update({ model: 'bulb', document: { name: 'Bulb 2' }, supportEnd: '2028-06-30' });
        assert.equal(changed?.updatedAt.getTime(), c.now());
        assert.deepEqual(changed?.document, { name: 'Bulb 2' });
        assert.equal(await store.products.update({ model: 'nope', document: {} }), undefined);
        const pages = await drain((after) => store.products.list({ limit: 2, ...(after === undefined ? {} : { after }) }));
        assert.deepEqual(
          pages.map((p) => p.map((x) => x.model)),
          [['bulb', 'cam-1'], ['plug']],
        );
        assert.deepEqual(
          (await store.products.supportEndedBefore('2030-01-01')).map((p) => p.model),
          ['bulb', 'cam-1'],
        );
        assert.deepEqual(await store.products.supportEndedBefore('2028-06-30'), []);
        const r = await store.products.declareRelease({ model: 'cam-1', version: '1.0.0', releasedAt: new Date(5000) });
        assert.deepEqual(r, { model: 'cam-1', version: '1.0.0', releasedAt: new Date(5000), createdAt: new Date(c.now()) });
        await assert.rejects(store.products.declareRelease({ model: 'cam-1', version: '1.0.0' }), hasCode('ERR_STORE_DUPLICATE'));
        await store.products.declareRelease({ model: 'cam-1', version: '0.9' });
        assert.deepEqual(
          (await store.products.declaredReleases('cam-1')).map((x) => [x.version, x.releasedAt?.getTime()]),
          [
            ['0.9', undefined],
            ['1.0.0', 5000],
          ],
        );
        assert.equal(await store.products.delete('cam-1'), true);
        assert.equal(await store.products.delete('cam-1'), false);
        assert.equal(await store.products.get('cam-1'), undefined);
        assert.deepEqual(await store.products.declaredReleases('cam-1'), []);
      },
      c.clock,
    );
  });

  test('sboms: one per release, replaced whole, components in document order, bytes kept', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const bytes = new TextEncoder().encode('{"bomFormat":"CycloneDX"}');
        const components = Array.from({ length: 1203 }, (_, i) => ({
          ref: `c${i}`,
          name: `lib${i}`,
          ...(i % 2 === 0 ? { version: `1.${i}`, purl: `pkg:npm/lib${i}@1.${i}` } : {}),
          ...(i === 0 ? { supplier: 'ACME', licenses: ['MIT', 'Apache-2.0'] } : {}),
        }));
        const input = {
          model: 'cam-1',
          version: '1.0',
          format: 'cyclonedx',
          specVersion: '1.6',
          serial: 'urn:uuid:1',
          source: 'bom.json',
          bytes,
          importedBy: 'admin',
          components,
        };
        const first = await store.sboms.put(input);
        assert.equal(first.replaced, undefined);
        assert.equal(first.stored.digest, createHash('sha256').update(bytes).digest('hex'));
        assert.equal(first.stored.size, bytes.length);
        assert.equal(first.stored.componentCount, 1203);
        assert.equal(first.stored.importedAt.getTime(), c.now());
        assert.deepEqual(await store.sboms.components('cam-1', '1.0'), components);
        assert.deepEqual((await store.sboms.bytes('cam-1', '1.0'))?.bytes, bytes);
        c.advance(10);
        const second = await store.sboms.put({ ...input, format: 'spdx', specVersion: '2.3', components: components.slice(0, 2) });
        assert.equal(second.replaced?.id, first.stored.id);
        assert.notEqual(second.stored.id, first.stored.id);
        assert.equal((await store.sboms.info('cam-1', '1.0'))?.format, 'spdx');
        assert.equal((await store.sboms.components('cam-1', '1.0')).length, 2);
        await store.sboms.put({ ...input, version: '0.9', components: [] });
        assert.deepEqual(
          (await store.sboms.ofModel('cam-1')).map((s) => [s.version, s.componentCount]),
          [
            ['0.9', 0],
            ['1.0', 2],
          ],
        );
        assert.equal(await store.sboms.info('cam-1', '2.0'), undefined);
        assert.deepEqual(await store.sboms.components('cam-1', '2.0'), []);
      },
      c.clock,
    );
  });

  test('vulnerabilities: OSV records by package name, replaced with their index; VEX in import order', async () => {
    const c = movableClock();
    await withStore(
      make,
      async (store) => {
        const rec = (id: string, names: string[]) => ({
          id,
          modified: '2030-01-01T00:00:00Z',
          published: '2029-01-01T00:00:00Z',
          document: { id, affected: names },
          packages: names.map((name) => ({ ecosystem: 'npm', name })),
          source: 'osv.json',
          importedBy: 'admin',
        });
        assert.deepEqual(await store.vulnerabilities.putOsv(rec('OSV-1', ['a', 'b'])), {});
        await store.vulnerabilities.putOsv(rec('OSV-2', ['b']));
        await store.vulnerabilities.putOsv({
          ...rec('OSV-3', ['c']),
          packages: [
            { ecosystem: 'PyPI', name: 'c' },
            { ecosystem: 'npm', name: 'c' },
          ],
        });
        assert.deepEqual(
          (await store.vulnerabilities.candidates(['b', 'zz'], 10)).map((r) => r.id),
          ['OSV-1', 'OSV-2'],
        );
        assert.deepEqual(
          (await store.vulnerabilities.candidates(['c'], 10)).map((r) => r.id),
          ['OSV-3'],
        );
        const replaced = await store.vulnerabilities.putOsv({ ...rec('OSV-1', ['c']), withdrawn: '2030-02-01T00:00:00Z' });
        assert.deepEqual(replaced.previous?.document, { id: 'OSV-1', affected: ['a', 'b'] });
        assert.deepEqual(
          (await store.vulnerabilities.candidates(['a', 'b'], 10)).map((r) => r.id),
          ['OSV-2'],
        );
        const got = await store.vulnerabilities.getOsv('OSV-1');
        assert.equal(got?.withdrawn, '2030-02-01T00:00:00Z');
        assert.equal(got?.importedAt.getTime(), c.now());
        assert.equal(await store.vulnerabilities.countOsv(), 3);
        const many = Array.from({ length: 600 }, (_, i) => `n${i}`);
        assert.deepEqual(await store.vulnerabilities.candidates(many, 10), []);

        const st = (vulnerability: string, status: string) => ({
          vulnerability,
          statement: { vulnerability, status },
          document: 'vex.json',
          author: 'ACME',
          importedBy: 'admin',
        });
        await store.vulnerabilities.addVex([st('CVE-1', 'under_investigation'), st('CVE-2', 'fixed')]);
        c.advance(1);
        await store.vulnerabilities.addVex([st('CVE-1', 'not_affected')]);
        const found = await store.vulnerabilities.vexFor(['CVE-1', 'OSV-9']);
        assert.deepEqual(
          found.map((s) => s.statement['status']),
          ['under_investigation', 'not_affected'],
        );
        assert.equal(found[0]?.author, 'ACME');
        assert.equal(await store.vulnerabilities.countVex(), 3);
      },
      c.clock,
    );
  });

  test('products: a transaction that throws leaves no SBOM, OSV record or VEX statement behind', async () => {
    await withStore(make, async (store) => {
      await assert.rejects(
        store.transaction(async (r) => {
          await r.sboms.put({
            model: 'm',
            version: '1',
            format: 'spdx',
            specVersion: '2.3',
            source: 's',
            bytes: Uint8Array.of(1),
            importedBy: 'a',
            components: [{ ref: 'x', name: 'x' }],
          });
          await r.vulnerabilities.putOsv({
            id: 'O',
            modified: 'x',
            document: {},
            packages: [{ ecosystem: 'npm', name: 'x' }],
            source: 's',
            importedBy: 'a',
          });
          await r.vulnerabilities.addVex([{ vulnerability: 'O', statement: {}, document: 'd', importedBy: 'a' }]);
          throw new Error('late failure');
        }),
        /late failure/,
      );
      assert.equal(await store.sboms.info('m', '1'), undefined);
      assert.equal(await store.vulnerabilities.countOsv(), 0);
      assert.equal(await store.vulnerabilities.countVex(), 0);
      assert.deepEqual(await store.vulnerabilities.candidates(['x'], 10), []);
    });
  });
});
