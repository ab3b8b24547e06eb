/**
 * What the agent installed, kept in `<data>/suit-state.json`: the sequence number of the last
 * update installed, and for each component file it wrote (named by the hex of the component id)
 * the sequence number and, when the offered action named it, the release version that wrote it.
 * Written only after an update installed; a missing or unreadable file means nothing installed yet.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const STATE_FILE = 'suit-state.json';
/** The largest state file read, bytes. */
const MAX_STATE_BYTES = 64 * 1024;

export interface InstalledComponent {
  sequenceNumber: number;
  version?: string;
}

export interface SuitState {
  sequenceNumber?: number;
  /** By component file name. */
  components: Record<string, InstalledComponent>;
}

const component = (v: unknown): InstalledComponent | undefined => {
  const c = v as { sequenceNumber?: unknown; version?: unknown } | null;
  if (typeof c !== 'object' || c === null || !Number.isSafeInteger(c.sequenceNumber)) return undefined;
  return { sequenceNumber: c.sequenceNumber as number, ...(typeof c.version === 'string' ? { version: c.version } : {}) };
};

export async function readSuitState(dataDir: string): Promise<SuitState> {
  let s: { sequenceNumber?: unknown; components?: unknown };
  try {
    const text = await readFile(join(dataDir, STATE_FILE), 'utf8');
    if (text.length > MAX_STATE_BYTES) return { components: {} };
    s = JSON.parse(text) as typeof s;
  } catch {
    return { components: {} };
  }
  const components: Record<string, InstalledComponent> = {};
  if (typeof s?.components === 'object' && s.components !== null)
    for (const [name, v] of Object.entries(s.components)) {
      const c = component(v);
      if (c !== undefined) components[name] = c;
    }
  return { ...(typeof s?.sequenceNumber === 'number' ? { sequenceNumber: s.sequenceNumber } : {}), components };
}

/** The sequence number of the last update this device installed, when any. */
export async function installedSequence(dataDir: string): Promise<number | undefined> {
  return (await readSuitState(dataDir)).sequenceNumber;
}

/** Records an installed update: its sequence number, and the components it wrote with the release version. */
export async function recordInstall(dataDir: string, sequenceNumber: number, written: readonly string[], version?: string): Promise<void> {
  const { components } = await readSuitState(dataDir);
  for (const name of written) components[name] = { sequenceNumber, ...(version === undefined ? {} : { version }) };
  await writeFile(join(dataDir, STATE_FILE), JSON.stringify({ sequenceNumber, components }));
}
