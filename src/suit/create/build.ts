/**
 * Builds a manifest and an unsigned envelope from a description, following the templates of
 * draft-ietf-suit-manifest-37 §7 (compatibility check, secure boot, download, install, A/B images,
 * load from external storage) and the severable members of §8.4.11.
 */

import { commandName, encodeSequence, type SuitCommand } from '../commands.ts';
import { Command, DigestAlgorithm, ManifestKey, Parameter, TextComponentKey, TextKey } from '../constants.ts';
import { digestOf, encodeDigest, type SuitDigest } from '../digest.ts';
import { assembleEnvelope, wrapped } from '../envelope.ts';
import { SuitError } from '../errors.ts';
import { encodeManifest, type SuitManifest } from '../manifest.ts';
import { parameterName, type SuitParameter } from '../parameters.ts';
import { encodeText, type SuitText, type SuitTextEntry } from '../text.ts';
import type { ComponentDescription, ManifestDescription } from './description.ts';

/** Reporting policies the built sequences use (§8.4.7): every record for checks, failures for actions. */
const CHECK = 15;
const SLOT_CHECK = 5;
const ACTION = 2;

const policy = (code: number, p: number): SuitCommand => ({ code, name: commandName(code), argument: { kind: 'policy', policy: p } });
const setIndex = (i: number): SuitCommand => ({
  code: Command.directiveSetComponentIndex,
  name: commandName(Command.directiveSetComponentIndex),
  argument: { kind: 'component-index', index: i },
});
const param = (code: number, value: unknown): SuitParameter => ({ code, name: parameterName(code), value });
const override = (parameters: SuitParameter[]): SuitCommand => ({
  code: Command.directiveOverrideParameters,
  name: commandName(Command.directiveOverrideParameters),
  argument: { kind: 'parameters', parameters },
});
const tryEach = (sequences: SuitCommand[][]): SuitCommand => ({
  code: Command.directiveTryEach,
  name: commandName(Command.directiveTryEach),
  argument: { kind: 'try-each', sequences, emptyLast: false },
});

const key = (id: Uint8Array[]): string => id.map((b) => Buffer.from(b).toString('hex')).join('/');

interface Group {
  index: number;
  variants: ComponentDescription[];
}

const COMPONENT_TEXT_KEYS: Record<string, number> = {
  'vendor-name': TextComponentKey.vendorName,
  'model-name': TextComponentKey.modelName,
  'vendor-domain': TextComponentKey.vendorDomain,
  'model-info': TextComponentKey.modelInfo,
  'component-description': TextComponentKey.componentDescription,
  'component-version': TextComponentKey.componentVersion,
};
const MANIFEST_TEXT_KEYS: Record<string, number> = {
  'manifest-description': TextKey.manifestDescription,
  'update-description': TextKey.updateDescription,
};

