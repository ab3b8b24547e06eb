/**
 * Who may take over a live TO0 registration at this rendezvous. FDO 1.1 §5.3.3 has the rendezvous
 * verify the voucher and the owner's signature on to1d, and leaves whom to accept to the operator;
 * §2.7 and §3.4 make the voucher's header (GUID, OVPubKey of the manufacturer, OVDevCertChainHash)
 * the device's identity and its entries the chain of owners. So while a registration is live, a
 * TO0 for the same GUID is a refresh or a resale only when it names the same device and follows
 * from the registered voucher:
 *
 * - same header: the GUID, the manufacturer key (compared as a key, whatever its encoding) and the
 *   device certificate chain hash;
 * - and either the registered voucher's entries are the first entries of the new one (the same
 *   voucher, or the registered one extended by its owner: a resale), or the new voucher's current
 *   owner is the registered one's (the same owner registering again).
 *
 * A self-made voucher with the device's GUID but its own manufacturer key fails the first rule;
 * one that copies the header cannot carry entries signed by the registered owner. Every refusal
 * is audited with the fingerprints involved (public keys only). An expired registration is
 * replaced by whatever the acceptance policy accepts.
 */
import { bytesEqual } from '../codec/bytes.ts';
import type { RegistrationReplacement, RendezvousRegistration } from '../fdo/protocol/ports.ts';
import { guidToHex } from '../fdo/types/guid.ts';
import { type FdoHash, hashEquals } from '../fdo/types/hash.ts';
import { publicKeyFingerprint } from '../fdo/types/public-key.ts';
import type { OwnershipVoucher } from '../fdo/voucher/voucher.ts';
import { voucherOwner } from '../fdo/voucher/voucher-owner.ts';
import { parseVoucher } from '../fdo/voucher/voucher-parse.ts';
import type { Store } from '../store/store.ts';

export const REGISTRATION_REFUSED_ACTION = 'rendezvous.registration-refused';

/** Why a TO0 may not replace the live registration, in words for the audit log and the server log. */
export type ReplacementRefusal =
  | 'different GUID'
  | 'different manufacturer key'
  | 'different device certificate chain'
  | 'not the registered owner, nor an extension of the registered voucher'
  | 'the registered voucher cannot be read';

const sameChainHash = (a: FdoHash | null, b: FdoHash | null) => (a === null || b === null ? a === b : hashEquals(a, b));

/** The voucher's entries begin with every entry of `prefix`, byte for byte. */
function startsWith(voucher: OwnershipVoucher, prefix: OwnershipVoucher): boolean {
  return prefix.entries.every((e, i) => {
    const other = voucher.entries[i];
    return other !== undefined && bytesEqual(e.raw, other.raw);
  });
}

/** The rule itself, pure: undefined when `incoming` may replace the registration of `registered`. */
export function replacementRefusal(
  incoming: { voucher: OwnershipVoucher; ownerFingerprint: string },
  registered: OwnershipVoucher,
): ReplacementRefusal | undefined {
  const a = incoming.voucher.header;
  const b = registered.header;
  // The caller looked the registration up by this GUID; compared again so the rule stands alone.
  if (!bytesEqual(a.guid, b.guid)) return 'different GUID';
  if (publicKeyFingerprint(a.pubKey) !== publicKeyFingerprint(b.pubKey)) return 'different manufacturer key';
  if (!sameChainHash(a.devCertChainHash, b.devCertChainHash)) return 'different device certificate chain';
  if (startsWith(incoming.voucher, registered)) return undefined;
  if (incoming.ownerFingerprint === publicKeyFingerprint(voucherOwner(registered))) return undefined;
  return 'not the registered owner, nor an extension of the registered voucher';
}

function readRegistered(live: RendezvousRegistration): OwnershipVoucher | undefined {
  try {
    return parseVoucher(live.voucher);
  } catch {
    return undefined;
  }
}

/** The fingerprints an auditor compares: who holds the registration and who asked to replace it. */
function auditDetails(reason: string, incoming: OwnershipVoucher, ownerFingerprint: string, registered: OwnershipVoucher | undefined) {
  return {
    reason,
    manufacturerKey: publicKeyFingerprint(incoming.header.pubKey),
    ownerKey: ownerFingerprint,
    entries: incoming.entries.length,
    ...(registered === undefined
      ? {}
      : {
          registeredManufacturerKey: publicKeyFingerprint(registered.header.pubKey),
          registeredOwnerKey: publicKeyFingerprint(voucherOwner(registered)),
          registeredEntries: registered.entries.length,
        }),
  };
}

/** The replacement rule for the TO0 rendezvous, auditing each refusal in the store. */
export function storedRegistrationReplacement(store: Pick<Store, 'audit'>, options: { actor?: string } = {}): RegistrationReplacement {
  const actor = options.actor ?? 'rendezvous';
  return async (incoming, live) => {
    const ownerFingerprint = publicKeyFingerprint(incoming.ownerKey);
    // A registration that no longer reads is kept until it runs out: refusing is the safe side.
    const registered = readRegistered(live);
    const reason =
      registered === undefined
        ? 'the registered voucher cannot be read'
        : replacementRefusal({ voucher: incoming.voucher, ownerFingerprint }, registered);
    if (reason === undefined) return undefined;
    await store.audit.append({
      actor,
      action: REGISTRATION_REFUSED_ACTION,
      subject: guidToHex(live.guid),
      details: auditDetails(reason, incoming.voucher, ownerFingerprint, registered),
    });
    return reason;
  };
}
