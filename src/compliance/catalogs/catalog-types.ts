/**
 * The shape of a catalog of provisions (a regulated baseline: ETSI EN 303 645, NISTIR 8259A/B,
 * NIST IR 8425, the CRA's Annex I, UK PSTI, California SB-327, EN 18031-1) as the data files in
 * `src/compliance/catalogs/data/` hold it. Provision texts are summaries in IoTopia's own words.
 */
import type { EvidenceRuleId } from '../evidence/rule-ids.ts';

/** Where a catalog comes from: the published document it summarises. */
export interface CatalogSource {
  publisher: string;
  document: string;
  version: string;
  /** Publication date, YYYY-MM or YYYY-MM-DD. */
  date: string;
  url: string;
}

/**
 * A provision's status. EN 303 645 Table B.1 uses M (mandatory), R (recommended), and the
 * conditional forms M C / R C that apply only when their condition holds; catalogs of laws use M.
 */
export type ProvisionStatus = 'M' | 'R' | 'M C' | 'R C';

/**
 * A product property a condition can be decided on by software. Conditions naming none of them
 * are decided by manual evidence.
 */
export type ConditionFact = 'updatable' | 'constrained' | 'usesPasswords' | 'hasUserInterface' | 'processesPersonalData';

export interface Condition {
  /** Unique in its catalog, e.g. "C1". */
  id: string;
  /** The condition in our own words. */
  text: string;
  /** When present, the condition holds exactly when the product's fact has this value. */
  when?: { fact: ConditionFact; equals: boolean };
}

export interface Provision {
  /** Unique in its catalog, as the document numbers it, e.g. "5.1-1" or "I.1(a)". */
  id: string;
  /** The section heading it sits under, e.g. "5.1 No universal default passwords". */
  section: string;
  /** A one-line title in our own words. */
  title: string;
  /** What the provision asks, in our own words (no copied text). */
  summary: string;
  status: ProvisionStatus;
  /** Condition ids of this catalog; all must hold for the provision to apply ("M C", "R C"). */
  conditions?: string[];
  /** The evidence rules that judge it; empty when only manual evidence can. */
  rules: EvidenceRuleId[];
  /** What a maker does to meet it, shown in reports for gaps. */
  guidance: string;
}

export interface Catalog {
  /** Stable id used by `--catalog`, e.g. "en303645-v3". */
  id: string;
  title: string;
  source: CatalogSource;
  /** Present when the catalog covers only part of its document, saying what is left out and why. */
  partial?: string;
  conditions: Condition[];
  provisions: Provision[];
}

/** A provision of one catalog covered by provisions of another, with who says so. */
export interface CatalogMapping {
  from: { catalog: string; provision: string };
  to: { catalog: string; provision: string }[];
  source: string;
}

/** Markets `iotopia assess --market` knows, and the catalogs each one's assessment uses. */
export type Market = 'eu' | 'uk' | 'us' | 'us-ca';
