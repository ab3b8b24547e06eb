/**
 * Compliance for the demo: a product per model (support period, disclosure policy, its MUD
 * file), a declared release with a CycloneDX SBOM written here, OSV records written here for some
 * of its components (offline; the IDs are the demo's own, about made-up packages), and one
 * product assessed for two markets.
 */
import { randomUUID } from 'node:crypto';
import type { DemoApi } from './api.ts';
import { DEMO_DOMAIN, DEMO_MAKER, type DemoModel, mudUrlOf } from './models.ts';

export const DECLARED_VERSION = '1.0.0';

/** The packages the demo's firmware is built from (crates), with the versions each model ships. */
const PACKAGES = [
  { name: 'demo-mqtt-client', version: '0.9.2' },
  { name: 'demo-tls-stack', version: '2.4.1' },
  { name: 'demo-json-parser', version: '1.0.7' },
  { name: 'demo-ota-agent', version: '3.1.0' },
];

const purl = (p: { name: string; version: string }) => `pkg:cargo/${p.name}@${p.version}`;

/** The CycloneDX 1.6 SBOM of a model's firmware. */
export function sbomOf(m: DemoModel, version: string, now: Date): Record<string, unknown> {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: now.toISOString(),
      component: { type: 'firmware', 'bom-ref': m.model, name: m.model, version, supplier: { name: DEMO_MAKER } },
    },
    components: PACKAGES.map((p) => ({ type: 'library', 'bom-ref': purl(p), name: p.name, version: p.version, purl: purl(p) })),
  };
}

/** OSV records for two of the packages: versions before the fix are affected. */
export function osvRecords(now: Date): Record<string, unknown>[] {
  const published = new Date(now.getTime() - 30 * 24 * 3_600_000).toISOString();
  const record = (id: string, name: string, fixed: string, summary: string) => ({
    schema_version: '1.6.0',
    id,
    modified: published,
    published,
    summary,
    affected: [{ package: { ecosystem: 'crates.io', name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed }] }] }],
  });
  return [
    record('IOTOPIA-DEMO-0001', 'demo-mqtt-client', '0.9.5', 'demo-mqtt-client: a crafted CONNACK overflows the topic buffer'),
    record(
      'IOTOPIA-DEMO-0002',
      'demo-tls-stack',
      '2.5.0',
      'demo-tls-stack: certificate chains are accepted without the basic constraints check',
    ),
    record(
      'IOTOPIA-DEMO-0003',
      'demo-json-parser',
      '1.0.3',
      'demo-json-parser: deep nesting exhausts the stack (fixed before the version shipped)',
    ),
  ];
}

export async function createProducts(api: DemoApi, models: readonly DemoModel[], now: Date): Promise<void> {
  for (const m of models) {
    await api('POST', '/products', {
      model: m.model,
      manufacturer: DEMO_MAKER,
      name: m.name,
      mudUrl: mudUrlOf(m.model),
      disclosurePolicyUrl: `https://${DEMO_DOMAIN}/security`,
      securityContact: `mailto:security@${DEMO_DOMAIN}`,
      supportEnd: `${now.getUTCFullYear() + 5}-12-31`,
      supportPublished: true,
      updatable: true,
      constrained: false,
      usesPasswords: false,
      hasUserInterface: false,
      processesPersonalData: m.model === 'demo-camera',
    });
    await api('POST', `/products/${m.model}/releases`, { version: DECLARED_VERSION });
    await importSbom(api, m, DECLARED_VERSION, now);
  }
  await api('POST', '/vulnerabilities?source=demo-osv.json', osvRecords(now));
}

/** Imports the SBOM of a release of the model (declared here, or made by the lifecycle pillar). */
export async function importSbom(api: DemoApi, m: DemoModel, version: string, now: Date): Promise<void> {
  const sbom = new TextEncoder().encode(JSON.stringify(sbomOf(m, version, now)));
  await api(
    'PUT',
    `/products/${m.model}/releases/${version}/sbom?source=${m.model}-${version}.cdx.json`,
    sbom,
    'application/vnd.cyclonedx+json',
  );
}

/** The vulnerabilities matched to a model's declared release. */
export async function matchedVulnerabilities(api: DemoApi, model: string): Promise<number> {
  const page = await api<{ items: unknown[] }>('GET', `/products/${model}/releases/${DECLARED_VERSION}/vulnerabilities`);
  return page.items.length;
}

/** Assesses the product for each market; resolves the assessment ids. */
export async function assessProduct(api: DemoApi, model: string, markets: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const market of markets) ids.push((await api<{ id: string }>('POST', '/assessments', { product: model, market })).id);
  return ids;
}
