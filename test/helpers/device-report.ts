/**
 * Real SUIT material for campaign tests that do not run the agent: a signed release envelope, and
 * the report a device would send about it, signed with its key.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Algorithm } from '../../src/codec/cose/algorithms.ts';
import { releaseEnvelope } from '../../src/lifecycle/releases/envelope.ts';
import type { UpdateAuthority } from '../../src/lifecycle/releases/update-authority.ts';
import type { ReleaseComponent } from '../../src/store/release-repository.ts';
import type { SuitKey } from '../../src/suit/authenticate.ts';
import { readEnvelope } from '../../src/suit/envelope.ts';
import { ReportReason } from '../../src/suit/report/constants.ts';
import { DEVICE_REPORT_ALGORITHMS, deviceReportAlgorithm } from '../../src/suit/report/device-signing.ts';
import { protectReport } from '../../src/suit/report/protect.ts';
import type { SuitReport } from '../../src/suit/report/report.ts';

const authority = (() => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, alg: Algorithm.ES256, kid: Uint8Array.of(1, 2, 3, 4) } as unknown as UpdateAuthority;
})();

/** A signed envelope installing `components` with `sequenceNumber`. */
export function testEnvelope(sequenceNumber: number, components: ReleaseComponent[]): Uint8Array {
  return releaseEnvelope(
    { model: 'm', version: `1.${sequenceNumber}`, sequenceNumber, components },
    authority,
    (d) => `/device/v1/artifacts/${d}`,
  );
}

/** The report about `envelope` signed with `key`: success, or a failure with `reason` (a SUIT_Report_Reasons value). */
export function testReport(envelope: Uint8Array, key: KeyObject, failure?: number): Uint8Array {
  const report: SuitReport = {
    reference: { digest: readEnvelope(envelope).authentication.digest },
    records: [],
    result:
      failure === undefined
        ? { ok: true }
        : {
            ok: false,
            code: 1,
            reason: failure,
            record: { kind: 'record', manifestId: [], section: 9, offset: 1, componentIndex: 0, properties: [], extensions: [] },
          },
    extensions: new Map(),
  };
  return protectReport(report, {
    key: key as SuitKey,
    alg: deviceReportAlgorithm(createPublicKey(key)),
    signatureAlgorithms: DEVICE_REPORT_ALGORITHMS,
  });
}

export { ReportReason };
