/**
 * The SHA-256 image digests a SUIT manifest sets (suit-parameter-image-digest, draft-ietf-suit-manifest
 * §8.4.8.6) in its shared sequence and command sequences, through try-each, run-sequence and
 * override-multiple: what an imported envelope's components are checked against.
 */
import type { SuitCommand } from '../../suit/commands.ts';
import { DigestAlgorithm, Parameter } from '../../suit/constants.ts';
import type { SuitDigest } from '../../suit/digest.ts';
import type { SuitManifest } from '../../suit/manifest.ts';
import type { SuitParameter } from '../../suit/parameters.ts';

function fromParameters(ps: readonly SuitParameter[], out: Set<string>): void {
  for (const p of ps) {
    if (p.code !== Parameter.imageDigest) continue;
    const d = p.value as SuitDigest;
    if (d.algorithm === DigestAlgorithm.SHA256) out.add(Buffer.from(d.bytes).toString('hex'));
  }
}

function walk(commands: readonly SuitCommand[], out: Set<string>): void {
  for (const c of commands) {
    const a = c.argument;
    if (a.kind === 'parameters') fromParameters(a.parameters, out);
    else if (a.kind === 'try-each') for (const s of a.sequences) walk(s, out);
    else if (a.kind === 'sequence') walk(a.commands, out);
    else if (a.kind === 'override-multiple') for (const e of a.entries) fromParameters(e.parameters, out);
  }
}

/** Lowercase hex SHA-256 image digests the manifest names. */
export function manifestImageDigests(m: SuitManifest): Set<string> {
  const out = new Set<string>();
  walk(m.common.sharedSequence ?? [], out);
  for (const seq of m.sequences.values()) walk(seq, out);
  return out;
}
