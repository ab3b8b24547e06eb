import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lifecycleRelease, type ProductWorld, product, productWorld } from './world.ts';

const code = (c: string) => (e: unknown) => {
  assert.equal((e as { code?: string }).code, c, String(e));
  return true;
};

describe('products: validation, changes audited, releases merged', () => {
  let w: ProductWorld;
  before(async () => {
    w = await productWorld();
  });
  after(() => w.close());

  it('refuses each malformed field with ERR_PRODUCT_INPUT naming it', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ model: '-bad' }, 'model'],
      [{ model: 'x'.repeat(129) }, 'model'],
      [{ model: 'out-of-support' }, 'model'],
      [{ name: '' }, 'name'],
      [{ mudUrl: 'http://mud.example.com/x.json' }, 'mudUrl'],
      [{ disclosurePolicyUrl: 'ftp://example.com/' }, 'disclosurePolicyUrl'],
      [{ securityContact: 'tel:+1555' }, 'securityContact'],
      [{ securityContact: 'mailto:' }, 'securityContact'],
      [{ supportEnd: '2031-02-30' }, 'supportEnd'],
      [{ supportEnd: '31.12.2031' }, 'supportEnd'],
      [{ updatable: 'yes' }, 'updatable'],
      [{ remediationDays: 0 }, 'remediationDays'],
      [{ remediationDays: 1.5 }, 'remediationDays'],
    ];
    for (const [change, field] of cases)
      await assert.rejects(w.service.create({ ...product('cam-1'), ...change } as never, 'admin'), (e: unknown) => {
        code('ERR_PRODUCT_INPUT')(e);
        assert.match((e as Error).message, new RegExp(`^${field}:`));
        return true;
      });
    assert.equal((await w.store.products.list()).items.length, 0);
  });

  it('creates, refuses a second of the model, updates, lists, deletes; each change audited', async () => {
    const made = await w.service.create(
      product('cam-1', {
        securityContact: 'mailto:psirt@example.com',
        supportEnd: '2032-12-31',
        disclosurePolicyUrl: 'https://example.com/vdp',
      }),
      'token:t1',
    );
    assert.equal(made.model, 'cam-1');
    assert.equal(made.supportEnd, '2032-12-31');
    assert.equal(made.createdAt.getTime(), w.now.ms);
    await assert.rejects(w.service.create(product('cam-1'), 'admin'), code('ERR_PRODUCT_EXISTS'));
    const changed = await w.service.update(product('cam-1', { supportEnd: '2033-06-30', remediationDays: 30 }), 'token:t2');
    assert.equal(changed.supportEnd, '2033-06-30');
    assert.equal(changed.securityContact, undefined);
    assert.equal(changed.remediationDays, 30);
    await assert.rejects(w.service.update(product('nope'), 'admin'), code('ERR_PRODUCT_NOT_FOUND'));
    await assert.rejects(w.service.get('nope'), code('ERR_PRODUCT_NOT_FOUND'));
    const audit = (await w.store.audit.list({ subject: 'product:cam-1' })).items;
    assert.deepEqual(
      audit.map((a) => [a.actor, a.action]),
      [
        ['token:t1', 'product.created'],
        ['token:t2', 'product.updated'],
      ],
    );
    assert.deepEqual((audit[1]?.details['changed'] as Record<string, unknown> | undefined)?.['supportEnd'], {
      from: '2032-12-31',
      to: '2033-06-30',
    });
    await w.service.create(product('bulb'), 'admin');
    assert.deepEqual(
      (await w.service.list()).items.map((p) => p.model),
      ['bulb', 'cam-1'],
    );
    await w.service.delete('bulb', 'admin');
    await assert.rejects(w.service.delete('bulb', 'admin'), code('ERR_PRODUCT_NOT_FOUND'));
  });

  it('merges lifecycle and declared releases; the current one is the newest published by sequence, else the newest declared by date', async () => {
    await w.service.create(product('hub'), 'admin');
    assert.equal(await w.service.currentRelease('hub'), undefined);
    await w.service.declareRelease('hub', '0.8', new Date('2030-05-01T00:00:00Z'), 'admin');
    await w.service.declareRelease('hub', '0.9', new Date('2030-09-01T00:00:00Z'), 'admin');
    await w.service.declareRelease('hub', '0.10', new Date('2030-07-01T00:00:00Z'), 'admin');
    assert.equal((await w.service.currentRelease('hub'))?.version, '0.9');
    await assert.rejects(w.service.declareRelease('hub', '0.9', undefined, 'admin'), code('ERR_PRODUCT_RELEASE_EXISTS'));
    await assert.rejects(w.service.declareRelease('hub', '/bad', undefined, 'admin'), code('ERR_PRODUCT_INPUT'));
    await assert.rejects(w.service.declareRelease('none', '1.0', undefined, 'admin'), code('ERR_PRODUCT_NOT_FOUND'));
    await lifecycleRelease(w.store, 'hub', '1.0', 5);
    await lifecycleRelease(w.store, 'hub', '1.1', 7);
    await lifecycleRelease(w.store, 'hub', '2.0-rc', 9, 'draft');
    assert.deepEqual((await w.service.currentRelease('hub'))?.version, '1.1');
    await assert.rejects(w.service.declareRelease('hub', '1.0', undefined, 'admin'), code('ERR_PRODUCT_RELEASE_EXISTS'));
    const all = await w.service.releases('hub');
    assert.deepEqual(
      all.map((r) => [r.version, r.origin]),
      [
        ['1.0', 'lifecycle'],
        ['1.1', 'lifecycle'],
        ['2.0-rc', 'lifecycle'],
        ['0.10', 'declared'],
        ['0.8', 'declared'],
        ['0.9', 'declared'],
      ],
    );
    assert.equal(all[0]?.releaseId, 'hub-1.0');
    await assert.rejects(w.service.findRelease('hub', '3.0'), code('ERR_PRODUCT_RELEASE_NOT_FOUND'));
  });
});
