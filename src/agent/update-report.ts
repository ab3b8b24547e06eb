/**
 * The agent's SUIT report (draft-ietf-suit-report) of an update it processed: built from the
 * processor's outcome and signed as a COSE_Sign1 with the device's FDO attestation key (in the
 * credential file or a PKCS#11 token), the key its owner knows from the voucher. Sent base64url.
 */
import type { PrivateKeyLike } from '../crypto/private-key-handle.ts';
import { publicKeyOf } from '../crypto/private-key-handle.ts';
import type { SuitKey } from '../suit/authenticate.ts';
import type { SuitEnvelope } from '../suit/envelope.ts';
import { MANIFEST_KEY_NAMES } from '../suit/manifest.ts';
import type { SuitProcessOutcome } from '../suit/process/outcome.ts';
import { DEVICE_REPORT_ALGORITHMS, deviceReportAlgorithm } from '../suit/report/device-signing.ts';
import { buildReport } from '../suit/report/from-outcome.ts';
import { protectReport } from '../suit/report/protect.ts';

/** The report of `outcome` on `envelope`, signed with `key`, base64url. */
export function signedReport(envelope: SuitEnvelope, outcome: SuitProcessOutcome, key: PrivateKeyLike): string {
  const report = buildReport(outcome, {
    manifest: envelope.manifest,
    severable: envelope.severable,
    // A sequence severed and not carried is reported at its place in the manifest.
    locate: (sequence) => {
      const k = [...MANIFEST_KEY_NAMES].find(([, n]) => n === sequence)?.[0];
      return k !== undefined && envelope.manifest.severed.has(k) && !envelope.severable.has(k)
        ? { manifestId: [], section: k, offset: 0 }
        : undefined;
    },
  });
  // COSE_Sign1 signs with a KeyObject or, for a key in a token, with its signing handle.
  const signed = protectReport(report, {
    key: key as unknown as SuitKey,
    alg: deviceReportAlgorithm(publicKeyOf(key)),
    signatureAlgorithms: DEVICE_REPORT_ALGORITHMS,
  });
  return Buffer.from(signed).toString('base64url');
}
