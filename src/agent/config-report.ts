/**
 * The agent's report of what it is and what it runs (`PUT /device/v1/config`): its identity
 * (device-identity.ts) and `firmware`, one entry per component file in `<data>/components/` (the
 * hex of its component id) with the version that wrote it (suit-state.ts): the release version and
 * sequence number, `sequence <n>` when the offer named no version, `unknown` before any install.
 * A report is sent only when it differs from the last one sent to that endpoint, whose digest is
 * kept in `<data>/config-sent.json`; so sending after every start and every install costs a few
 * local reads when nothing changed.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManagementProvision } from '../fdo/serviceinfo/ports.ts';
import {
  type DeviceConfigReport as DeviceConfig,
  MAX_COMPONENT_CHARS,
  MAX_FIRMWARE_COMPONENTS,
  MAX_VERSION_CHARS,
} from '../lifecycle/device-config.ts';
import { putConfig } from './device-api-client.ts';
import type { DeviceIdentity } from './device-identity.ts';
import { writeFileAtomic } from './local-ports.ts';
import { readSuitState, type SuitState } from './suit-state.ts';

export const SENT_FILE = 'config-sent.json';
const COMPONENT_FILE = /^[0-9a-f]+(_[0-9a-f]+)*$/;

/** A version text within the bound: the release version is shortened, never the sequence number. */
export function versionText(c: SuitState['components'][string] | undefined, fallback: number | undefined): string {
  if (c === undefined) return fallback === undefined ? 'unknown' : `sequence ${fallback}`;
  if (c.version === undefined) return `sequence ${c.sequenceNumber}`;
  const tail = ` (sequence ${c.sequenceNumber})`;
  return `${c.version.slice(0, Math.max(1, MAX_VERSION_CHARS - tail.length))}${tail}`;
}

async function componentFiles(dataDir: string): Promise<string[]> {
  try {
    return (await readdir(join(dataDir, 'components')))
      .filter((f) => f.length <= MAX_COMPONENT_CHARS && COMPONENT_FILE.test(f))
      .sort()
      .slice(0, MAX_FIRMWARE_COMPONENTS);
  } catch {
    return [];
  }
}

/** The report of the device in `dataDir`. */
export async function deviceConfig(dataDir: string, identity: DeviceIdentity): Promise<DeviceConfig> {
  const [files, state] = await Promise.all([componentFiles(dataDir), readSuitState(dataDir)]);
  const firmware = files.map((component) => ({ component, version: versionText(state.components[component], state.sequenceNumber) }));
  return { ...identity, ...(firmware.length === 0 ? {} : { firmware }) };
}

const digestOf = (endpoint: string, config: DeviceConfig) =>
  createHash('sha256')
    .update(JSON.stringify([endpoint, config]))
    .digest('hex');

async function lastSent(dataDir: string): Promise<string | undefined> {
  try {
    const v = JSON.parse(await readFile(join(dataDir, SENT_FILE), 'utf8')) as { digest?: unknown };
    return typeof v.digest === 'string' ? v.digest : undefined;
  } catch {
    return undefined;
  }
}

export interface ConfigReportOptions {
  provision: ManagementProvision;
  dataDir: string;
  identity: DeviceIdentity;
  fetch?: typeof fetch;
}

/** Sends the device's report when it changed since the last one sent; refusals and network failures are thrown. */
export async function reportConfig(o: ConfigReportOptions): Promise<'sent' | 'unchanged'> {
  const config = await deviceConfig(o.dataDir, o.identity);
  const digest = digestOf(o.provision.endpoint, config);
  if ((await lastSent(o.dataDir)) === digest) return 'unchanged';
  await putConfig(o.provision, config, o.fetch);
  await writeFileAtomic(join(o.dataDir, SENT_FILE), JSON.stringify({ digest }));
  return 'sent';
}

export interface ConfigReporterOptions {
  /** The provision in use (it changes when the credential is rotated). */
  provision(): ManagementProvision;
  dataDir: string;
  identity: DeviceIdentity;
  fetch?: typeof fetch;
  /** A report that could not be sent (it is tried again after the next poll). */
  onError(e: Error): void;
  onSent?(): void;
}

export interface ConfigReporter {
  /** After a successful poll: sends on the first one, and after a failed send. */
  afterPoll(): Promise<void>;
  /** After an update: an installed one is reported. */
  afterUpdate(status: string | undefined): Promise<void>;
}

/** When the agent reports: on start (its first successful poll) and after each installed update, one send at a time. */
export function configReporter(o: ConfigReporterOptions): ConfigReporter {
  let due = true;
  let queue = Promise.resolve();
  const send = async () => {
    due = false;
    try {
      const opts = { provision: o.provision(), dataDir: o.dataDir, identity: o.identity };
      if ((await reportConfig(o.fetch === undefined ? opts : { ...opts, fetch: o.fetch })) === 'sent') o.onSent?.();
    } catch (e) {
      due = true;
      o.onError(e as Error);
    }
  };
  const enqueue = () => {
    queue = queue.then(send);
    return queue;
  };
  return {
    afterPoll: () => (due ? enqueue() : queue),
    afterUpdate: (status) => (status === 'succeeded' ? enqueue() : queue),
  };
}
