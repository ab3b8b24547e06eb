/**
 * A device's credentials for the device API: bearer tokens kept only as their SHA-256
 * (hash-secret.ts). A credential is pending from its creation until `activate` (the TO2 that
 * delivered it committed), with an expiry in case that never happens; at most one is live per
 * device, earlier ones keep an expiry for the rotation overlap.
 */
export interface DeviceCredentialRecord {
  tokenHash: string;
  /** The GUID the device onboarded with (hex in the table). */
  guid: Uint8Array;
  createdAt: Date;
  /** When it became usable; absent while pending. */
  activatedAt?: Date;
  /** The first moment it is refused; absent for no expiry. */
  expiresAt?: Date;
  revokedAt?: Date;
  /** When an operator asked the device to rotate it (the poll answer says `rotate` while it is live). */
  rotationRequestedAt?: Date;
}

export interface DeviceCredentialRepository {
  /** A new credential, pending unless `active`. Throws ERR_STORE_DUPLICATE for a taken hash. */
  create(c: { guid: Uint8Array; tokenHash: string; active: boolean; expiresAt?: Date }): Promise<DeviceCredentialRecord>;
  /** Includes pending, revoked and expired ones: the caller refuses them and can say why. */
  findByHash(tokenHash: string): Promise<DeviceCredentialRecord | undefined>;
  /** The device's credentials, newest first (at most 100). */
  listForDevice(guid: Uint8Array): Promise<DeviceCredentialRecord[]>;
  /**
   * Makes the credential the device's live one: it is activated now (a pending one's expiry is
   * cleared), and every other active credential of the device that is not revoked expires
   * `overlapMs` from now at the latest. Other pending ones are left as they are: each belongs to a
   * TO2 run that activates it when it commits, or it expires. Throws ERR_STORE_NOT_FOUND when no
   * unrevoked credential of this device has that hash.
   */
  activate(guid: Uint8Array, tokenHash: string, overlapMs: number): Promise<void>;
  /** Marks the device's live credentials (active, no expiry, not revoked) for rotation; resolves with how many. */
  requestRotation(guid: Uint8Array): Promise<number>;
  /** Revokes every credential of the device not revoked yet; resolves with how many. */
  revokeAll(guid: Uint8Array): Promise<number>;
}
