import { IotopiaError } from '../../errors.ts';

/** An authoring description that cannot become a valid MUD file; `problems` lists every reason. */
export class MudSpecError extends IotopiaError {
  readonly problems: string[];

  constructor(code: string, problems: string[]) {
    super(code, problems.join('; '));
    this.problems = problems;
  }
}

/** `ERR_MUD_SPEC`: the description is malformed (a field missing, of the wrong type or out of range). */
export const ERR_MUD_SPEC = 'ERR_MUD_SPEC';
/** `ERR_MUD_SPEC_INVALID`: the file built from the description does not validate strictly (e.g. a bad domain name). */
export const ERR_MUD_SPEC_INVALID = 'ERR_MUD_SPEC_INVALID';
