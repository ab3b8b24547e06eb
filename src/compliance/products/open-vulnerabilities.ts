/**
 * The vulnerabilities still open in a product's current release, each with its remediation
 * deadline: the product's `remediationDays` (default 90) after the record's `published`, or after
 * its import when it has none.
 */

import type { VulnerabilityMatch } from '../vulns/vuln-types.ts';
import { DEFAULT_REMEDIATION_DAYS, type ProductDeps } from './context.ts';
import { ProductError } from './errors.ts';
import { getProduct } from './products.ts';
import { releaseVulnerabilities } from './release-vulnerabilities.ts';
import { currentRelease } from './releases.ts';

const DAY_MS = 86_400_000;

export interface OpenVulnerability extends VulnerabilityMatch {
  deadline: Date;
  pastDeadline: boolean;
}

export interface OpenVulnerabilities {
  model: string;
  version: string;
  remediationDays: number;
  open: OpenVulnerability[];
}

export async function openVulnerabilities(d: ProductDeps, model: string, now: Date): Promise<OpenVulnerabilities> {
  const product = await getProduct(d, model);
  const release = await currentRelease(d.store, model);
  if (release === undefined) throw new ProductError('ERR_PRODUCT_RELEASE_NOT_FOUND', `model ${model} has no published or declared release`);
  const days = product.remediationDays ?? DEFAULT_REMEDIATION_DAYS;
  const found = await releaseVulnerabilities(d, model, release.version);
  const open = found.matches
    .filter((m) => m.applies)
    .map((m): OpenVulnerability => {
      const published = m.vulnerability.published === undefined ? Number.NaN : Date.parse(m.vulnerability.published);
      const from = Number.isNaN(published) ? (found.importedAt.get(m.vulnerability.id)?.getTime() ?? now.getTime()) : published;
      const deadline = new Date(from + days * DAY_MS);
      return { ...m, deadline, pastDeadline: now.getTime() > deadline.getTime() };
    });
  return { model, version: release.version, remediationDays: days, open };
}
