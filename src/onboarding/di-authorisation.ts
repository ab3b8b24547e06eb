/**
 * Who may manufacture a device: the rule DI.AppStart goes through before any work is done for it.
 * A request is authorised, checked in this order, when
 *   1. it came in on the factory listener (`factory`);
 *   2. it carries a live DI token, `Authorization: Bearer iotopia_di_…` (`token:<id>`); a token
 *      that is unknown, revoked, expired or used up is refused, whatever else holds;
 *   3. the server listens on loopback only and the peer is on loopback too (`loopback`), so the
 *      quick start needs no credential.
 * Anything else is refused with INVALID_JWT_TOKEN (FDO 1.1 §3.8: the token is missing or
 * authorisation failed) and audited with the peer's address and the reason, never the token.
 * A token's use is taken only once the AppStart was answered (`take`), in one conditional write.
 */

import { ErrorCode } from '../fdo/constants/error-codes.ts';
import { FdoError } from '../fdo/errors.ts';
import type { ServerPeer } from '../fdo/protocol/ports.ts';
import { isLoopbackHost } from '../platform/loopback.ts';
import { hashSecret } from '../store/hash-secret.ts';
import type { Store } from '../store/store.ts';
import { DI_TOKEN_PREFIX, diTokenStatus } from './di-tokens.ts';

/** How a DI was authorised, as recorded on the manufacturer voucher. */
export type DiAuthorisedBy = 'factory' | 'loopback' | `token:${string}`;

/** What the rule needs to know of the server. */
export interface DiAuthorisationPolicy {
  /** Every listener of the server is bound to a loopback address. */
  loopbackOnly: boolean;
}

/** An authorised AppStart: how, and `take`, which spends the token's use once the AppStart was answered. */
export interface DiGrant {
  by: DiAuthorisedBy;
  take(): Promise<void>;
}

export type DiAuthoriser = (peer: ServerPeer | undefined) => Promise<DiGrant>;

const refused = (code: string, message: string) => new FdoError(code, ErrorCode.INVALID_JWT_TOKEN, message);

/** A recorded authorisation auto-owner may act on: the rule above accepted it. */
export function isAuthorisedDi(by: string | undefined): boolean {
  return by === 'factory' || by === 'loopback' || (by !== undefined && /^token:[0-9a-f]{1,64}$/.test(by));
}

function presentedToken(peer: ServerPeer | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(peer?.authorization ?? '');
  return m?.[1]?.startsWith(DI_TOKEN_PREFIX) ? m[1] : undefined;
}

export function diAuthoriser(o: { store: Store; policy: DiAuthorisationPolicy; clock: () => Date }): DiAuthoriser {
  const audit = async (peer: ServerPeer | undefined, actor: string, error: FdoError) => {
    await o.store.audit.append({
      actor,
      action: 'di.refused',
      subject: 'di',
      details: {
        reason: error.code,
        message: error.message,
        remoteAddress: peer?.remoteAddress ?? null,
        listener: peer?.listener ?? 'main',
      },
    });
    return error;
  };
  return async (peer) => {
    if (peer?.listener === 'factory') return { by: 'factory', take: async () => {} };
    const secret = presentedToken(peer);
    if (secret !== undefined) return tokenGrant(o, peer, secret, audit);
    if (o.policy.loopbackOnly && isLoopbackHost(peer?.remoteAddress ?? '')) return { by: 'loopback', take: async () => {} };
    const why = o.policy.loopbackOnly
      ? 'DI from a non-loopback peer needs a DI token'
      : 'DI needs a manufacturing credential on a server that is not loopback-only: a DI token (Authorization: Bearer iotopia_di_…) or the factory listener';
    throw await audit(peer, 'anonymous', refused('ERR_DI_NOT_AUTHORISED', why));
  };
}

async function tokenGrant(
  o: { store: Store; clock: () => Date },
  peer: ServerPeer | undefined,
  secret: string,
  audit: (peer: ServerPeer | undefined, actor: string, error: FdoError) => Promise<FdoError>,
): Promise<DiGrant> {
  const hash = hashSecret(secret);
  const token = await o.store.diTokens.findBySecretHash(hash);
  if (token === undefined)
    throw await audit(peer, 'anonymous', refused('ERR_DI_TOKEN_UNKNOWN', 'the DI token is not known to this server'));
  const actor = `di-token:${token.id}`;
  const status = diTokenStatus(token, o.clock());
  if (status !== 'active') throw await audit(peer, actor, refusal(status));
  return {
    by: `token:${token.id}`,
    async take() {
      // Checked again by the write: of concurrent AppStarts only as many as the token has left win.
      if ((await o.store.diTokens.consume(hash, o.clock())) !== undefined) return;
      const now = await o.store.diTokens.get(token.id);
      throw await audit(peer, actor, refusal(now === undefined ? 'revoked' : diTokenStatus(now, o.clock())));
    },
  };
}

function refusal(status: 'revoked' | 'expired' | 'used-up' | 'active'): FdoError {
  if (status === 'revoked') return refused('ERR_DI_TOKEN_REVOKED', 'the DI token was revoked');
  if (status === 'expired') return refused('ERR_DI_TOKEN_EXPIRED', 'the DI token has expired');
  return refused('ERR_DI_TOKEN_USED_UP', 'the DI token has made all the devices it was good for');
}
