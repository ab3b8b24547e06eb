import { IotopiaError } from '../../errors.ts';

/** Stable codes of SBOM import failures caused by bad or hostile input. */
export type SbomErrorCode =
  | 'ERR_SBOM_TOO_LARGE'
  | 'ERR_SBOM_JSON'
  | 'ERR_SBOM_FORMAT'
  | 'ERR_SBOM_SPEC_VERSION'
  | 'ERR_SBOM_SCHEMA'
  | 'ERR_SBOM_TOO_MANY_COMPONENTS'
  | 'ERR_SBOM_TOO_DEEP'
  | 'ERR_SBOM_PURL';

/** Where in an SBOM a failure is: the file, the entry (component index or ref) and the field. */
export interface SbomErrorPlace {
  source: string;
  entry?: string;
  field?: string;
}

/** An SBOM that could not be imported; `source`, `entry` and `field` say where. */
export class SbomError extends IotopiaError {
  declare readonly code: SbomErrorCode;
  readonly source: string;
  readonly entry: string | undefined;
  readonly field: string | undefined;

  constructor(code: SbomErrorCode, place: SbomErrorPlace, problem: string, options?: ErrorOptions) {
    super(code, `${describePlace(place)}: ${problem}`, options);
    this.source = place.source;
    this.entry = place.entry;
    this.field = place.field;
  }
}

function describePlace(place: SbomErrorPlace): string {
  let text = place.source;
  if (place.entry !== undefined) text += ` ${place.entry}`;
  if (place.field !== undefined) text += ` ${place.field}`;
  return text;
}
