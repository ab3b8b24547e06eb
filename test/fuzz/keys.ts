import { createPrivateKey, createSecretKey } from 'node:crypto';

// Fixed keys for fuzzing only, so that seeds made with them verify when the fuzzer runs.
export const FUZZ_P256 = createPrivateKey({
  format: 'jwk',
  key: {
    kty: 'EC',
    crv: 'P-256',
    x: 'rQyfeAXhJJg8yYAyxpUzmSntBPjilTyMkFTu5UW81bs',
    y: 'D-Y6zE3KEBkagkXUgF4Q3qIQzDFvNH5WD6uLF6Nw1-o',
    d: 'C4HQjdgd-RXJ2Y0n7kG3oNFB3A_RQ4V5F_hw5mnVkCU',
  },
});
export const FUZZ_ED25519 = createPrivateKey({
  format: 'jwk',
  key: { kty: 'OKP', crv: 'Ed25519', x: 'ijiU_LcFoVi9aBk2X9p1kqwUHdlomS3doCODiO9hA1o', d: 'oBoRTUzDv4gJ_q2XWNrAd4Hwf6yh8SFXWrMSuizV6Ds' },
});
export const FUZZ_SECRET_256 = createSecretKey(Buffer.from('79b48d95e23fecaeee4ebc33d94233d45305601227f80b2adfa67eabb7649a8e', 'hex'));
export const FUZZ_SECRET_128 = createSecretKey(Buffer.from('1b909fbf895e34a46a52229a9c70d95e', 'hex'));
