/** What decided a verdict: a table of labels the compiled rules point into by index. */
import type { Direction } from '../../mud/model/constants.ts';

export type DecisionKind = 'ace' | 'basics' | 'default-deny' | 'established' | 'not-managed' | 'unknown-address';

export interface RuleLabel {
  kind: DecisionKind;
  /** The direction of the device chain that decided (the device is the verdict's); absent for `established` and `not-managed`. */
  direction?: Direction;
  /**
   * The ACL and ACE (kind `ace`); for `default-deny`, the last ACL tried (absent when the direction
   * has none); for `unknown-address`, the ACL-like name `unknown-device-address`.
   */
  acl?: string;
  ace?: string;
}

/** Label 0: the packet belongs to a tracked connection (`ct state established,related accept`). */
export const LABEL_ESTABLISHED = 0;
/** Label 1: no device chain applies (not IP, or neither MAC nor address is a managed device's). */
export const LABEL_NOT_MANAGED = 1;

/**
 * Label 2: new traffic out a device interface to an address no managed device was given (the
 * `oifname … drop` rules of NftCompileOptions.deviceInterfaces).
 */
export const LABEL_UNKNOWN_ADDRESS = 2;
/** The ACL-like name of LABEL_UNKNOWN_ADDRESS in reports. */
export const UNKNOWN_DEVICE_ADDRESS = 'unknown-device-address';

export function baseLabels(): RuleLabel[] {
  return [
    { kind: 'established' },
    { kind: 'not-managed' },
    { kind: 'unknown-address', direction: 'to-device', acl: UNKNOWN_DEVICE_ADDRESS },
  ];
}
