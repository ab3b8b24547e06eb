/**
 * A published MUD file's policy in plain words (src/mud/describe): what the device may do, rule
 * by rule and in sentences, read from the bytes as published.
 */
import { describeMud, type MudDescription } from '../mud/describe/describe.ts';
import { parseMud } from '../mud/validate/parse-mud.ts';
import type { MudFileRepository } from '../store/mud-file-repository.ts';

/** The description of the file published under `name`, or undefined when none is. */
export async function describePublishedMud(files: Pick<MudFileRepository, 'get'>, name: string): Promise<MudDescription | undefined> {
  const file = await files.get(name);
  if (file === undefined) return undefined;
  const parsed = parseMud(file.content);
  // A file is published only when it validates strictly, so this is a stored file gone bad.
  if (parsed.mud === undefined) throw new Error(`the published MUD file ${name} no longer validates: ${parsed.errors[0]?.reason}`);
  return describeMud(parsed.mud);
}
