/**
 * A product: one device model as its maker ships it. The model string is the same one releases
 * (`src/lifecycle/releases`) carry and DI writes into a device's voucher as its DeviceInfo, so a
 * product's releases and devices are found by it (`../devices-of-model.ts`).
 */
export interface ProductInput {
  /** The model, 1–128 letters, digits and ._:- starting with a letter or digit (as a release's model). */
  model: string;
  manufacturer: string;
  name: string;
  mudUrl?: string;
  /** Vulnerability disclosure policy, an https URL. */
  disclosurePolicyUrl?: string;
  /** Security contact: a mailto: or https: URL. */
  securityContact?: string;
  /** The end of the defined support period (security updates), a date. */
  supportEnd?: string;
  /** Whether the support period is published where buyers see it (e.g. the disclosure page). */
  supportPublished: boolean;
  /** The product's software can be updated. */
  updatable: boolean;
  /** EN 303 645's constrained device (cannot, for example, do public-key crypto or updates). */
  constrained: boolean;
  /** Whether the product uses passwords anywhere (a user interface, a local service). */
  usesPasswords: boolean;
  hasUserInterface: boolean;
  processesPersonalData: boolean;
  /** Days from a vulnerability's publication by which a fix is due (default 90). */
  remediationDays?: number;
}

export interface Product extends ProductInput {
  createdAt: Date;
  updatedAt: Date;
}

/** A release of a product: from the lifecycle pillar (a SUIT release) or declared by the maker. */
export interface ProductRelease {
  model: string;
  version: string;
  origin: 'lifecycle' | 'declared';
  /** The lifecycle release id, when origin is lifecycle. */
  releaseId?: string;
  releasedAt?: Date;
}
