import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { assessmentService } from '../../../src/compliance/assessment/assessment-service.ts';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '../../../src/compliance/assessment/evidence-limits.ts';
import { PROBE, rule } from './fixtures.ts';
import { PRODUCT, type ServiceWorld, serviceWorld } from './service-world.ts';

const hasCode = (code: string) => (e: unknown) => {
  assert.equal((e as { code?: string }).code, code, String(e));
  return true;
};

const statement = (over: Record<string, unknown> = {}) => ({
  catalog: 'test-cat',
  provision: 'P-manual',
  statement: 'The maker keeps a vulnerability register.',
  outcome: 'met' as const,
  attachments: [],
  ...over,
});

describe('the assessment service', () => {
  let w: ServiceWorld;
  beforeEach(async () => {
    w = await serviceWorld();
  });
  afterEach(async () => {
    await w.store.close();
  });

  test('assesses a market with its catalogs, stores it audited, reads it back the same', async () => {
    const s = assessmentService(w.deps);
    const a = await s.assess('bulb', { market: 'uk' }, 'token:t1');
    assert.equal(a.market, 'uk');
    assert.deepEqual(
      a.catalogs.map((c) => c.id),
      ['test-cat', 'other-cat'],
    );
    assert.deepEqual(await s.get(a.id), a);
    const audit = await w.store.audit.list({ subject: 'bulb' });
    assert.deepEqual(
      audit.items.map((r) => [r.action, r.actor, r.details['id']]),
      [['assessment.created', 'token:t1', a.id]],
    );
    const one = await s.assess('bulb', { catalog: 'other-cat' }, 'admin');
    assert.equal('market' in one, false);
    assert.equal(one.results.length, 2);
  });

  test('refuses an unknown market, catalog or product, and an unknown assessment', async () => {
    const s = assessmentService(w.deps);
    await assert.rejects(s.assess('bulb', { market: 'mars' }, 'admin'), hasCode('ERR_ASSESSMENT_UNKNOWN_MARKET'));
    await assert.rejects(s.assess('bulb', { catalog: 'nope' }, 'admin'), hasCode('ERR_ASSESSMENT_UNKNOWN_CATALOG'));
    await assert.rejects(s.assess('lamp', { market: 'eu' }, 'admin'), hasCode('ERR_ASSESSMENT_UNKNOWN_PRODUCT'));
    await assert.rejects(s.assess('../x', { market: 'eu' }, 'admin'), hasCode('ERR_ASSESSMENT_UNKNOWN_PRODUCT'));
    await assert.rejects(s.get('nope'), hasCode('ERR_ASSESSMENT_NOT_FOUND'));
  });

  test('without ports it still reads, but cannot assess or record (ERR_ASSESSMENT_UNAVAILABLE)', async () => {
    const { ports: _, ...rest } = w.deps;
    const s = assessmentService(rest);
    await assert.rejects(s.assess('bulb', { market: 'eu' }, 'admin'), hasCode('ERR_ASSESSMENT_UNAVAILABLE'));
    await assert.rejects(s.addManualEvidence('bulb', statement(), 'admin'), hasCode('ERR_ASSESSMENT_UNAVAILABLE'));
    await assert.rejects(s.recordProbe('bulb', PROBE, 'admin'), hasCode('ERR_ASSESSMENT_UNAVAILABLE'));
    assert.deepEqual(await s.list('bulb'), { items: [] });
    assert.equal(await s.latestProbe('bulb'), undefined);
  });

  test('manual evidence is recorded audited, with attachment digests, and decides the next assessment', async () => {
    const s = assessmentService(w.deps);
    const before = await s.assess('bulb', { catalog: 'test-cat' }, 'admin');
    w.advance(1000);
    const file = { name: 'register.pdf', mediaType: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.7') };
    const m = await s.addManualEvidence('bulb', statement({ attachments: [file] }), 'token:maker');
    assert.equal(m.productModel, 'bulb');
    assert.equal(m.attachments[0]?.size, 8);
    assert.match(m.attachments[0]?.sha256 ?? '', /^[0-9a-f]{64}$/);
    const audit = await w.store.audit.list({ subject: 'bulb' });
    assert.equal(audit.items.at(-1)?.action, 'evidence.manual.added');
    w.advance(1000);
    w.rules.set('sbom-present', rule('sbom-present', 'met', 'an SBOM now'));
    const after = await s.assess('bulb', { catalog: 'test-cat' }, 'admin');
    assert.equal(after.results.find((r) => r.provision === 'P-manual')?.outcome, 'met');
    const d = await s.diff(before.id, after.id);
    assert.deepEqual(
      d.changes.map((c) => [c.provision, c.before, c.after]),
      [
        ['P-not', 'not-met', 'met'],
        ['P-part', 'partially-met', 'met'],
        ['P-manual', 'manual-evidence-needed', 'met'],
      ],
    );
    const listed = await s.list('bulb');
    assert.deepEqual(
      listed.items.map((x) => x.id),
      [after.id, before.id],
    );
    assert.deepEqual((await s.listManualEvidence('bulb')).items, [m]);
  });

  test('refuses bad manual evidence by field, before storing anything', async () => {
    const s = assessmentService(w.deps);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ provision: 'P-nope' }, 'ERR_ASSESSMENT_MANUAL_EVIDENCE', 'provision'],
      [{ catalog: 'no-cat' }, 'ERR_ASSESSMENT_UNKNOWN_CATALOG', 'catalog'],
      [{ statement: '  ' }, 'ERR_ASSESSMENT_MANUAL_EVIDENCE', 'statement'],
      [{ statement: 'x'.repeat(8001) }, 'ERR_ASSESSMENT_MANUAL_EVIDENCE', 'statement'],
      [{ outcome: 'manual-evidence-needed' }, 'ERR_ASSESSMENT_MANUAL_EVIDENCE', 'outcome'],
      [
        { attachments: [{ name: '../etc/passwd', mediaType: 'text/plain', bytes: new Uint8Array(1) }] },
        'ERR_ASSESSMENT_MANUAL_EVIDENCE',
        'attachments/0/name',
      ],
      [
        { attachments: [{ name: 'a', mediaType: 'text', bytes: new Uint8Array(1) }] },
        'ERR_ASSESSMENT_MANUAL_EVIDENCE',
        'attachments/0/mediaType',
      ],
      [
        { attachments: [{ name: 'a', mediaType: 'text/plain', bytes: new Uint8Array(MAX_ATTACHMENT_BYTES + 1) }] },
        'ERR_ASSESSMENT_ATTACHMENT_TOO_LARGE',
        'attachments/0/content',
      ],
      [
        {
          attachments: Array.from({ length: 4 }, () => ({
            name: 'a',
            mediaType: 'text/plain',
            bytes: new Uint8Array(MAX_ATTACHMENT_BYTES),
          })),
        },
        'ERR_ASSESSMENT_ATTACHMENT_TOO_LARGE',
        'attachments',
      ],
      [
        {
          attachments: Array.from({ length: MAX_ATTACHMENTS + 1 }, () => ({
            name: 'a',
            mediaType: 'text/plain',
            bytes: new Uint8Array(1),
          })),
        },
        'ERR_ASSESSMENT_MANUAL_EVIDENCE',
        'attachments',
      ],
    ];
    for (const [over, code, field] of cases) {
      await assert.rejects(s.addManualEvidence('bulb', statement(over), 'admin'), (e: unknown) => {
        assert.equal((e as { code?: string }).code, code, JSON.stringify(Object.keys(over)));
        assert.equal((e as { field?: string }).field, field);
        return true;
      });
    }
    await assert.rejects(s.addManualEvidence('lamp', statement(), 'admin'), hasCode('ERR_ASSESSMENT_UNKNOWN_PRODUCT'));
    assert.deepEqual((await s.listManualEvidence('bulb')).items, []);
  });

  test('a diff needs two assessments of one product', async () => {
    w.products.set('plug', { ...PRODUCT, model: 'plug' });
    const s = assessmentService(w.deps);
    const a = await s.assess('bulb', { market: 'eu' }, 'admin');
    const b = await s.assess('plug', { market: 'eu' }, 'admin');
    await assert.rejects(s.diff(a.id, b.id), hasCode('ERR_ASSESSMENT_DIFFERENT_PRODUCTS'));
    await assert.rejects(s.diff(a.id, 'nope'), hasCode('ERR_ASSESSMENT_NOT_FOUND'));
    assert.deepEqual(await s.diff(a.id, a.id), { from: a.id, to: a.id, changes: [] });
  });

  test('probe results: checked, recorded audited, the latest read back', async () => {
    const s = assessmentService(w.deps);
    const first = await s.recordProbe('bulb', PROBE, 'token:lab');
    w.advance(10);
    const second = await s.recordProbe('bulb', { ...PROBE, open: [443], unexpected: [] }, 'token:lab');
    assert.deepEqual(first.result, PROBE);
    assert.deepEqual(await s.latestProbe('bulb'), second);
    assert.deepEqual(
      (await s.listProbes('bulb')).items.map((p) => p.id),
      [second.id, first.id],
    );
    const audit = await w.store.audit.list({ subject: 'bulb' });
    assert.deepEqual(
      audit.items.map((r) => r.action),
      ['evidence.probe.recorded', 'evidence.probe.recorded'],
    );
    const bad: [Record<string, unknown>, string][] = [
      [{ protocol: 'udp' }, 'protocol'],
      [{ ports: { from: 2000, to: 1 } }, 'ports'],
      [{ open: [80, 80] }, 'open'],
      [{ open: [70000] }, 'open'],
      [{ allowed: [443, 80] }, 'unexpected'],
      [{ unexpected: [] }, 'open'],
      [{ finishedAt: '2029-01-01T00:00:00Z' }, 'finishedAt'],
      [{ startedAt: 'yesterday' }, 'startedAt'],
      [{ address: '' }, 'address'],
    ];
    for (const [over, field] of bad)
      await assert.rejects(s.recordProbe('bulb', { ...PROBE, ...over }, 'admin'), (e: unknown) => {
        assert.equal((e as { code?: string }).code, 'ERR_ASSESSMENT_PROBE');
        assert.equal((e as { field?: string }).field, field, JSON.stringify(over));
        return true;
      });
    await assert.rejects(s.recordProbe('bulb', null, 'admin'), hasCode('ERR_ASSESSMENT_PROBE'));
    await assert.rejects(s.recordProbe('lamp', PROBE, 'admin'), hasCode('ERR_ASSESSMENT_UNKNOWN_PRODUCT'));
  });
});
