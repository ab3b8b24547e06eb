/**
 * The compliance proof. A reference product, the lamp, has a fleet made through FDO, MUD and SUIT
 * (reference-fleet.ts: DI and TO2, its signed MUD file enforced, a signed release installed through
 * a campaign); its maker registers it (disclosure policy, support period), imports its SBOM and OSV
 * records, and probes the test device's open ports in its network namespace against its MUD file.
 * Assessed against ETSI EN 303 645 v3 through `iotopia assess`, it meets every provision software
 * can judge. Then each piece of evidence is taken away in turn: live, through the API, for an open
 * vulnerability past its deadline and an unexpected open port; and for every evidence rule, from the facts the server's own store gives. Each removal flips exactly
 * the provisions that rest on it. Needs root, ip, nft, dnsmasq, busybox.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeCoseKey } from '../../src/codec/cose/key.ts';
import { assessProduct } from '../../src/compliance/assessment/assess-product.ts';
import { productFacts } from '../../src/compliance/assessment/assessment-service.ts';
import type { Assessment } from '../../src/compliance/assessment/result-types.ts';
import { catalogIds, loadCatalog } from '../../src/compliance/catalogs/load-catalogs.ts';
import { complianceServices } from '../../src/compliance/compliance-services.ts';
import { evaluateRules } from '../../src/compliance/evidence/evaluate-rules.ts';
import type { EvidenceFacts } from '../../src/compliance/evidence/evidence-facts.ts';
import type { EvidenceRuleId } from '../../src/compliance/evidence/rule-ids.ts';
import { updateTrustAnchors } from '../../src/lifecycle/releases/update-authority.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { REMOVALS } from '../compliance/evidence/removals.ts';
import { skipReason, Topology, toolMissing } from '../helpers/netns.ts';
import { tempDir } from '../helpers/temp.ts';
import { DEVICE_MAC, LAMP, MUD_URL } from './intent-gateway.ts';
import { MODEL, makeReferenceFleet, type ReferenceFleet } from './reference-fleet.ts';

const skip = skipReason() || toolMissing('nft') || toolMissing('dnsmasq') || toolMissing('busybox', ['true']);
const CATALOG = 'en303645-v3';
const SBOM = new URL('../fixtures/compliance/sbom/cyclonedx-1.6-valid-bom.json', import.meta.url).pathname;
/** The SBOM's component the test's OSV records name (CycloneDX's own 1.6 example). */
const COMPONENT = { ecosystem: 'Maven', name: 'com.acme:tomcat-catalina', purl: 'pkg:maven/com.acme/tomcat-catalina@9.0.14?packaging=jar' };
const CHROMIUM = existsSync('/usr/bin/chromium');

const osvRecord = (id: string, versions: string[], published: string) => ({
  schema_version: '1.6.0',
  id,
  modified: published,
  published,
  summary: `test record ${id}`,
  affected: [{ package: { ecosystem: COMPONENT.ecosystem, name: COMPONENT.name }, versions }],
});

/** Provision key → outcome. */
const outcomes = (a: Pick<Assessment, 'results'>) => new Map(a.results.map((r) => [`${r.catalog} ${r.provision}`, r.outcome]));

/** The provisions a removal of evidence read by `rules` must flip: those met before that rest on one of them. */
function restingOn(base: Pick<Assessment, 'results'>, rules: readonly EvidenceRuleId[]): string[] {
  return base.results
    .filter((r) => r.outcome === 'met' && r.rules.some((x) => rules.includes(x.rule)))
    .map((r) => `${r.catalog} ${r.provision}`)
    .sort();
}

/** The provisions whose outcome differs, each of which must have moved away from met. */
function flipped(base: Pick<Assessment, 'results'>, now: Pick<Assessment, 'results'>): string[] {
  const before = outcomes(base);
  const changed = [...outcomes(now)].filter(([k, o]) => before.get(k) !== o);
  for (const [k, o] of changed) assert.notEqual(o, 'met', `${k} became met`);
  return changed.map(([k]) => k).sort();
}

