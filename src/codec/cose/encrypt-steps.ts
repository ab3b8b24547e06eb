/**
 * COSE_Encrypt and COSE_Encrypt0 decryption (RFC 9052 §5.3) one step at a time, for a profile that
 * chooses its keys and reports failures in its own terms (the SUIT firmware encryption draft tries
 * several keys per recipient and maps each failure to a SUIT error code). encrypt.ts and
 * encrypt0.ts are the one-call forms built from the same steps.
 */
export { type ContentAlgorithm, contentAlgorithm } from './lib/content-algorithms.ts';
export { param } from './lib/headers.ts';
export { nonceOf } from './lib/iv.ts';
export { recoverKey } from './lib/recipients.ts';
export { Context, encStructure } from './lib/structures.ts';
