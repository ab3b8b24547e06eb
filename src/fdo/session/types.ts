/** Types shared by the key exchange and session encryption of TO2 (FDO 1.1 §3.6, §5.5). */

/**
 * Source of random bytes. Protocol code never draws randomness of its own: servers and devices pass
 * a CSPRNG (for instance `(n) => new Uint8Array(crypto.randomBytes(n))`), tests a seeded stream.
 */
export type RandomSource = (length: number) => Uint8Array;

/**
 * What a key exchange yields: the shared secret ShSe and the ContextRand of the KDF (§3.6.4).
 * ContextRand is OwnerRandom for the ASYMKEX exchanges and empty for the others.
 */
export interface SharedSecret {
  shSe: Uint8Array;
  contextRand: Uint8Array;
}
