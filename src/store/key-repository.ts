/** Named signing keys (manufacturer, owner, rendezvous). The private key is sealed at rest. */
export interface KeyRecord {
  name: string;
  /** e.g. 'secp256r1', 'rsa3072'. */
  type: string;
  /** SubjectPublicKeyInfo DER. */
  publicKey: Uint8Array;
  /** PKCS#8 DER, opened; absent for public-only entries (a trusted peer's key). */
  privateKey?: Uint8Array;
  /** The key's X.509 certificate, DER, when one is kept (the manufacturer keys' self-signed ones). */
  certificate?: Uint8Array;
  createdAt: Date;
}

export interface KeyRepository {
  /** Throws ERR_STORE_DUPLICATE when the name is taken: keys are never silently replaced. */
  create(k: { name: string; type: string; publicKey: Uint8Array; privateKey?: Uint8Array }): Promise<KeyRecord>;
  get(name: string): Promise<KeyRecord | undefined>;
  /** By the SHA-256 of the SubjectPublicKeyInfo DER. */
  findByPublicKey(spki: Uint8Array): Promise<KeyRecord | undefined>;
  /** Keeps `der` as the key's certificate, replacing one kept before. Throws ERR_STORE_NOT_FOUND for an unknown name. */
  setCertificate(name: string, der: Uint8Array): Promise<void>;
  /** Names and public halves only, in name order. */
  list(): Promise<Omit<KeyRecord, 'privateKey'>[]>;
}
