/** CBOR tags of the COSE message structures (RFC 9052 §2, Table 1). */
export const CoseTag = {
  COSE_Sign: 98,
  COSE_Sign1: 18,
  COSE_Encrypt: 96,
  COSE_Encrypt0: 16,
  COSE_Mac: 97,
  COSE_Mac0: 17,
} as const;
