/** SBOM documents, one per release (model, version), and their components for querying. */
export interface StoredSbomComponent {
  ref: string;
  name: string;
  version?: string;
  purl?: string;
  supplier?: string;
  licenses?: string[];
}

export interface SbomDocumentInput {
  model: string;
  version: string;
  format: string;
  specVersion: string;
  serial?: string;
  /** Where the document came from (a file name, `api`), for the record. */
  source: string;
  bytes: Uint8Array;
  importedBy: string;
  components: readonly StoredSbomComponent[];
}

export interface SbomDocumentInfo extends Omit<SbomDocumentInput, 'bytes' | 'components'> {
  id: string;
  /** SHA-256 of the bytes, lowercase hex. */
  digest: string;
  size: number;
  componentCount: number;
  importedAt: Date;
}

export interface SbomRepository {
  /** Stores the release's SBOM, replacing the one it had; returns the new one and the replaced one's info. */
  put(s: SbomDocumentInput): Promise<{ stored: SbomDocumentInfo; replaced?: SbomDocumentInfo }>;
  info(model: string, version: string): Promise<SbomDocumentInfo | undefined>;
  bytes(model: string, version: string): Promise<{ info: SbomDocumentInfo; bytes: Uint8Array } | undefined>;
  /** The release's components in document order; empty when it has no SBOM. */
  components(model: string, version: string): Promise<StoredSbomComponent[]>;
  /** The SBOMs of a model, by version. */
  ofModel(model: string): Promise<SbomDocumentInfo[]>;
}
