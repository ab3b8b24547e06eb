/**
 * What a SUIT manifest installs, per component: its SUIT component identifier (suit-components,
 * draft-ietf-suit-manifest §8.4.5) and the image digest (suit-parameter-image-digest, §8.4.8.6) the
 * manifest sets for it, followed through suit-directive-set-component-index, try-each, run-sequence
 * and override-multiple in the shared sequence and every command sequence. A component the manifest
 * sets no digest for is left out.
 */

import type { InstalledComponent } from '../../store/campaign-repository.ts';
import type { SuitCommand } from '../../suit/commands.ts';
import { Parameter } from '../../suit/constants.ts';
import { digestAlgorithmName, type SuitDigest } from '../../suit/digest.ts';
import type { SuitManifest } from '../../suit/manifest.ts';
import type { SuitParameter } from '../../suit/parameters.ts';

type Digests = Map<number, SuitDigest>;

function setDigest(ps: readonly SuitParameter[], indices: readonly number[], out: Digests): void {
  const d = ps.find((p) => p.code === Parameter.imageDigest)?.value as SuitDigest | undefined;
  if (d !== undefined) for (const i of indices) out.set(i, d);
}

function walk(commands: readonly SuitCommand[], count: number, start: number[], out: Digests): number[] {
  let current = start;
  for (const c of commands) {
    const a = c.argument;
    if (a.kind === 'component-index')
      current = a.index === true ? [...Array(count).keys()] : typeof a.index === 'number' ? [a.index] : [...a.index];
    else if (a.kind === 'parameters') setDigest(a.parameters, current, out);
    else if (a.kind === 'override-multiple') for (const e of a.entries) setDigest(e.parameters, [e.index], out);
    else if (a.kind === 'try-each') for (const s of a.sequences) walk(s, count, current, out);
    else if (a.kind === 'sequence') current = walk(a.commands, count, current, out);
  }
  return current;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * The manifest's components with the image digest it sets for each; `severed` are the sequences of
 * severable members the envelope carries, `names` component names by hex id (segments joined by /).
 */
export function installedComponents(
  m: SuitManifest,
  severed: readonly (readonly SuitCommand[])[] = [],
  names: ReadonlyMap<string, string> = new Map(),
): InstalledComponent[] {
  const count = m.common.components.length;
  const digests: Digests = new Map();
  walk(m.common.sharedSequence ?? [], count, [0], digests);
  for (const seq of [...m.sequences.values(), ...severed]) walk(seq, count, [0], digests);
  const out: InstalledComponent[] = [];
  m.common.components.forEach((id, i) => {
    const d = digests.get(i);
    if (d === undefined) return;
    const componentId = id.map(hex);
    const name = names.get(componentId.join('/'));
    out.push({
      componentId,
      ...(name === undefined ? {} : { name }),
      digest: { algorithm: digestAlgorithmName(d.algorithm), hex: hex(d.bytes) },
    });
  });
  return out;
}
