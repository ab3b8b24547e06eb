import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { canonicalPurl } from './canonical-purl.ts';
import { SbomError } from './errors.ts';
import { SBOM_LIMITS } from './sbom-limits.ts';
import type { ParsedSbom, SbomComponent } from './sbom-types.ts';

/** The CycloneDX specification versions IoTopia imports (CycloneDX 1.5 and 1.6, JSON). */
const CYCLONEDX_VERSIONS: ReadonlyMap<string, Spec.Version> = new Map([
  ['1.5', Spec.Version.v1dot5],
  ['1.6', Spec.Version.v1dot6],
]);

const validators = new Map<string, Validation.JsonStrictValidator>();

interface CdxComponent {
  'bom-ref'?: string;
  name: string;
  version?: string;
  purl?: string;
  supplier?: { name?: string };
  licenses?: { license?: { id?: string; name?: string }; expression?: string }[];
  components?: CdxComponent[];
}

/** A CycloneDX JSON BOM, validated against its version's strict schema, flattened. */
export async function parseCycloneDx(doc: Record<string, unknown>, text: string, source: string): Promise<ParsedSbom> {
  const specVersion = doc.specVersion;
  const version = typeof specVersion === 'string' ? CYCLONEDX_VERSIONS.get(specVersion) : undefined;
  if (version === undefined) {
    throw new SbomError(
      'ERR_SBOM_SPEC_VERSION',
      { source, field: 'specVersion' },
      `CycloneDX ${JSON.stringify(specVersion)} is not supported; 1.5 and 1.6 are`,
    );
  }
  checkComponentBounds(doc.components, source);
  await validate(version, doc, text, source);
  const metadata = doc.metadata as { component?: { name: string; version?: string } } | undefined;
  const subject = metadata?.component;
  const components: SbomComponent[] = [];
  flatten((doc.components as CdxComponent[] | undefined) ?? [], 'components', components, source);
  return {
    format: 'cyclonedx',
    specVersion: version,
    ...(typeof doc.serialNumber === 'string' ? { serial: doc.serialNumber } : {}),
    ...(subject ? { subject: { name: subject.name, ...(subject.version ? { version: subject.version } : {}) } } : {}),
    components,
  };
}

// Counted before schema validation so that an oversized tree is refused without validating it.
function checkComponentBounds(root: unknown, source: string): void {
  let count = 0;
  const stack: { list: unknown; depth: number; path: string }[] = [{ list: root, depth: 1, path: 'components' }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (!Array.isArray(item.list)) continue;
    if (item.depth > SBOM_LIMITS.maxDepth) {
      throw new SbomError('ERR_SBOM_TOO_DEEP', { source, field: item.path }, `components nested deeper than ${SBOM_LIMITS.maxDepth}`);
    }
    count += item.list.length;
    if (count > SBOM_LIMITS.maxComponents) {
      throw new SbomError(
        'ERR_SBOM_TOO_MANY_COMPONENTS',
        { source, field: item.path },
        `more than ${SBOM_LIMITS.maxComponents} components`,
      );
    }
    item.list.forEach((c: unknown, i) => {
      if (typeof c === 'object' && c !== null && 'components' in c) {
        stack.push({ list: c.components, depth: item.depth + 1, path: `${item.path}[${i}].components` });
      }
    });
  }
}

/**
 * The schema marks `components` and `dependencies` uniqueItems, which its validator checks by
 * comparing every pair: quadratic, minutes for 100,000 components. Large lists are therefore
 * validated in slices against the same schema, and their uniqueness checked here by hashing
 * each item's JSON text (items equal up to member order count as distinct).
 */
const SLICE = 1000;
const SLICED = ['components', 'dependencies'] as const;

async function validate(version: Spec.Version, doc: Record<string, unknown>, text: string, source: string): Promise<void> {
  const lists = SLICED.map((k) => (Array.isArray(doc[k]) ? (doc[k] as unknown[]) : []));
  if (lists.every((l) => l.length <= SLICE)) return validateText(version, text, source, 0);
  for (const [i, key] of SLICED.entries()) checkUnique(lists[i] as unknown[], key, source);
  const rest = { ...doc, components: [], dependencies: [] };
  await validateText(version, JSON.stringify(rest), source, 0);
  for (const [i, key] of SLICED.entries()) {
    const list = lists[i] as unknown[];
    for (let start = 0; start < list.length; start += SLICE) {
      const part = { bomFormat: 'CycloneDX', specVersion: version, version: 1, [key]: list.slice(start, start + SLICE) };
      await validateText(version, JSON.stringify(part), source, start);
    }
  }
}

function checkUnique(list: unknown[], key: string, source: string): void {
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const id = JSON.stringify(item);
    if (seen.has(id)) {
      throw new SbomError('ERR_SBOM_SCHEMA', { source, field: `/${key}/${i}` }, 'must NOT have duplicate items');
    }
    seen.add(id);
  });
}

async function validateText(version: Spec.Version, text: string, source: string, offset: number): Promise<void> {
  let validator = validators.get(version);
  if (validator === undefined) {
    validator = new Validation.JsonStrictValidator(version);
    validators.set(version, validator);
  }
  let errors: unknown;
  try {
    errors = await validator.validate(text);
  } catch (cause) {
    // Members other than components may nest (services, pedigree); past the stack they are hostile.
    if (!(cause instanceof RangeError)) throw cause;
    throw new SbomError('ERR_SBOM_TOO_DEEP', { source }, 'nested too deeply to validate', { cause });
  }
  if (errors === null) return;
  const first = (Array.isArray(errors) ? errors[0] : errors) as { instancePath?: string; message?: string } | undefined;
  const field = shift(first?.instancePath || '/', offset);
  throw new SbomError(
    'ERR_SBOM_SCHEMA',
    { source, ...entryOf(field), field },
    `CycloneDX ${version} schema: ${first?.message ?? 'invalid'}`,
  );
}

// A slice's "/components/3" is "/components/(offset + 3)" in the document.
function shift(pointer: string, offset: number): string {
  if (offset === 0) return pointer;
  return pointer.replace(/^\/(components|dependencies)\/(\d+)/, (_, key: string, i: string) => `/${key}/${offset + Number(i)}`);
}

// "/components/3/components/0/purl" names the component at components[3].components[0].
function entryOf(pointer: string): { entry?: string } {
  const match = /^((?:\/components\/\d+)+)/.exec(pointer);
  if (match?.[1] === undefined) return {};
  return { entry: `component ${match[1].slice(1).replaceAll('/', '.')}` };
}

function flatten(list: CdxComponent[], path: string, out: SbomComponent[], source: string): void {
  list.forEach((c, i) => {
    const here = `${path}[${i}]`;
    out.push(toComponent(c, here, source));
    if (c.components) flatten(c.components, `${here}.components`, out, source);
  });
}

function toComponent(c: CdxComponent, path: string, source: string): SbomComponent {
  const licenses = (c.licenses ?? [])
    .map((l) => l.license?.id ?? l.license?.name ?? l.expression)
    .filter((l): l is string => typeof l === 'string');
  return {
    ref: c['bom-ref'] ?? path,
    name: c.name,
    ...(c.version !== undefined ? { version: c.version } : {}),
    ...(c.purl !== undefined ? { purl: canonicalPurl(c.purl, source, `component ${path}`, 'purl') } : {}),
    ...(c.supplier?.name !== undefined ? { supplier: c.supplier.name } : {}),
    ...(licenses.length > 0 ? { licenses } : {}),
  };
}