describe('a reference product made through FDO, MUD and SUIT, assessed against EN 303 645 v3', { skip }, () => {
  const dir = tempDir('iotopia-compliance-');
  let net: Topology | undefined;
  let fleet: ReferenceFleet | undefined;
  let baseline: Assessment;
  after(() => net?.destroy());

  const cli = (args: string[], code = 0) => (fleet as ReferenceFleet).cli(args, code);
  const assess = (code = 0) => cli(['assess', '--product', MODEL, '--catalog', CATALOG], code) as Assessment;
  /** Every TCP port of the lamp from the gateway (its own link), kept as the product's evidence. */
  const probe = (code: number, ports = '1-65535') =>
    cli(
      [
        'probe',
        '--address',
        (fleet as ReferenceFleet).address,
        '--mud',
        'lamp.json',
        '--ports',
        ports,
        '--concurrency',
        '1024',
        '--record',
        MODEL,
      ],
      code,
    );

  before(async () => {
    net = new Topology({ deviceMac: DEVICE_MAC, deviceAddresses: false });
    fleet = await makeReferenceFleet(net, dir);
    cli([
      ...['product', 'create', MODEL, '--manufacturer', 'IoTopia reference maker', '--name', 'Reference lamp'],
      ...['--mud-url', MUD_URL, '--disclosure-policy', 'https://lamp.example.com/security'],
      ...['--security-contact', 'mailto:security@lamp.example.com', '--support-end', '2031-12-31', '--support-published'],
      ...['--updatable', '--no-constrained', '--no-uses-passwords', '--no-user-interface', '--no-personal-data'],
    ]);
    copyFileSync(SBOM, join(dir, 'lamp-2.0.0.cdx.json'));
    cli(['sbom', 'import', '--product', MODEL, '--release', '2.0.0', 'lamp-2.0.0.cdx.json']);
    mkdirSync(join(dir, 'osv'));
    // A record of the component for another version: matching reads it and finds nothing open.
    writeFileSync(join(dir, 'osv', 'earlier.json'), JSON.stringify(osvRecord('IOTOPIA-TEST-1', ['9.0.13'], '2024-01-01T00:00:00Z')));
    cli(['vuln', 'import', 'osv']);
    writeFileSync(join(dir, 'lamp.json'), JSON.stringify(LAMP));
    probe(0);
    const reports = ['--html', 'report.html', '--ics', 'ics.csv', ...(CHROMIUM ? ['--pdf', 'report.pdf'] : [])];
    baseline = cli(['assess', '--product', MODEL, '--catalog', CATALOG, ...reports]) as Assessment;
  });

  test('the lamp runs the release its verified SUIT report proved, under its enforced MUD file', () => {
    const f = fleet as ReferenceFleet;
    const device = f.gateway.api('GET', `/devices/${f.guid}`).json as { firmware?: { version?: string } };
    assert.equal(device.firmware?.version, '2.0.0');
    const view = f.gateway.api('GET', `/intent/devices/${DEVICE_MAC}`).json as { state?: string };
    assert.equal(view.state, 'enforced');
  });

  test('every provision of EN 303 645 v3 that software can judge is met', () => {
    const judged = baseline.results.filter((r) => r.rules.length > 0);
    const open = judged.filter(
      (r) =>
        !(r.outcome === 'met' || r.outcome === 'not-applicable' || (r.outcome === 'manual-evidence-needed' && r.condition !== undefined)),
    );
    assert.deepEqual(
      open.map((r) => `${r.provision} ${r.outcome}: ${r.rules.map((x) => `${x.rule} ${x.outcome} ${x.detail}`).join('; ')}`),
      [],
    );
    for (const r of judged.filter((x) => x.outcome === 'met'))
      assert.ok(
        r.rules.every((x) => x.outcome === 'met'),
        r.provision,
      );

    assert.ok(judged.filter((x) => x.outcome === 'met').length >= 10, 'met provisions');
  });

  test('the reports: HTML, the EN 303 645 ICS as CSV, and the PDF when Chromium is here', (t) => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(html, /^<!DOCTYPE html>/i);
    for (const r of baseline.results.slice(0, 5)) assert.ok(html.includes(r.provision), r.provision);
    const csv = readFileSync(join(dir, 'ics.csv'), 'utf8').split('\r\n');
    assert.match(csv[0] ?? '', /provision/i);
    assert.ok(csv.some((l) => l.startsWith('5.1-1,')));
    if (!CHROMIUM) return t.skip('no /usr/bin/chromium: the PDF was not asked for');
    assert.equal(readFileSync(join(dir, 'report.pdf')).subarray(0, 5).toString(), '%PDF-');
  });

  test('an open vulnerability past its deadline flips exactly the provisions vulnerabilities-remediated judges; VEX not_affected restores them', () => {
    writeFileSync(join(dir, 'osv', 'late.json'), JSON.stringify(osvRecord('IOTOPIA-TEST-2', ['9.0.14'], '2024-01-01T00:00:00Z')));
    cli(['vuln', 'import', join('osv', 'late.json')]);
    const expected = restingOn(baseline, ['vulnerabilities-remediated']);
    assert.ok(expected.length > 0);
    assert.deepEqual(flipped(baseline, assess()), expected);
    const vex = {
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'https://lamp.example.com/vex/2',
      author: 'IoTopia reference maker',
      timestamp: '2026-01-01T00:00:00Z',
      version: 1,
      statements: [
        {
          vulnerability: { name: 'IOTOPIA-TEST-2' },
          products: [{ '@id': COMPONENT.purl }],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
        },
      ],
    };
    writeFileSync(join(dir, 'lamp.vex.json'), JSON.stringify(vex));
    cli(['vuln', 'import', '--vex', 'lamp.vex.json']);
    assert.deepEqual(flipped(baseline, assess()), []);
  });

  test('an open port the MUD file does not allow flips exactly the provisions open-ports-match-mud judges', async () => {
    const n = net as Topology;
    const server = await n.serve('device', { tcp: [2323] });
    try {
      // An unexpected open port fails the rule whatever the range; a short one finds it sooner.
      probe(1, '2300-2399');
      assert.deepEqual(flipped(baseline, assess()), restingOn(baseline, ['open-ports-match-mud']));
    } finally {
      server.kill();
    }
    await new Promise((r) => server.once('exit', r));
    probe(0);
    assert.deepEqual(flipped(baseline, assess()), []);
  });

  describe('each piece of evidence taken from the facts the server holds, across every catalog', () => {
    let store: Store | undefined;
    let facts: EvidenceFacts;
    let assessAll: (f: EvidenceFacts) => Pick<Assessment, 'results'>;
    before(async () => {
      const dataDir = join(dir, 'server');
      const kek = new Uint8Array(Buffer.from(readFileSync(join(dataDir, 'master.key'), 'utf8').trim(), 'hex'));
      store = await openStore({ path: join(dataDir, 'iotopia.db') }, { kek });
      const s = store;
      const services = complianceServices({
        store: s,
        clock: () => new Date(),
        platform: { keysSealed: { sealed: true, backend: 'secret-box' }, tls: { deviceApi: true, managementApi: true } },
        updateAnchors: (await updateTrustAnchors(s.keys)).map(decodeCoseKey),
      });
      facts = await services.facts(MODEL, new Date());
      const product = (await services.products.get(MODEL)) ?? assert.fail('no product');
      const catalogs = catalogIds().map(loadCatalog);
      assessAll = (f) =>
        assessProduct({
          id: 'facts',
          model: MODEL,
          catalogs,
          productFacts: productFacts(product),
          ruleResults: evaluateRules(f),
          manual: [],
          at: new Date(),
        });
    });
    after(() => store?.close());

    test('the facts of the live fleet meet every evidence rule', () => {
      const unmet = [...evaluateRules(facts).values()].filter((r) => r.outcome !== 'met');
      assert.deepEqual(
        unmet.map((r) => `${r.rule}: ${r.detail}`),
        [],
      );
    });

    for (const removal of REMOVALS)
      test(`without ${removal.evidence}: exactly the provisions resting on ${removal.flips.join(' and ')} flip`, () => {
        const base = assessAll(facts);
        const without = structuredClone(facts);
        removal.remove(without);
        const expected = restingOn(base, removal.flips);
        assert.ok(expected.length > 0, `some catalog provision rests on ${removal.flips.join(', ')}`);
        assert.deepEqual(flipped(base, assessAll(without)), expected);
      });
  });
});
