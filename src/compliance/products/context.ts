import type { Store } from '../../store/store.ts';
import type { ComplianceParsers } from './parsers.ts';

/** The largest SBOM, OSV or VEX file an import reads, bytes. */
export const DEFAULT_MAX_IMPORT_BYTES = 16 * 1024 * 1024;
/** The most OSV records one import (one file or one JSON array) may carry. */
export const MAX_OSV_RECORDS_PER_FILE = 10_000;
/** The most candidate OSV records one release's match reads. */
export const MAX_CANDIDATE_RECORDS = 50_000;
/** Days from a vulnerability's publication to its remediation deadline when the product sets none. */
export const DEFAULT_REMEDIATION_DAYS = 90;

/** What every product operation is given. */
export interface ProductDeps {
  store: Store;
  parsers: ComplianceParsers;
  clock: () => Date;
  maxImportBytes?: number;
  /** The most candidate OSV records one release's match reads (default MAX_CANDIDATE_RECORDS). */
  maxCandidates?: number;
}
