import { Type } from 'typebox';
import { CryptoError } from '../crypto/errors.ts';
import { importPublicKey } from '../crypto/key-import.ts';
import type { PrivateKeyLike } from '../crypto/private-key-handle.ts';
import type { VoucherAcceptance } from '../fdo/protocol/ports.ts';
import { publicKeyFingerprint } from '../fdo/types/public-key.ts';
import type { Store } from '../store/store.ts';
import { changeSetting, invalidSetting, readSetting, settingValue } from './settings.ts';

export const RENDEZVOUS_SCOPE = 'rendezvous';
export const ACCEPTANCE_KEY = 'acceptance';

/** Most keys on one list: far more than an operator types, few enough for one setting. */
export const MAX_TRUSTED_KEYS = 500;
/** Longest PEM accepted for one key (an RSA-3072 certificate chain's leaf fits easily). */
const MAX_KEY_TEXT = 8192;

export type AcceptancePolicy = { mode: 'open' } | { mode: 'trusted'; manufacturerKeys: string[]; ownerKeys: string[] };

export const OPEN_POLICY: AcceptancePolicy = Object.freeze({ mode: 'open' });

const FINGERPRINT = /^[0-9a-f]{64}$/;

const KeyList = Type.Array(
  Type.String({
    minLength: 1,
    maxLength: MAX_KEY_TEXT,
    description: 'SHA-256 fingerprint of the SubjectPublicKeyInfo (64 hex digits, colons and upper case allowed) or a PEM public key',
  }),
  { maxItems: MAX_TRUSTED_KEYS },
);
/** The policy as a request (or the store) gives it; `open` takes no keys, `trusted` at least one. */
export const AcceptancePolicyInput = Type.Object(
  { mode: Type.Enum(['open', 'trusted']), manufacturerKeys: Type.Optional(KeyList), ownerKeys: Type.Optional(KeyList) },
  { additionalProperties: false },
);
const SOURCE = Type.Enum(['stored', 'default'], {
  description: "set through the API, or the server's default (its own manufacturer and owner keys, or open when started so)",
});
/** The policy as it is shown: keys as fingerprints, and where it comes from. */
export const AcceptancePolicySchema = Type.Union([
  Type.Object({ mode: Type.Literal('open'), source: SOURCE }, { additionalProperties: false }),
  Type.Object(
    {
      mode: Type.Literal('trusted'),
      manufacturerKeys: Type.Array(Type.String({ pattern: FINGERPRINT.source })),
      ownerKeys: Type.Array(Type.String({ pattern: FINGERPRINT.source })),
      source: SOURCE,
    },
    { additionalProperties: false },
  ),
]);

/** The policy in force and whether it was stored or is the server's default. */
export type AcceptancePolicyView = AcceptancePolicy & { source: 'stored' | 'default' };

/** What a server trusts while no policy is stored (`rendezvousPolicy` of `iotopia up`). */
export type DefaultAcceptance = 'own-keys' | 'open';
export const DEFAULT_ACCEPTANCE_MODES: readonly DefaultAcceptance[] = ['own-keys', 'open'];

/**
 * The default policy: open, or trusted with this server's own keys. Its owner keys count as
 * manufacturer keys too: the replacement voucher TO2 makes names the owner's key as its OVPubKey
 * (FDO 1.1 §5.5), so a device this server onboarded and then resold comes back with it there.
 */
export function defaultAcceptancePolicy(
  mode: DefaultAcceptance,
  own: { manufacturer: readonly PrivateKeyLike[]; owner: readonly PrivateKeyLike[] },
): AcceptancePolicy {
  if (mode === 'open') return OPEN_POLICY;
  const fps = (keys: readonly PrivateKeyLike[]) => [...new Set(keys.map((k) => publicKeyFingerprint(k)))];
  return { mode: 'trusted', manufacturerKeys: fps([...own.manufacturer, ...own.owner]), ownerKeys: fps(own.owner) };
}

