/**
 * What processing a SUIT manifest produced (draft-ietf-suit-manifest-37 §6; records and result as
 * draft-ietf-suit-report carries them). Plain data: the report encoder builds a SUIT_Report from it.
 */

/** A SUIT_Digest: COSE hash algorithm id and the digest bytes (§8.3.1). */
export interface SuitOutcomeDigest {
  algorithm: number;
  bytes: Uint8Array;
}

/**
 * One executed command (draft-ietf-suit-report SUIT_Record): the sequence it belongs to (its spec
 * name, e.g. "shared-sequence", "install"), its position in that sequence (index of the command, not
 * of the CBOR array element), the component it ran on, and the parameters the reporting policy asked
 * to report (parameter code => value as decoded by src/suit/parameters.ts).
 */
export interface SuitRecord {
  sequence: string;
  commandIndex: number;
  componentIndex?: number;
  /** Command name without the suit- prefix, e.g. "condition-image-match". */
  command: string;
  parameters?: Record<number, unknown>;
}

export interface SuitFailurePoint {
  sequence: string;
  commandIndex: number;
  command: string;
  componentIndex?: number;
}

export type SuitProcessResult =
  | { ok: true }
  | {
      ok: false;
      failedAt: SuitFailurePoint;
      reason: string;
      /** Stable error code of the failure (documented in docs/errors-suit.md). */
      code: string;
    };

export interface SuitProcessOutcome {
  /** Digest of the manifest from the authentication wrapper. */
  manifestDigest: SuitOutcomeDigest;
  sequenceNumber: number | bigint;
  /** Commands in execution order, filtered by their reporting policy. */
  records: SuitRecord[];
  result: SuitProcessResult;
}
