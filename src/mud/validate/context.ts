import { KNOWN_EXTENSIONS, type KnownExtension } from '../model/constants.ts';
import type { Issues } from './issues.ts';
import type { MudLimits } from './limits.ts';
import type { Path } from './path.ts';

/** State shared by the readers of one file. */
export interface ReadContext {
  issues: Issues;
  limits: MudLimits;
  /** Known extensions whose members were seen, with the first place each was seen. */
  extensionsUsed: Map<KnownExtension, Path>;
  /** Whether some ACL of the file has an Ethernet-derived type (see read-matches.ts, `eth`). */
  anyEthAcl: boolean;
}

/** The known extension a module belongs to, if any. */
export function extensionOfModule(module: string): KnownExtension | undefined {
  for (const [name, ext] of Object.entries(KNOWN_EXTENSIONS))
    if ((ext.modules as readonly string[]).includes(module)) return name as KnownExtension;
  return undefined;
}

export function noteExtension(ctx: ReadContext, name: KnownExtension, path: Path): void {
  if (!ctx.extensionsUsed.has(name)) ctx.extensionsUsed.set(name, path);
}