/** The manifest a description stands for, with severable members in place (not yet severed). */
export function buildManifest(d: ManifestDescription): SuitManifest {
  // One component per install-id; descriptions sharing an install-id are its slots (A/B images, §7.7).
  const groups: Group[] = [];
  const byId = new Map<string, Group>();
  const ids: Uint8Array[][] = [];
  for (const c of d.components) {
    const g = byId.get(key(c.installId));
    if (g === undefined) {
      const ng = { index: ids.length, variants: [c] };
      byId.set(key(c.installId), ng);
      groups.push(ng);
      ids.push(c.installId);
    } else {
      if (c.slot === undefined || g.variants.some((v) => v.slot === undefined || v.slot === c.slot))
        throw new SuitError(
          'ERR_SUIT_DESCRIPTION',
          'description.components',
          `install-id ${key(c.installId)} repeats without distinct slots`,
        );
      g.variants.push(c);
    }
  }
  const extraIndex = new Map<string, number>();
  const indexOf = (id: Uint8Array[]): number => {
    const k = key(id);
    const found = byId.get(k)?.index ?? extraIndex.get(k);
    if (found !== undefined) return found;
    extraIndex.set(k, ids.length);
    ids.push(id);
    return ids.length - 1;
  };
  for (const g of groups) for (const c of g.variants) if (c.downloadId !== undefined) indexOf(c.downloadId);
  for (const g of groups) for (const c of g.variants) if (c.loadId !== undefined) indexOf(c.loadId);
  const multi = ids.length > 1;
  const select = (seq: SuitCommand[], i: number) => {
    if (multi) seq.push(setIndex(i));
  };

  const shared: SuitCommand[] = [];
  const validate: SuitCommand[] = [];
  const load: SuitCommand[] = [];
  const invoke: SuitCommand[] = [];
  const payloadFetch: SuitCommand[] = [];
  const install: SuitCommand[] = [];

  for (const g of groups) {
    const first = g.variants[0] as ComponentDescription;
    const slotted = g.variants.length > 1;
    const identity: SuitParameter[] = [];
    if (first.vendorId !== undefined) identity.push(param(Parameter.vendorIdentifier, first.vendorId));
    if (first.classId !== undefined) identity.push(param(Parameter.classIdentifier, first.classId));
    const image = (c: ComponentDescription): SuitParameter[] => [
      ...(c.installDigest === undefined ? [] : [param(Parameter.imageDigest, c.installDigest)]),
      ...(c.installSize === undefined ? [] : [param(Parameter.imageSize, c.installSize)]),
    ];
    const perSlot = (c: ComponentDescription, then: SuitParameter[]): SuitCommand[] => [
      override([param(Parameter.componentSlot, c.slot)]),
      policy(Command.conditionComponentSlot, SLOT_CHECK),
      ...(then.length === 0 ? [] : [override(then)]),
    ];

    // Compatibility check and image parameters (§7.1, §7.7).
    select(shared, g.index);
    const sharedParams = slotted ? identity : [...identity, ...image(first)];
    if (sharedParams.length > 0) shared.push(override(sharedParams));
    if (slotted) shared.push(tryEach(g.variants.map((c) => perSlot(c, image(c)))));
    if (first.vendorId !== undefined) shared.push(policy(Command.conditionVendorIdentifier, CHECK));
    if (first.classId !== undefined) shared.push(policy(Command.conditionClassIdentifier, CHECK));

    // Secure boot: the installed image must match (§7.2).
    if (first.installDigest !== undefined) {
      select(validate, g.index);
      validate.push(policy(Command.conditionImageMatch, CHECK));
    }

    // Load from external storage (§7.6): copy into the load component and check it.
    if (first.loadable && first.loadId !== undefined) {
      select(load, indexOf(first.loadId));
      const ps: SuitParameter[] = [];
      if (first.loadDigest !== undefined) ps.push(param(Parameter.imageDigest, first.loadDigest));
      if (first.loadSize !== undefined) ps.push(param(Parameter.imageSize, first.loadSize));
      ps.push(param(Parameter.sourceComponent, g.index));
      load.push(override(ps), policy(Command.directiveCopy, ACTION));
      if (first.loadDigest !== undefined) load.push(policy(Command.conditionImageMatch, CHECK));
    }

    // Invoke (§7.2); a component with slots is left to the boot loader's choice of slot.
    if (first.bootable && !slotted) {
      select(invoke, first.loadable && first.loadId !== undefined ? indexOf(first.loadId) : g.index);
      invoke.push(policy(Command.directiveInvoke, ACTION));
    }

    if (first.downloadId !== undefined) {
      // Download, then install from the download component (§7.5).
      const di = indexOf(first.downloadId);
      select(payloadFetch, di);
      const ps: SuitParameter[] = [];
      if (first.downloadDigest !== undefined) ps.push(param(Parameter.imageDigest, first.downloadDigest));
      ps.push(param(Parameter.uri, first.uri));
      payloadFetch.push(override(ps), policy(Command.directiveFetch, ACTION));
      if (first.downloadDigest !== undefined) payloadFetch.push(policy(Command.conditionImageMatch, CHECK));
      select(install, g.index);
      install.push(override([param(Parameter.sourceComponent, di)]), policy(Command.directiveCopy, ACTION));
      if (first.installDigest !== undefined) install.push(policy(Command.conditionImageMatch, CHECK));
    } else if (g.variants.some((c) => c.uri !== undefined)) {
      // Simultaneous download and installation (§7.4).
      select(install, g.index);
      if (slotted) install.push(tryEach(g.variants.map((c) => perSlot(c, c.uri === undefined ? [] : [param(Parameter.uri, c.uri)]))));
      else install.push(override([param(Parameter.uri, first.uri)]));
      install.push(policy(Command.directiveFetch, ACTION));
      if (first.installDigest !== undefined) install.push(policy(Command.conditionImageMatch, CHECK));
    }
  }

  const m: SuitManifest = {
    version: d.manifestVersion,
    sequenceNumber: d.sequenceNumber,
    common: { components: ids, keyOrder: [], ...(shared.length > 0 ? { sharedSequence: shared } : {}) },
    sequences: new Map(),
    severed: new Map(),
    extensions: new Map(),
    keyOrder: [],
  };
  if (d.referenceUri !== undefined) m.referenceUri = d.referenceUri;
  for (const [k, seq] of [
    [ManifestKey.validate, validate],
    [ManifestKey.load, load],
    [ManifestKey.invoke, invoke],
    [ManifestKey.payloadFetch, payloadFetch],
    [ManifestKey.install, install],
  ] as const) {
    if (seq.length > 0) m.sequences.set(k, seq);
  }
  const text = buildText(d, groups);
  if (text !== undefined) m.text = text;
  return m;
}

