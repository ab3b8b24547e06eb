/** What decided a verdict: a table of labels the compiled rules point into by index. */
import type { Direction } from '../../mud/model/constants.ts';

export type DecisionKind = 'ace' | 'basics' | 'default-deny' | 'established' | 'not-managed';

export interface RuleLabel {
  kind: DecisionKind;
  /** The device whose chain decided; absent for `established` and `not-managed`. */
  mac?: string;
  direction?: Direction;
  /** The ACL and ACE (kind `ace`); for `default-deny`, the last ACL tried (absent when the direction has none). */
  acl?: string;
  ace?: string;
}

/** Label 0: the packet belongs to a tracked connection (`ct state established,related accept`). */
export const LABEL_ESTABLISHED = 0;
/** Label 1: no device chain applies (not IP, or neither MAC nor address is a managed device's). */
export const LABEL_NOT_MANAGED = 1;

export function baseLabels(): RuleLabel[] {
  return [{ kind: 'established' }, { kind: 'not-managed' }];
}
