import type { Page, PageRequest } from './page.ts';

export type ApiRole = 'admin' | 'manufacturer' | 'owner' | 'rendezvous' | 'auditor';

/** A management API token. Only the SHA-256 of its secret is kept; the secret is shown once. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  roles: ApiRole[];
  secretHash: string;
  createdAt: Date;
  revokedAt?: Date;
  /** The first moment the token is refused; absent for a token that does not expire. */
  expiresAt?: Date;
}

export interface ApiTokenRepository {
  /** Throws ERR_STORE_DUPLICATE for a taken id or secret hash. */
  create(t: { id: string; name: string; roles: ApiRole[]; secretHash: string; expiresAt?: Date }): Promise<ApiTokenRecord>;
  get(id: string): Promise<ApiTokenRecord | undefined>;
  /** Includes revoked and expired tokens: the caller refuses them and can say why. */
  findBySecretHash(secretHash: string): Promise<ApiTokenRecord | undefined>;
  /** Throws ERR_STORE_NOT_FOUND for an unknown id; revoking twice keeps the first time. */
  revoke(id: string): Promise<void>;
  list(page?: PageRequest): Promise<Page<ApiTokenRecord>>;
}
