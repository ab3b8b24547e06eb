/**
 * Code points of draft-ietf-suit-report (SUIT_Report, SUIT_Record, SUIT_Capability_Report and the
 * report reasons), as its CDDL assigns them.
 */

/** SUIT_Report members ("The SUIT_Report"). */
export const ReportKey = {
  nonce: 2,
  records: 3,
  result: 4,
  /** SUIT_Report's suit-reference: [? manifest-uri, manifest-digest]. */
  reference: 99,
  /** Optional SUIT_Capability_Report ("Capability Reporting"). */
  capabilityReport: 8,
} as const;

/** Members of the failure map in suit-report-result ("SUIT Report Result"). */
export const ResultKey = {
  code: 5,
  record: 6,
  reason: 7,
} as const;

/** Positions in a SUIT_Record array ("The SUIT Record"). */
export const RecordIndex = {
  manifestId: 0,
  manifestSection: 1,
  sectionOffset: 2,
  componentIndex: 3,
  properties: 4,
} as const;

/** Key of the component identifier in a system-property-claims map. */
export const SYSTEM_COMPONENT_ID = 0;

/** SUIT_Report_Reasons ("SUIT Report Result"). */
export const ReportReason = {
  ok: 0,
  cborParse: 1,
  coseUnsupported: 2,
  algUnsupported: 3,
  unauthorised: 4,
  commandUnsupported: 5,
  componentUnsupported: 6,
  componentUnauthorised: 7,
  parameterUnsupported: 8,
  severingUnsupported: 9,
  conditionFailed: 10,
  operationFailed: 11,
  invokePending: 12,
} as const;

export const REPORT_REASON_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(ReportReason).map(([k, v]) => [v, k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)]),
);

/** SUIT_Capability_Report members ("Capability Reporting"). */
export const CapabilityKey = {
  components: 1,
  commands: 2,
  parameters: 3,
  cryptAlgorithms: 4,
  envelope: 5,
  manifest: 6,
  common: 7,
  text: 8,
  textComponent: 9,
  dependency: 10,
} as const;

export const CAPABILITY_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(CapabilityKey).map(([k, v]) => [v, k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)]),
);
