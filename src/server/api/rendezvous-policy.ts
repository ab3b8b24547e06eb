/**
 * The rendezvous acceptance policy for TO0 (FDO 1.1 §5.3.3 leaves whom to accept to the
 * operator): `open` accepts every voucher that verifies; `trusted` only vouchers whose
 * manufacturer key (OVHeader.OVPubKey) or whose current owner key (the last entry's, which signed
 * to1d) is on a list. Keys are kept as SHA-256 fingerprints of their SubjectPublicKeyInfo, the
 * same fingerprints the other routes show; a request may give a PEM public key instead.
 */
import { CryptoError } from '../../crypto/errors.ts';
import { importPublicKey } from '../../crypto/key-import.ts';
import { publicKeyFingerprint } from '../../fdo/types/public-key.ts';
import type { Store } from '../../store/store.ts';
import { actorOf } from './auth.ts';
import { ApiProblem, invalidField } from './problem.ts';
import { jsonResponse, type RouteFactory } from './route.ts';

export const RENDEZVOUS_SCOPE = 'rendezvous';
export const ACCEPTANCE_KEY = 'acceptance';

/** Most keys on one list: far more than an operator types, few enough for one setting. */
export const MAX_TRUSTED_KEYS = 500;
/** Longest PEM accepted for one key (an RSA-3072 certificate chain's leaf fits easily). */
const MAX_KEY_TEXT = 8192;

export type AcceptancePolicy = { mode: 'open' } | { mode: 'trusted'; manufacturerKeys: string[]; ownerKeys: string[] };

export const OPEN_POLICY: AcceptancePolicy = Object.freeze({ mode: 'open' });

const FINGERPRINT = /^[0-9a-f]{64}$/;

/** A key as its fingerprint: 64 hex digits (colons and upper case allowed), or a PEM public key or certificate. */
function fingerprintOf(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_KEY_TEXT) {
    throw invalidField(field, 'a key fingerprint (SHA-256 of the SubjectPublicKeyInfo, 64 hex digits) or a PEM public key');
  }
  const hex = v.trim().replace(/:/g, '').toLowerCase();
  if (FINGERPRINT.test(hex)) return hex;
  if (!v.includes('-----BEGIN')) throw invalidField(field, 'neither 64 hex digits nor a PEM public key');
  try {
    return publicKeyFingerprint(importPublicKey(v));
  } catch (e) {
    if (e instanceof CryptoError) throw invalidField(field, `not a public key: ${e.message}`);
    throw e;
  }
}

function keyList(v: unknown, field: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > MAX_TRUSTED_KEYS) throw invalidField(field, `an array of at most ${MAX_TRUSTED_KEYS} keys`);
  return [...new Set(v.map((k, i) => fingerprintOf(k, `${field}[${i}]`)))];
}

/** Checks a policy from outside (a request, or the store) and returns it with every key as a fingerprint. */
export function validateAcceptancePolicy(value: unknown): AcceptancePolicy {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidField('body', 'a JSON object { mode, … }');
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'mode' && k !== 'manufacturerKeys' && k !== 'ownerKeys')
      throw invalidField(k, 'not a policy field (mode, manufacturerKeys, ownerKeys)');
  }
  if (o.mode === 'open') {
    if (o.manufacturerKeys !== undefined || o.ownerKeys !== undefined) throw invalidField('mode', 'an open policy takes no keys');
    return { mode: 'open' };
  }
  if (o.mode !== 'trusted') throw invalidField('mode', 'open or trusted');
  const policy = {
    mode: 'trusted' as const,
    manufacturerKeys: keyList(o.manufacturerKeys, 'manufacturerKeys'),
    ownerKeys: keyList(o.ownerKeys, 'ownerKeys'),
  };
  if (policy.manufacturerKeys.length + policy.ownerKeys.length === 0) {
    throw invalidField('manufacturerKeys', 'a trusted policy needs at least one manufacturer or owner key');
  }
  return policy;
}

/** The policy in force: the stored one, or open when none is stored. */
export async function readAcceptancePolicy(store: Pick<Store, 'settings'>): Promise<AcceptancePolicy> {
  const value = await store.settings.get(RENDEZVOUS_SCOPE, ACCEPTANCE_KEY);
  if (value === undefined) return OPEN_POLICY;
  try {
    return validateAcceptancePolicy(value);
  } catch (e) {
    // Only a hand-edited database gets here; refusing every TO0 is safer than accepting all.
    if (e instanceof ApiProblem)
      throw new ApiProblem(500, 'ERR_API_SETTING_CORRUPT', `the stored acceptance policy is invalid: ${e.message}`);
    throw e;
  }
}

const KEYS_SCHEMA = {
  type: 'array',
  maxItems: MAX_TRUSTED_KEYS,
  items: {
    type: 'string',
    description: 'SHA-256 fingerprint of the SubjectPublicKeyInfo (64 hex digits); a request may give a PEM public key',
  },
};
const POLICY_SCHEMA = {
  oneOf: [
    { type: 'object', required: ['mode'], additionalProperties: false, properties: { mode: { const: 'open' } } },
    {
      type: 'object',
      required: ['mode'],
      additionalProperties: false,
      properties: { mode: { const: 'trusted' }, manufacturerKeys: KEYS_SCHEMA, ownerKeys: KEYS_SCHEMA },
    },
  ],
};

export const rendezvousPolicyRoutes: RouteFactory = (ctx) => [
  {
    method: 'GET',
    url: '/rendezvous/policy',
    roles: ['rendezvous'],
    summary: 'The TO0 acceptance policy: open, or only vouchers from trusted manufacturer or owner keys',
    openapi: { responses: { 200: jsonResponse('the policy in force (open when none was set)', POLICY_SCHEMA) } },
    handler: () => readAcceptancePolicy(ctx.store),
  },
  {
    method: 'PUT',
    url: '/rendezvous/policy',
    roles: ['rendezvous'],
    summary: 'Set the TO0 acceptance policy; it applies to the next TO0 on every server sharing this database',
    openapi: {
      requestBody: { required: true, content: { 'application/json': { schema: POLICY_SCHEMA } } },
      responses: { 200: jsonResponse('the policy now in force, keys as fingerprints', POLICY_SCHEMA) },
    },
    async handler(request) {
      const policy = validateAcceptancePolicy(request.body);
      await ctx.store.transaction(async (r) => {
        await r.settings.put(RENDEZVOUS_SCOPE, ACCEPTANCE_KEY, policy);
        await r.audit.append({
          actor: actorOf(request),
          action: 'rendezvous.policy.set',
          subject: `setting:${RENDEZVOUS_SCOPE}/${ACCEPTANCE_KEY}`,
          details: policy,
        });
      });
      return policy;
    },
  },
];
