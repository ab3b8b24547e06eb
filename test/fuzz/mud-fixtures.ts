import { createPublicKey } from 'node:crypto';
import { createCertificate } from '../../src/crypto/x509-create.ts';
import { FUZZ_P256 } from './keys.ts';

/** The MUD file the signature seeds sign. */
export const FUZZ_MUD_FILE = new TextEncoder().encode('{"ietf-mud:mud":{"mud-version":1,"mud-url":"https://fuzz.example/mud.json"}}');
/** The verification time of the fuzzing certificate. */
export const FUZZ_MUD_TIME = new Date('2026-01-01T00:00:00Z');

/**
 * A self-signed MUD signing certificate for FUZZ_P256. ECDSA makes each issuance's bytes differ,
 * but any issuance verifies another's signature, so one made here is the trust anchor for seeds
 * made by seed-mud.ts.
 */
export function fuzzMudCertificate() {
  return createCertificate({
    subject: { commonName: 'fuzz MUD signer', organization: 'IoTopia fuzzing' },
    publicKey: createPublicKey(FUZZ_P256),
    signer: { privateKey: FUZZ_P256 },
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2035-01-01T00:00:00Z'),
    serialNumber: 7n,
    ca: true,
    keyUsage: ['digitalSignature', 'keyCertSign'],
  });
}
