import type { Page, PageRequest } from './page.ts';

/** A file attached to a manual statement; the store computes its size and SHA-256. */
export interface AttachmentInput {
  name: string;
  mediaType: string;
  bytes: Uint8Array;
}

export interface AttachmentInfo {
  name: string;
  mediaType: string;
  size: number;
  /** SHA-256 of the bytes, lowercase hex. */
  sha256: string;
}

export interface ManualEvidenceInput {
  id: string;
  model: string;
  catalog: string;
  provision: string;
  statement: string;
  outcome: string;
  attachments: AttachmentInput[];
  by: string;
  at: Date;
}

export interface ManualEvidenceRecord extends Omit<ManualEvidenceInput, 'attachments'> {
  attachments: AttachmentInfo[];
}

/** A probe of a test device as its result was recorded: the result is JSON, opaque to the store. */
export interface ProbeRecord {
  id: string;
  model: string;
  result: string;
  by: string;
  at: Date;
}

/** Evidence the maker or a probe supplies, beside what the other pillars record. Nothing here is changed or deleted. */
export interface EvidenceRecordRepository {
  /** Throws ERR_STORE_DUPLICATE when the id is taken. */
  addManual(e: ManualEvidenceInput): Promise<ManualEvidenceRecord>;
  getManual(id: string): Promise<ManualEvidenceRecord | undefined>;
  /** The model's statements, oldest first (ties by id). */
  listManual(model: string, page?: PageRequest): Promise<Page<ManualEvidenceRecord>>;
  /** One attachment's bytes by its place (0-based) in the statement's list. */
  attachment(evidenceId: string, n: number): Promise<(AttachmentInfo & { bytes: Uint8Array }) | undefined>;
  /** Throws ERR_STORE_DUPLICATE when the id is taken. */
  addProbe(p: ProbeRecord): Promise<void>;
  /** The model's newest probe (latest `at`, ties by id). */
  latestProbe(model: string): Promise<ProbeRecord | undefined>;
  /** The model's probes, newest first. */
  listProbes(model: string, page?: PageRequest): Promise<Page<ProbeRecord>>;
}
