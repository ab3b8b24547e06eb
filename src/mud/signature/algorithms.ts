/**
 * The CMS algorithms MUD signatures use: digests of RFC 5754 §2 and the signature algorithms of
 * RFC 5754 §3 (ECDSA, RFC 5753 naming) and RFC 3370 §3.2 (RSA PKCS #1 v1.5).
 */
export type DigestName = 'sha256' | 'sha384' | 'sha512';

/** RFC 5652 §11.1 content-type, §11.2 message-digest, §11.3 signing-time; RFC 5652 §5.1 id-signedData, §4 id-data. */
export const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
export const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
export const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_DATA = '1.2.840.113549.1.7.1';

export const DIGEST_OIDS: Record<string, DigestName> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export const DIGEST_OID_OF: Record<DigestName, string> = {
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};

export interface SignatureAlgorithm {
  key: 'ec' | 'rsa';
  /** The hash the algorithm names; undefined when it takes the SignerInfo's digestAlgorithm. */
  hash: DigestName | undefined;
  name: string;
}

export const SIGNATURE_OIDS: Record<string, SignatureAlgorithm> = {
  '1.2.840.10045.4.3.2': { key: 'ec', hash: 'sha256', name: 'ecdsa-with-SHA256' },
  '1.2.840.10045.4.3.3': { key: 'ec', hash: 'sha384', name: 'ecdsa-with-SHA384' },
  '1.2.840.10045.4.3.4': { key: 'ec', hash: 'sha512', name: 'ecdsa-with-SHA512' },
  // Some signers name the key algorithm instead of the signature algorithm.
  '1.2.840.10045.2.1': { key: 'ec', hash: undefined, name: 'ecdsa (id-ecPublicKey)' },
  '1.2.840.113549.1.1.1': { key: 'rsa', hash: undefined, name: 'rsaEncryption (PKCS #1 v1.5)' },
  '1.2.840.113549.1.1.11': { key: 'rsa', hash: 'sha256', name: 'sha256WithRSAEncryption' },
  '1.2.840.113549.1.1.12': { key: 'rsa', hash: 'sha384', name: 'sha384WithRSAEncryption' },
  '1.2.840.113549.1.1.13': { key: 'rsa', hash: 'sha512', name: 'sha512WithRSAEncryption' },
};

export const ECDSA_OID_OF: Record<DigestName, string> = {
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};
export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