function buildText(d: ManifestDescription, groups: Group[]): SuitText | undefined {
  const langs = new Set<string>(d.text.keys());
  for (const c of d.components) for (const l of c.text.keys()) langs.add(l);
  if (langs.size === 0) return undefined;
  const languages: SuitText['languages'] = [];
  for (const tag of langs) {
    const entries: SuitTextEntry[] = [];
    for (const [k, t] of [...(d.text.get(tag) ?? [])].sort((a, b) => (MANIFEST_TEXT_KEYS[a[0]] ?? 0) - (MANIFEST_TEXT_KEYS[b[0]] ?? 0)))
      entries.push({ key: MANIFEST_TEXT_KEYS[k] as number, text: t });
    for (const g of groups) {
      const c = g.variants[0] as ComponentDescription;
      const fields = [...(c.text.get(tag) ?? [])]
        .map(([k, t]) => ({ key: COMPONENT_TEXT_KEYS[k] as number, text: t }))
        .sort((a, b) => a.key - b.key);
      if (fields.length > 0) entries.push({ component: c.installId, fields });
    }
    if (entries.length > 0) languages.push({ tag, entries });
  }
  return languages.length === 0 ? undefined : { languages };
}

export interface BuildEnvelopeOptions {
  /** Digest algorithm of the authentication wrapper and severed members (default SHA-256). */
  digestAlgorithm?: number;
}

/** Members a description with `severable: true` moves to the envelope (§8.4.11). */
const SEVER_ON_CREATE = [ManifestKey.payloadFetch, ManifestKey.install, ManifestKey.text] as const;

/** Builds the unsigned envelope: authentication wrapper with the manifest digest and no block yet. */
export function buildEnvelope(d: ManifestDescription, opts: BuildEnvelopeOptions = {}): Uint8Array {
  const alg = opts.digestAlgorithm ?? DigestAlgorithm.SHA256;
  const m = buildManifest(d);
  const severable = new Map<number, Uint8Array>();
  if (d.severable) {
    for (const k of SEVER_ON_CREATE) {
      const member = k === ManifestKey.text ? (m.text === undefined ? undefined : encodeText(m.text)) : maybeSequence(m.sequences.get(k));
      if (member === undefined) continue;
      severable.set(k, member);
      m.severed.set(k, digestOf(alg, wrapped(member)) as SuitDigest);
      if (k === ManifestKey.text) delete m.text;
      else m.sequences.delete(k);
    }
  }
  const manifestBytes = encodeManifest(m);
  return assembleEnvelope({
    tagged: true,
    digestBytes: encodeDigest(digestOf(alg, wrapped(manifestBytes))),
    blocks: [],
    manifestBytes,
    severable,
    integrated: new Map(),
    extensions: new Map(),
    keyOrder: [],
  });
}

const maybeSequence = (s: SuitCommand[] | undefined): Uint8Array | undefined => (s === undefined ? undefined : encodeSequence(s));
