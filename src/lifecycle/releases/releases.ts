/**
 * Releases: model + version + sequence number + components (each a stored payload), with a SUIT
 * envelope that the update authority signs here, or that arrives signed and is verified against
 * the trust anchors. Refused: an unknown payload, a model + version that exists, a sequence number
 * not above every earlier release of the model (anti-rollback), an envelope that does not verify.
 */
import { randomUUID } from 'node:crypto';
import type { CoseKey } from '../../codec/cose/key.ts';
import { IotopiaError } from '../../errors.ts';
import { ERR_STORE_DUPLICATE, StoreError } from '../../store/errors.ts';
import type { ReleaseComponent, ReleaseInfo, ReleaseInput, ReleaseRecord, ReleaseState } from '../../store/release-repository.ts';
import type { Repositories, Store } from '../../store/store.ts';
import { type SuitKey, verifyEnvelope } from '../../suit/authenticate.ts';
import { SuitError } from '../../suit/errors.ts';
import { releaseEnvelope } from './envelope.ts';
import { ReleaseError } from './errors.ts';
import { manifestImageDigests } from './manifest-digests.ts';
import { checkBasics, checkSequenceNumber, type ReleaseBasics } from './release-input.ts';
import type { UpdateAuthority } from './update-authority.ts';

/** The largest envelope taken for an imported release: 256 KiB. */
export const MAX_ENVELOPE_BYTES = 256 * 1024;

export interface ReleaseDeps {
  store: Store;
  authority: UpdateAuthority;
  /** Further anchors an uploaded envelope may be signed by. */
  extraAnchors?: readonly CoseKey[];
  /** The download URI of a payload by its SHA-256 (hex), written into built envelopes. */
  payloadUri: (digest: string) => string;
}

export interface NewRelease extends ReleaseBasics {
  sequenceNumber: number;
  /** `published` unless given. */
  state?: Exclude<ReleaseState, 'retired'>;
}

export interface ImportedRelease extends ReleaseBasics {
  envelope: Uint8Array;
  /** When given, must be the manifest's. */
  sequenceNumber?: number;
  state?: Exclude<ReleaseState, 'retired'>;
}

/** The keys an envelope of a release must verify with: the update authority's, then the extra anchors. */
export const releaseAnchors = (deps: ReleaseDeps): SuitKey[] => [deps.authority.coseKey, ...(deps.extraAnchors ?? [])];

async function checkPayloads(r: Repositories, components: readonly ReleaseComponent[]): Promise<void> {
  for (const c of components) {
    const p = await r.payloads.get(c.digest);
    if (p === undefined) throw new ReleaseError('ERR_RELEASE_PAYLOAD_UNKNOWN', `component ${c.id}: no payload with SHA-256 ${c.digest}`);
    if (p.size !== c.size) throw new ReleaseError('ERR_RELEASE_INPUT', `component ${c.id}: the payload has ${p.size} bytes, not ${c.size}`);
  }
}

async function checkNew(r: Repositories, model: string, version: string, sequenceNumber: number): Promise<void> {
  if ((await r.releases.getByVersion(model, version)) !== undefined)
    throw new ReleaseError('ERR_RELEASE_DUPLICATE', `model ${model} has a release ${version} already`);
  const latest = await r.releases.latestSequence(model);
  if (latest !== undefined && sequenceNumber <= latest)
    throw new ReleaseError(
      'ERR_RELEASE_ROLLBACK',
      `sequence number ${sequenceNumber} is not above ${latest}, the latest of model ${model}`,
    );
}

/** Records a release after the checks; a write that lost a race names the check it would have failed. */
async function record(store: Store, input: ReleaseInput, actor: string): Promise<ReleaseInfo> {
  try {
    return await store.transaction(async (r) => {
      await checkPayloads(r, input.components);
      await checkNew(r, input.model, input.version, input.sequenceNumber);
      const made = await r.releases.create(input);
      await r.audit.append({
        actor,
        action: 'release.created',
        subject: made.id,
        details: { model: made.model, version: made.version, sequenceNumber: made.sequenceNumber, origin: made.origin },
      });
      return made;
    });
  } catch (e) {
    if (!(e instanceof StoreError) || e.code !== ERR_STORE_DUPLICATE) throw e;
    await checkNew(store, input.model, input.version, input.sequenceNumber);
    throw e;
  }
}

const basics = (r: ReleaseBasics) => ({
  model: r.model,
  version: r.version,
  components: r.components.map((c) => ({ id: c.id, digest: c.digest, size: c.size })),
  ...(r.sbomRef === undefined ? {} : { sbomRef: r.sbomRef }),
  ...(r.vendorDomain === undefined ? {} : { vendorDomain: r.vendorDomain }),
});

