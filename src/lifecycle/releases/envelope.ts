/**
 * The SUIT envelope of a release built by the server: one component per release component, each
 * installed by fetching its payload from a URI and checked against the payload's SHA-256 and size
 * (draft-ietf-suit-manifest-37 §7.4, simultaneous download and installation), vendor and class
 * identifiers checked first when the release names its vendor domain (§7.1), with the release's
 * sequence number (§8.4.2, anti-rollback), then signed with COSE_Sign1 by the update authority (§8.3).
 */

import type { ReleaseComponent } from '../../store/release-repository.ts';
import { type SuitKey, signEnvelope } from '../../suit/authenticate.ts';
import { DigestAlgorithm, SUIT_MANIFEST_VERSION } from '../../suit/constants.ts';
import { buildEnvelope } from '../../suit/create/build.ts';
import type { ComponentDescription } from '../../suit/create/description.ts';
import { classIdOf, vendorIdOf } from './identifiers.ts';
import type { UpdateAuthority } from './update-authority.ts';

export interface EnvelopeInput {
  model: string;
  version: string;
  sequenceNumber: number;
  components: readonly ReleaseComponent[];
  vendorDomain?: string;
}

/** A release component's SUIT component identifier: one byte string, the UTF-8 of its id (§8.4.5.1). */
export const componentIdOf = (id: string): Uint8Array[] => [new Uint8Array(Buffer.from(id, 'utf8'))];

function component(c: ReleaseComponent, r: EnvelopeInput, uri: string): ComponentDescription {
  const vendorId = r.vendorDomain === undefined ? undefined : vendorIdOf(r.vendorDomain);
  return {
    installId: componentIdOf(c.id),
    ...(vendorId === undefined ? {} : { vendorId, classId: classIdOf(vendorId, r.model) }),
    installOnDownload: true,
    installDigest: { algorithm: DigestAlgorithm.SHA256, bytes: new Uint8Array(Buffer.from(c.digest, 'hex')) },
    installSize: c.size,
    uri,
    bootable: false,
    loadable: false,
    text: new Map([
      [
        'en',
        new Map([
          ['model-name', r.model],
          ['component-version', r.version],
        ]),
      ],
    ]),
  };
}

/** The signed envelope of a release; `uriOf` gives the download URI of a payload by its SHA-256 (hex). */
export function releaseEnvelope(r: EnvelopeInput, authority: UpdateAuthority, uriOf: (digest: string) => string): Uint8Array {
  const unsigned = buildEnvelope({
    manifestVersion: SUIT_MANIFEST_VERSION,
    sequenceNumber: r.sequenceNumber,
    severable: false,
    components: r.components.map((c) => component(c, r, uriOf(c.digest))),
    text: new Map(),
  });
  // COSE_Sign1 signs with a KeyObject or, for a key in a PKCS#11 token, with its signing handle.
  const key = authority.privateKey as unknown as SuitKey;
  return signEnvelope(unsigned, { key, alg: authority.alg, kid: authority.kid });
}
