import type { Page, PageRequest } from './page.ts';

/** The counts an assessment's list row shows without reading its result. */
export interface AssessmentCounts {
  met: number;
  notMet: number;
  partiallyMet: number;
  notApplicable: number;
  manualEvidenceNeeded: number;
}

/** A stored assessment: its columns, and its full result as the compliance pillar serialised it (JSON). */
export interface AssessmentRecord {
  id: string;
  model: string;
  market?: string;
  catalogs: string[];
  at: Date;
  counts: AssessmentCounts;
  /** JSON text, opaque to the store. */
  result: string;
}

export type AssessmentInfo = Omit<AssessmentRecord, 'result'>;

export interface AssessmentRepository {
  /** Throws ERR_STORE_DUPLICATE when the id is taken. */
  create(a: AssessmentRecord): Promise<void>;
  get(id: string): Promise<AssessmentRecord | undefined>;
  /** The model's assessments, newest first (ties by id, descending). */
  list(model: string, page?: PageRequest): Promise<Page<AssessmentInfo>>;
}
