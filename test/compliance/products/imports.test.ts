import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bytesOf, osv, sbomDoc } from './toy-parsers.ts';
import { lifecycleRelease, type ProductWorld, product, productWorld } from './world.ts';

const code = (c: string) => (e: unknown) => {
  assert.equal((e as { code?: string }).code, c, String(e));
  return true;
};

describe('imports: one transaction per file, audited, nothing partial', () => {
  let w: ProductWorld;
  before(async () => {
    w = await productWorld(undefined, 4096);
    await w.service.create(product('cam-1'), 'admin');
    await lifecycleRelease(w.store, 'cam-1', '1.0', 1);
  });
  after(() => w.close());

  it('imports an SBOM for an existing release only, replaces it audited, refuses oversized and malformed files', async () => {
    await assert.rejects(w.service.importSbom('cam-1', '9.9', sbomDoc([]), 'bom.json', 'admin'), code('ERR_PRODUCT_RELEASE_NOT_FOUND'));
    const first = await w.service.importSbom('cam-1', '1.0', sbomDoc([{ name: 'openssl', version: '3.0.1' }]), 'bom.json', 'admin');
    assert.equal(first.componentCount, 1);
    const second = await w.service.importSbom(
      'cam-1',
      '1.0',
      sbomDoc([
        { name: 'openssl', version: '3.0.2' },
        { name: 'zlib', version: '1.3' },
      ]),
      'bom2.json',
      'token:x',
    );
    assert.equal(second.componentCount, 2);
    const audit = (await w.store.audit.list({ subject: 'product:cam-1' })).items.filter((a) => a.action.startsWith('sbom.'));
    assert.deepEqual(
      audit.map((a) => [a.action, a.actor, a.details['replacedDigest']]),
      [
        ['sbom.imported', 'admin', undefined],
        ['sbom.replaced', 'token:x', first.digest],
      ],
    );
    await assert.rejects(w.service.importSbom('cam-1', '1.0', new Uint8Array(4097), 'huge.json', 'admin'), (e: unknown) => {
      code('ERR_PRODUCT_FILE_TOO_LARGE')(e);
      assert.match((e as Error).message, /huge\.json/);
      return true;
    });
    await assert.rejects(w.service.importSbom('cam-1', '1.0', bytesOf({ format: 'other' }), 'bad.json', 'admin'), code('ERR_TOY_PARSE'));
    assert.equal((await w.service.getSbom('cam-1', '1.0')).info.digest, second.digest);
    assert.deepEqual(
      (await w.service.sbomComponents('cam-1', '1.0')).components.map((c) => c.name),
      ['openssl', 'zlib'],
    );
  });

  it('imports an OSV array in one transaction: a bad entry imports none of the file', async () => {
    const before = await w.store.vulnerabilities.countOsv();
    const file = bytesOf([osv('OSV-A', 'zlib', ['1.3']), { id: 'OSV-B', affected: [] }, osv('OSV-C', 'zlib', ['1.2'])]);
    await assert.rejects(w.service.importOsv(file, 'feed.json', 'admin'), (e: unknown) => {
      code('ERR_TOY_PARSE')(e);
      assert.match((e as Error).message, /feed\.json\[1\]/);
      return true;
    });
    assert.equal(await w.store.vulnerabilities.countOsv(), before);
    await assert.rejects(
      w.service.importOsv(bytesOf([osv('D', 'x', []), osv('D', 'x', [])]), 'dup.json', 'admin'),
      code('ERR_PRODUCT_IMPORT'),
    );
    await assert.rejects(w.service.importOsv(new TextEncoder().encode('[{"id":'), 'cut.json', 'admin'), code('ERR_PRODUCT_IMPORT'));
    assert.equal(await w.store.vulnerabilities.countOsv(), before);
    const ok = await w.service.importOsv(bytesOf([osv('OSV-A', 'zlib', ['1.3']), osv('OSV-C', 'zlib', ['1.2'])]), 'feed.json', 'admin');
    assert.deepEqual(
      ok.imported.map((r) => [r.id, r.replaced]),
      [
        ['OSV-A', false],
        ['OSV-C', false],
      ],
    );
    const single = await w.service.importOsv(
      bytesOf(osv('OSV-A', 'zlib', ['1.3'], { modified: '2029-01-01T00:00:00Z' })),
      'old.json',
      'admin',
    );
    assert.deepEqual(
      single.kept.map((k) => k.id),
      ['OSV-A'],
    );
    assert.equal(await w.store.vulnerabilities.countOsv(), before + 2);
  });

  it('imports VEX statements audited one by one; a malformed document imports nothing', async () => {
    await assert.rejects(w.service.importVex(bytesOf({ author: 'ACME' }), 'vex.json', 'admin'), code('ERR_TOY_PARSE'));
    assert.equal(await w.store.vulnerabilities.countVex(), 0);
    const r = await w.service.importVex(
      bytesOf({
        author: 'ACME PSIRT',
        statements: [
          { vulnerability: 'OSV-A', products: ['c1'], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' },
        ],
      }),
      'vex.json',
      'token:v',
    );
    assert.equal(r.statements, 1);
    const audit = (await w.store.audit.list({ subject: 'vulnerability:OSV-A' })).items;
    assert.deepEqual(
      audit.map((a) => [a.actor, a.action, a.details['status'], a.details['author'], a.details['document']]),
      [['token:v', 'vex.imported', 'not_affected', 'ACME PSIRT', 'vex.json']],
    );
  });
});
