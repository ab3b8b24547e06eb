/**
 * Which catalogs an assessment for a market uses. Each market lists the baselines that regulate
 * consumer IoT products placed on it; EN 303 645 itself is reached through the mappings.
 */
import type { Market } from './catalog-types.ts';
import { CatalogError } from './errors.ts';

export const MARKET_CATALOGS: Readonly<Record<Market, readonly string[]>> = {
  // The Cyber Resilience Act's Annex I applies to products with digital elements from 2027-12-11;
  // the RED delegated act (EU) 2022/30 applies to internet-connected radio equipment since
  // 2025-08-01, with EN 18031-1 as its harmonised standard. A product meets both.
  eu: ['cra-annex1', 'en18031-1'],
  // The PSTI regime's security requirements (SI 2023/1007, Schedule 1) are law since 2024-04-29.
  uk: ['uk-psti'],
  // No federal law: NIST IR 8425 is the profile the U.S. Cyber Trust Mark label builds on.
  us: ['nistir8425'],
  // California's connected-device law (Civil Code 1798.91.04) only: a product sold in California
  // that also wants the federal profile is assessed for `us` as well.
  'us-ca': ['us-ca-sb327'],
};

export function isMarket(s: string): s is Market {
  return Object.hasOwn(MARKET_CATALOGS, s);
}

export function marketCatalogs(market: string): readonly string[] {
  if (!isMarket(market)) {
    throw new CatalogError('ERR_CATALOG_MARKET', `no market "${market}"; known: ${Object.keys(MARKET_CATALOGS).join(', ')}`);
  }
  return MARKET_CATALOGS[market];
}
