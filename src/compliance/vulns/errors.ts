import { IotopiaError } from '../../errors.ts';

/** Stable codes of OSV and VEX import failures caused by bad or hostile input. */
export type VulnErrorCode =
  | 'ERR_OSV_TOO_LARGE'
  | 'ERR_OSV_JSON'
  | 'ERR_OSV_SCHEMA'
  | 'ERR_OSV_TOO_MANY'
  | 'ERR_OSV_READ'
  | 'ERR_VEX_TOO_LARGE'
  | 'ERR_VEX_JSON'
  | 'ERR_VEX_FORMAT'
  | 'ERR_VEX_SCHEMA'
  | 'ERR_VEX_TOO_MANY'
  | 'ERR_VEX_JUSTIFICATION';

/** Where in an OSV or VEX document a failure is: the file, the entry (index or id) and the field. */
export interface VulnErrorPlace {
  source: string;
  entry?: string;
  field?: string;
}

/** An OSV record or VEX document that could not be imported; `source`, `entry` and `field` say where. */
export class VulnError extends IotopiaError {
  declare readonly code: VulnErrorCode;
  readonly source: string;
  readonly entry: string | undefined;
  readonly field: string | undefined;

  constructor(code: VulnErrorCode, place: VulnErrorPlace, problem: string, options?: ErrorOptions) {
    super(code, `${describePlace(place)}: ${problem}`, options);
    this.source = place.source;
    this.entry = place.entry;
    this.field = place.field;
  }
}

function describePlace(place: VulnErrorPlace): string {
  let text = place.source;
  if (place.entry !== undefined) text += ` ${place.entry}`;
  if (place.field !== undefined) text += ` ${place.field}`;
  return text;
}
