/**
 * Campaign targets: an RSQL query (the FIQL-derived syntax of hawkBit's target filters) over the
 * device registry, compiled once into a predicate. docs/lifecycle.md, "Targeting devices", has the
 * syntax; parsing is @rsql/parser's, the meaning of each field is here.
 *
 *   state==active;group==canary              AND: `;` or `and`
 *   tag=in=(floor-1,floor-2),group==lab      OR: `,` or `or`; parentheses group
 *   mudUrl==https://mud.example.com/*        `*` matches any run of characters
 */
import type { ExpressionNode } from '@rsql/ast';
import { parse } from '@rsql/parser';
import { IotopiaError } from '../../errors.ts';
import { guidToHex } from '../../fdo/types/guid.ts';
import type { DeviceRecord } from '../../store/device-repository.ts';

/** The longest query accepted, characters. */
export const MAX_TARGET_QUERY = 2048;
/** The deepest nesting of parentheses accepted. */
export const MAX_TARGET_DEPTH = 16;

export type DevicePredicate = (d: DeviceRecord) => boolean;

/** A field's values on a device: one for a plain field, any number for tags and groups. */
const FIELDS: Record<string, (d: DeviceRecord) => readonly string[]> = {
  guid: (d) => [guidToHex(d.guid), ...(d.replacementGuid === undefined ? [] : [guidToHex(d.replacementGuid)])],
  state: (d) => [d.state],
  tag: (d) => d.tags,
  group: (d) => d.groups,
  mudUrl: (d) => (d.mudUrl === undefined ? [] : [d.mudUrl]),
  sbomUrl: (d) => (d.sbomUrl === undefined ? [] : [d.sbomUrl]),
};

/** The fields a query may name. */
export const TARGET_FIELDS = Object.keys(FIELDS);

const targetError = (message: string) => new IotopiaError('ERR_CAMPAIGN_TARGET', message);

function depthOf(query: string): number {
  let depth = 0;
  let max = 0;
  for (const c of query) {
    if (c === '(') max = Math.max(max, ++depth);
    else if (c === ')') depth--;
  }
  return max;
}

/** A value test; `*` in a value matches any run of characters (GUIDs compare in lower case). */
function valueTest(field: string, value: string): (v: string) => boolean {
  const want = field === 'guid' ? value.toLowerCase().replaceAll('-', '') : value;
  if (!want.includes('*')) return (v) => v === want;
  const re = new RegExp(
    `^${want
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
  return (v) => re.test(v);
}

function comparison(field: string, operator: string, value: string | string[]): DevicePredicate {
  const read = FIELDS[field];
  if (read === undefined) throw targetError(`unknown field ${JSON.stringify(field)}: one of ${TARGET_FIELDS.join(', ')}`);
  const values = Array.isArray(value) ? value : [value];
  const tests = values.map((v) => valueTest(field, v));
  const any = (d: DeviceRecord) => read(d).some((v) => tests.some((t) => t(v)));
  switch (operator) {
    case '==':
    case '=in=':
      if (operator === '==' && Array.isArray(value)) throw targetError(`${field}==(…): use =in= for a list`);
      return any;
    case '!=':
    case '=out=':
      return (d) => !any(d);
    default:
      throw targetError(`operator ${operator} is not supported: ==, !=, =in=, =out=`);
  }
}

function compile(node: ExpressionNode): DevicePredicate {
  if (node.type === 'COMPARISON') return comparison(node.left.selector, node.operator, node.right.value);
  const left = compile(node.left);
  const right = compile(node.right);
  return node.operator === ';' || node.operator === 'and' ? (d) => left(d) && right(d) : (d) => left(d) || right(d);
}

/** The predicate of an RSQL target query; ERR_CAMPAIGN_TARGET, naming the fault, when it is not one. */
export function targetPredicate(query: string): DevicePredicate {
  if (query.length === 0 || query.length > MAX_TARGET_QUERY) throw targetError(`a target query has 1 to ${MAX_TARGET_QUERY} characters`);
  if (depthOf(query) > MAX_TARGET_DEPTH) throw targetError(`a target query nests at most ${MAX_TARGET_DEPTH} parentheses`);
  let ast: ExpressionNode;
  try {
    ast = parse(query);
  } catch (e) {
    throw targetError(`not a target query: ${(e as Error).message}`);
  }
  return compile(ast);
}