/** Builds, signs and records a release. */
export async function createRelease(deps: ReleaseDeps, r: NewRelease, actor: string): Promise<ReleaseInfo> {
  checkBasics(r);
  checkSequenceNumber(r.sequenceNumber);
  await checkPayloads(deps.store, r.components);
  await checkNew(deps.store, r.model, r.version, r.sequenceNumber);
  const envelope = releaseEnvelope(r, deps.authority, deps.payloadUri);
  const input: ReleaseInput = {
    id: randomUUID(),
    ...basics(r),
    sequenceNumber: r.sequenceNumber,
    envelope,
    state: r.state ?? 'published',
    origin: 'signed',
  };
  return record(deps.store, input, actor);
}

/** Verifies an envelope against the anchors; its manifest's sequence number and image digests. */
function verifiedManifest(deps: ReleaseDeps, envelope: Uint8Array): { sequenceNumber: number; digests: Set<string> } {
  if (envelope.length > MAX_ENVELOPE_BYTES)
    throw new ReleaseError('ERR_RELEASE_ENVELOPE', `an envelope is at most ${MAX_ENVELOPE_BYTES} bytes`);
  try {
    const { envelope: e } = verifyEnvelope(envelope, { keys: releaseAnchors(deps) });
    const sequenceNumber = Number(e.manifest.sequenceNumber);
    checkSequenceNumber(sequenceNumber);
    return { sequenceNumber, digests: manifestImageDigests(e.manifest) };
  } catch (e) {
    if (e instanceof ReleaseError || !(e instanceof IotopiaError)) throw e;
    // Anything else IoTopia's decoders refused (CBOR, COSE, SUIT) is not an envelope it takes.
    const signature =
      e instanceof SuitError &&
      (e.code === 'ERR_SUIT_AUTH_FAILED' || e.code === 'ERR_SUIT_UNAUTHENTICATED' || e.code === 'ERR_SUIT_DIGEST_MISMATCH');
    throw new ReleaseError(signature ? 'ERR_RELEASE_SIGNATURE' : 'ERR_RELEASE_ENVELOPE', `the envelope: ${e.message} [${e.code}]`, {
      cause: e,
    });
  }
}

/** Records a release whose envelope was signed elsewhere, once it verifies against the anchors. */
export async function importRelease(deps: ReleaseDeps, r: ImportedRelease, actor: string): Promise<ReleaseInfo> {
  checkBasics(r);
  if (r.vendorDomain !== undefined) throw new ReleaseError('ERR_RELEASE_INPUT', 'a vendor domain is for envelopes built here');
  const { sequenceNumber, digests } = verifiedManifest(deps, r.envelope);
  for (const c of r.components)
    if (!digests.has(c.digest))
      throw new ReleaseError('ERR_RELEASE_INPUT', `component ${c.id}: the envelope sets no image digest ${c.digest}`);
  if (r.sequenceNumber !== undefined && r.sequenceNumber !== sequenceNumber)
    throw new ReleaseError('ERR_RELEASE_INPUT', `the manifest's sequence number is ${sequenceNumber}, not ${r.sequenceNumber}`);
  const input: ReleaseInput = {
    id: randomUUID(),
    ...basics(r),
    sequenceNumber,
    envelope: new Uint8Array(r.envelope),
    state: r.state ?? 'published',
    origin: 'imported',
  };
  return record(deps.store, input, actor);
}

/** The release; ERR_RELEASE_NOT_FOUND otherwise. */
export async function getRelease(store: Store, id: string): Promise<ReleaseRecord> {
  const r = await store.releases.get(id);
  if (r === undefined) throw new ReleaseError('ERR_RELEASE_NOT_FOUND', `no release ${id}`);
  return r;
}

const NEXT_STATES: Record<ReleaseState, readonly ReleaseState[]> = {
  draft: ['published', 'retired'],
  published: ['retired'],
  retired: [],
};

/** Publishes a draft or retires a release; a retired release stays retired (ERR_RELEASE_STATE). */
export async function setReleaseState(store: Store, id: string, state: ReleaseState, actor: string): Promise<ReleaseInfo> {
  return store.transaction(async (r) => {
    const current = await r.releases.get(id);
    if (current === undefined) throw new ReleaseError('ERR_RELEASE_NOT_FOUND', `no release ${id}`);
    if (current.state === state) return current;
    if (!NEXT_STATES[current.state].includes(state))
      throw new ReleaseError('ERR_RELEASE_STATE', `a ${current.state} release cannot become ${state}`);
    const changed = await r.releases.setState(id, state);
    if (changed === undefined) throw new ReleaseError('ERR_RELEASE_NOT_FOUND', `no release ${id}`);
    await r.audit.append({ actor, action: `release.${state}`, subject: id, details: { from: current.state } });
    return changed;
  });
}
