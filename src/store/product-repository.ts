import type { Page, PageRequest } from './page.ts';

/**
 * A product as the store keeps it: its model, its document (the compliance pillar's JSON, which the
 * store does not read) and its support end, a date `YYYY-MM-DD`, kept apart so reports can ask for it.
 */
export interface ProductRow {
  model: string;
  document: Record<string, unknown>;
  supportEnd?: string;
}

export interface ProductRecord extends ProductRow {
  createdAt: Date;
  updatedAt: Date;
}

/** A release a maker declared for a model (one not built in the lifecycle pillar). */
export interface DeclaredReleaseRecord {
  model: string;
  version: string;
  releasedAt?: Date;
  createdAt: Date;
}

export interface ProductRepository {
  /** Throws ERR_STORE_DUPLICATE when the model is taken. */
  create(p: ProductRow): Promise<ProductRecord>;
  get(model: string): Promise<ProductRecord | undefined>;
  /** The product after the change, or undefined when there is none with this model. */
  update(p: ProductRow): Promise<ProductRecord | undefined>;
  /** Removes the product and its declared releases; false when there was none. */
  delete(model: string): Promise<boolean>;
  /** By model. */
  list(request?: PageRequest): Promise<Page<ProductRecord>>;
  /** Products whose support ended before `date` (YYYY-MM-DD, compared as text), by model. */
  supportEndedBefore(date: string): Promise<ProductRecord[]>;
  /** Throws ERR_STORE_DUPLICATE when the model already has this version declared. */
  declareRelease(r: { model: string; version: string; releasedAt?: Date }): Promise<DeclaredReleaseRecord>;
  /** The model's declared releases, by version. */
  declaredReleases(model: string): Promise<DeclaredReleaseRecord[]>;
}
