/**
 * The agent's update: the offered action's envelope is authenticated against the trust anchors the
 * owner provisioned and processed by the SUIT processor (src/suit/process) against the device's
 * components, kept as files in `<data>/components/` (named by the hex of their identifier
 * segments); payloads come from the device API. Components and the sequence number
 * (`<data>/suit-state.json`) are written only when processing succeeded. Feedback goes back at each
 * stage; the final one carries the SUIT report of the processing, signed with the device key
 * (update-report.ts).
 *
 * Action types: `forced` installs at once. `download-only` processes the envelope against a copy of
 * the components (so every payload it names is downloaded and checked against its image digest),
 * writes nothing, reports `downloaded` and stops. `soft` installs like `forced`, unless the agent
 * defers soft updates: then it downloads as `download-only` does and installs on a later run that
 * does not defer (the downloads are kept and not fetched again).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeCoseKey } from '../codec/cose/key.ts';
import type { PrivateKeyLike } from '../crypto/private-key-handle.ts';
import type { ManagementProvision } from '../fdo/serviceinfo/ports.ts';
import { decodeEnvelope } from '../suit/envelope.ts';
import { type ComponentId, componentKey, type SuitDevice } from '../suit/process/device.ts';
import { processEnvelope } from '../suit/process/process-envelope.ts';
import { createSimulatedDevice } from '../suit/process/simulated-device.ts';
import { installedSequence, recordInstall } from './suit-state.ts';
import type { UpdateClient } from './update-client.ts';
import { signedReport } from './update-report.ts';

export { installedSequence } from './suit-state.ts';

export interface OfferedUpdate {
  id: string;
  type: string;
  envelopeUrl: string;
  /** The campaign requires the device (or its user) to confirm before installing. */
  confirm?: boolean;
  /** The version of the release the action installs, when the offer named it. */
  releaseVersion?: string;
}

export interface UpdateResult {
  /**
   * `awaiting-confirmation`: the action needs a confirmation this agent was not told to give;
   * `downloaded`: a download-only or deferred soft action downloaded and checked its payloads.
   */
  status: 'succeeded' | 'failed' | 'downloaded' | 'awaiting-confirmation';
  reason?: string;
  sequenceNumber?: number;
  /** The signed SUIT report sent with the final feedback, base64url. */
  report?: string;
}

export interface ApplyOptions {
  /** Confirm actions that need it (else they wait). */
  accept?: boolean;
  /** Download `soft` actions and install them on a later run without this. */
  deferSoft?: boolean;
  /** The device's attestation key, which signs the SUIT report. */
  reportKey?: PrivateKeyLike;
}

const fileOf = (key: string) => key.replaceAll('/', '_');
const idOf = (file: string) => file.split('_').map((s) => new Uint8Array(Buffer.from(s, 'hex')));

async function localComponents(dir: string) {
  await mkdir(dir, { recursive: true });
  const files = (await readdir(dir)).filter((f) => /^[0-9a-f]*(_[0-9a-f]*)*$/.test(f));
  return Promise.all(files.map(async (f) => ({ id: idOf(f), slots: { 0: new Uint8Array(await readFile(join(dir, f))) } })));
}

/** Whether this run installs the action, or only downloads and checks its payloads. */
const installs = (action: OfferedUpdate, o: ApplyOptions) =>
  action.type !== 'download-only' && !(action.type === 'soft' && o.deferSoft === true);

async function run(
  provision: ManagementProvision,
  client: UpdateClient,
  action: OfferedUpdate,
  dataDir: string,
  o: ApplyOptions,
): Promise<UpdateResult> {
  const envelope = await client.envelope(action.envelopeUrl);
  await client.feedback(action.id, { status: 'downloading' });
  const componentsDir = join(dataDir, 'components');
  const last = await installedSequence(dataDir);
  const sim = createSimulatedDevice({
    components: await localComponents(componentsDir),
    autoCreateComponents: true,
    ...(last === undefined ? {} : { lastSequenceNumber: last }),
  });
  const touched = new Map<string, ComponentId>();
  const device: SuitDevice = {
    ...sim,
    fetch: (uri) => client.artifact(uri),
    write(id, data, slot) {
      sim.write(id, data, slot);
      touched.set(componentKey(id), id);
    },
    swap(a, b) {
      sim.swap(a, b);
      touched.set(componentKey(a), a).set(componentKey(b), b);
    },
  };
  const keys = provision.trustAnchors.map((a) => decodeCoseKey(a));
  // An envelope that does not authenticate throws here: nothing of it is reported (applyUpdate).
  const { outcome } = await processEnvelope(envelope, { keys, device });
  const report = o.reportKey === undefined ? {} : { report: signedReport(decodeEnvelope(envelope), outcome, o.reportKey) };
  if (!outcome.result.ok) return { status: 'failed', reason: `${outcome.result.code}: ${outcome.result.reason}`, ...report };
  if (!installs(action, o)) return { status: 'downloaded' };
  const written: string[] = [];
  for (const [key, id] of touched) {
    const bytes = sim.contents(id);
    if (bytes === undefined) continue;
    await writeFile(join(componentsDir, fileOf(key)), bytes);
    written.push(fileOf(key));
  }
  const seq = Number(outcome.sequenceNumber);
  await recordInstall(dataDir, seq, written, action.releaseVersion);
  return { status: 'succeeded', sequenceNumber: seq, ...report };
}

/**
 * Applies an offered action and reports its result (failures with their reason, the final
 * feedback with the signed SUIT report when there is a key). An action that needs confirmation is
 * confirmed first when `accept` is set, and left alone otherwise. Errors reaching the server are
 * thrown; a processing failure is reported and returned.
 */
export async function applyUpdate(
  provision: ManagementProvision,
  client: UpdateClient,
  action: OfferedUpdate,
  dataDir: string,
  options: ApplyOptions = {},
): Promise<UpdateResult> {
  if (action.confirm === true) {
    if (options.accept !== true) return { status: 'awaiting-confirmation' };
    await client.confirm(action.id);
  }
  let result: UpdateResult;
  try {
    result = await run(provision, client, action, dataDir, options);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    result = { status: 'failed', reason: `${typeof code === 'string' ? `${code}: ` : ''}${(e as Error).message}`.slice(0, 1000) };
  }
  await client.feedback(action.id, {
    status: result.status === 'awaiting-confirmation' ? 'failed' : result.status,
    ...(result.reason === undefined ? {} : { reason: result.reason.slice(0, 1000) }),
    ...(result.sequenceNumber === undefined ? {} : { sequenceNumber: result.sequenceNumber }),
    ...(result.report === undefined ? {} : { report: result.report }),
  });
  return result;
}