/** A key as its fingerprint: 64 hex digits (colons and upper case allowed), or a PEM public key or certificate. */
function fingerprintOf(v: string, field: string): string {
  if (v.trim() === '')
    throw invalidSetting(field, 'a key fingerprint (SHA-256 of the SubjectPublicKeyInfo, 64 hex digits) or a PEM public key');
  const hex = v.trim().replace(/:/g, '').toLowerCase();
  if (FINGERPRINT.test(hex)) return hex;
  if (!v.includes('-----BEGIN')) throw invalidSetting(field, 'neither 64 hex digits nor a PEM public key');
  try {
    return publicKeyFingerprint(importPublicKey(v));
  } catch (e) {
    if (e instanceof CryptoError) throw invalidSetting(field, `not a public key: ${e.message}`);
    throw e;
  }
}

const fingerprints = (keys: readonly string[] | undefined, field: string) => [
  ...new Set((keys ?? []).map((k, i) => fingerprintOf(k, `${field}[${i}]`))),
];

/** Checks a policy from outside (a request, or the store) and returns it with every key as a fingerprint. */
export function parseAcceptancePolicy(value: unknown): AcceptancePolicy {
  const input = settingValue(AcceptancePolicyInput, value, 'body');
  if (input.mode === 'open') {
    if (input.manufacturerKeys !== undefined || input.ownerKeys !== undefined) throw invalidSetting('mode', 'an open policy takes no keys');
    return { mode: 'open' };
  }
  const policy = {
    mode: 'trusted' as const,
    manufacturerKeys: fingerprints(input.manufacturerKeys, 'manufacturerKeys'),
    ownerKeys: fingerprints(input.ownerKeys, 'ownerKeys'),
  };
  if (policy.manufacturerKeys.length + policy.ownerKeys.length === 0) {
    throw invalidSetting('manufacturerKeys', 'a trusted policy needs at least one manufacturer or owner key');
  }
  return policy;
}

/** The policy in force: the stored one, or `fallback` (the server's default) when none is stored. */
export async function readAcceptancePolicy(store: Pick<Store, 'settings'>, fallback: AcceptancePolicy): Promise<AcceptancePolicyView> {
  // A hand-edited policy is ERR_SETTING_CORRUPT: refusing every TO0 is safer than accepting all.
  const policy = await readSetting(
    store,
    { scope: RENDEZVOUS_SCOPE, key: ACCEPTANCE_KEY, what: 'acceptance policy' },
    parseAcceptancePolicy,
  );
  return policy === undefined ? { ...fallback, source: 'default' } : { ...policy, source: 'stored' };
}

/**
 * Stores a policy with an audit record that holds it, or with `value` undefined forgets it (the
 * default applies again); returns the policy now in force.
 */
export async function setAcceptancePolicy(
  store: Store,
  actor: string,
  value: unknown,
  fallback: AcceptancePolicy,
): Promise<AcceptancePolicyView> {
  if (value === undefined) {
    await changeSetting(store, actor, { scope: RENDEZVOUS_SCOPE, key: ACCEPTANCE_KEY, action: 'rendezvous.policy' });
    return { ...fallback, source: 'default' };
  }
  const policy = parseAcceptancePolicy(value);
  await changeSetting(store, actor, {
    scope: RENDEZVOUS_SCOPE,
    key: ACCEPTANCE_KEY,
    action: 'rendezvous.policy',
    value: policy,
    details: policy,
  });
  return { ...policy, source: 'stored' };
}

/** The TO0 acceptance port: the stored policy, read at each TO0, or `fallback` while none is stored. */
export function storedAcceptance(store: Pick<Store, 'settings'>, fallback: AcceptancePolicy): VoucherAcceptance {
  return async (voucher) => {
    const policy = await readAcceptancePolicy(store, fallback);
    if (policy.mode === 'open') return true;
    return (
      policy.manufacturerKeys.includes(publicKeyFingerprint(voucher.manufacturerKey)) ||
      policy.ownerKeys.includes(publicKeyFingerprint(voucher.ownerKey))
    );
  };
}
