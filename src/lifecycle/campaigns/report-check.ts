/**
 * The rules for a SUIT report (draft-ietf-suit-report) a device sends with its feedback. The report
 * is a COSE_Sign1 by the device's FDO attestation key: the leaf of the device certificate chain in
 * the owner's ownership voucher, the key TO2.ProveDevice was verified against (device-key.ts). It
 * must name the manifest of the release offered (its SUIT_Digest), and a `succeeded` one must say
 * the update succeeded. What it proves comes from the manifest, never from the device's claims:
 * the sequence number and each component's id and image digest.
 */
import type { KeyObject } from 'node:crypto';
import { bytesEqual } from '../../codec/bytes.ts';
import { IotopiaError } from '../../errors.ts';
import type { InstalledComponent } from '../../store/campaign-repository.ts';
import type { ReleaseRecord } from '../../store/release-repository.ts';
import { decodeEnvelope } from '../../suit/envelope.ts';
import { REPORT_REASON_NAMES } from '../../suit/report/constants.ts';
import { DEVICE_REPORT_ALGORITHMS } from '../../suit/report/device-signing.ts';
import { openReport } from '../../suit/report/protect.ts';
import type { SuitReport } from '../../suit/report/report.ts';
import { componentIdOf } from '../releases/envelope.ts';
import { CampaignError } from './errors.ts';
import { installedComponents } from './installed-components.ts';

/** The most bytes of a report taken. */
export const MAX_REPORT_BYTES = 64 * 1024;

export interface CheckedReport {
  report: SuitReport;
  /** The SUIT_Report_Reasons name of a failed result. */
  reasonName?: string;
  /** The manifest's sequence number. */
  sequenceNumber: number;
  /** What the manifest installs. */
  components: InstalledComponent[];
}

const refused = (message: string, cause?: unknown) =>
  new CampaignError('ERR_CAMPAIGN_REPORT', message, cause === undefined ? undefined : { cause });

function opened(bytes: Uint8Array, key: KeyObject): SuitReport {
  try {
    const o = openReport(bytes, { key, signatureAlgorithms: DEVICE_REPORT_ALGORITHMS, limits: { maxBytes: MAX_REPORT_BYTES } });
    if (o.protection !== 'COSE_Sign1') throw refused(`the report is ${o.protection}, not a COSE_Sign1 by the device key`);
    return o.report;
  } catch (e) {
    if (e instanceof CampaignError || !(e instanceof IotopiaError)) throw e;
    throw refused(`the report does not verify with the device key: ${e.message} [${e.code}]`, e);
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * Verifies a report against the device key and the offered release; ERR_CAMPAIGN_REPORT when it
 * does not verify, names another manifest, or (with `succeeded`) reports a failure.
 */
export function checkReport(bytes: Uint8Array, key: KeyObject, release: ReleaseRecord, status: string): CheckedReport {
  const report = opened(bytes, key);
  const envelope = decodeEnvelope(release.envelope);
  const want = envelope.authentication.digest;
  const got = report.reference.digest;
  if (got.algorithm !== want.algorithm || !bytesEqual(got.bytes, want.bytes))
    throw refused(`the report is about manifest ${hex(got.bytes)}, not the offered release's ${hex(want.bytes)}`);
  const reasonName = report.result.ok ? undefined : (REPORT_REASON_NAMES.get(report.result.reason) ?? String(report.result.reason));
  if (status === 'succeeded' && reasonName !== undefined) throw refused(`the report says the update failed (${reasonName})`);
  const names = new Map(release.components.map((c) => [componentIdOf(c.id).map(hex).join('/'), c.id]));
  const severed = [...envelope.severable.values()].flatMap((m) => (m.sequence === undefined ? [] : [m.sequence]));
  return {
    report,
    ...(reasonName === undefined ? {} : { reasonName }),
    sequenceNumber: Number(envelope.manifest.sequenceNumber),
    components: installedComponents(envelope.manifest, severed, names),
  };
}
