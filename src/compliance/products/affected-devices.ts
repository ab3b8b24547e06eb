/**
 * The devices one vulnerability affects: for every product, the releases whose SBOM it applies to
 * (VEX considered), and the devices of the model (devices-of-model.ts) whose verified firmware is
 * one of those releases. A device with no verified firmware version is listed apart as "version
 * unknown": it may or may not run an affected release. Decommissioned and resold devices are left
 * out (owned-devices.ts).
 */
import type { OsvRecord } from '../vulns/vuln-types.ts';
import type { ProductDeps } from './context.ts';
import { ProductError } from './errors.ts';
import { ownedDevicesOf } from './owned-devices.ts';
import { vexAbout } from './release-vulnerabilities.ts';

export interface AffectedDevices {
  vulnerability: string;
  /** Releases the vulnerability applies to, per model. */
  releases: { model: string; version: string }[];
  devices: { guid: string; model: string; version: string }[];
  /** Devices of an affected model whose installed version is not known from a verified report. */
  versionUnknown: { guid: string; model: string }[];
}

async function everyProductModel(d: ProductDeps): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  do {
    const page = await d.store.products.list({ limit: 1000, ...(after === undefined ? {} : { after }) });
    out.push(...page.items.map((p) => p.model));
    after = page.next;
  } while (after !== undefined);
  return out;
}

async function affectedVersions(d: ProductDeps, model: string, record: OsvRecord): Promise<string[]> {
  const vex = await vexAbout(d.store, [record]);
  const out: string[] = [];
  for (const s of await d.store.sboms.ofModel(model)) {
    const components = await d.store.sboms.components(model, s.version);
    if (d.parsers.matchVulnerabilities(components, [record], vex).some((m) => m.applies)) out.push(s.version);
  }
  return out;
}

export async function affectedDevices(d: ProductDeps, id: string): Promise<AffectedDevices> {
  const row = await d.store.vulnerabilities.getOsv(id);
  if (row === undefined) throw new ProductError('ERR_PRODUCT_VULN_NOT_FOUND', `no OSV record ${id}`);
  const out: AffectedDevices = { vulnerability: id, releases: [], devices: [], versionUnknown: [] };
  if (row.withdrawn !== undefined) return out;
  const record = row.document as unknown as OsvRecord;
  for (const model of await everyProductModel(d)) {
    const versions = await affectedVersions(d, model, record);
    if (versions.length === 0) continue;
    out.releases.push(...versions.map((version) => ({ model, version })));
    for await (const { guid } of ownedDevicesOf(d.store, model)) {
      const installed = await d.store.campaigns.installed(guid);
      if (installed?.version === undefined || installed.components === undefined) out.versionUnknown.push({ guid, model });
      else if (versions.includes(installed.version)) out.devices.push({ guid, model, version: installed.version });
    }
  }
  return out;
}
