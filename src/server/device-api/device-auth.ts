/**
 * Device API authentication: `Authorization: Bearer <device token>` (ADR 0027). The device a
 * request authenticates as is the only device it can see: routes take it from here, never from
 * the URL. Unknown, revoked and expired tokens and retired devices get 401, a suspended device 403.
 */
import type { FastifyRequest } from 'fastify';
import type { DeviceCredentials, DeviceRefusal, VerifiedCredential, VerifiedDevice } from '../../lifecycle/device-credentials.ts';
import type { Store } from '../../store/store.ts';
import { type ApiLimiters, presentedToken, refuseLockedOut } from '../api/api-limits.ts';
import { ApiProblem } from '../api/problem.ts';

const devices = new WeakMap<FastifyRequest, VerifiedDevice>();
const presented = new WeakMap<FastifyRequest, VerifiedCredential>();

/** The device of a request that passed `authenticateDevice`. */
export function deviceOf(request: FastifyRequest): VerifiedDevice {
  const d = devices.get(request);
  if (d === undefined) throw new TypeError('the device route was reached without authentication');
  return d;
}

/** The credential a request that passed `authenticateDevice` presented. */
export function credentialOf(request: FastifyRequest): VerifiedCredential {
  const c = presented.get(request);
  if (c === undefined) throw new TypeError('the device route was reached without authentication');
  return c;
}

const REFUSALS: Record<DeviceRefusal, [number, string, string]> = {
  unknown: [401, 'ERR_DEVICE_API_TOKEN_UNKNOWN', 'the device credential is not known to this server'],
  revoked: [401, 'ERR_DEVICE_API_TOKEN_REVOKED', 'the device credential was revoked'],
  expired: [401, 'ERR_DEVICE_API_TOKEN_EXPIRED', 'the device credential has expired (it was replaced)'],
  retired: [401, 'ERR_DEVICE_API_DEVICE_RETIRED', 'the device is not in service with this owner (decommissioned or resold)'],
  suspended: [403, 'ERR_DEVICE_API_SUSPENDED', 'the device is suspended by its operator'],
};

export function refusalProblem(refusal: DeviceRefusal): ApiProblem {
  const [status, code, detail] = REFUSALS[refusal];
  return new ApiProblem(status, code, detail);
}

/** Counts a failed login against the peer and audits it (peer, code, route; never the token). */
async function failedLogin(store: Store, limiters: ApiLimiters, request: FastifyRequest, code: string): Promise<void> {
  await limiters.logins?.hit(request);
  const details = { peer: request.ip, code, route: `${request.method} ${request.routeOptions.url ?? ''}` };
  request.log.warn(details, 'device API login failed');
  await store.audit.append({ actor: 'anonymous', action: 'device-api.login.failed', subject: `peer:${request.ip}`, details });
}

export async function authenticateDevice(
  o: { store: Store; credentials: DeviceCredentials; limiters: ApiLimiters },
  request: FastifyRequest,
): Promise<void> {
  const token = presentedToken(request);
  if (token === undefined) {
    throw new ApiProblem(401, 'ERR_DEVICE_API_TOKEN_MISSING', 'send the device credential as `Authorization: Bearer <token>`', {
      field: 'Authorization',
    });
  }
  await refuseLockedOut(o.limiters, request);
  const v = await o.credentials.verify(token);
  if (!v.ok) {
    // A suspended device holds a good credential: only the others count as failed logins.
    if (v.refusal !== 'suspended') await failedLogin(o.store, o.limiters, request, REFUSALS[v.refusal][1]);
    throw refusalProblem(v.refusal);
  }
  devices.set(request, v.device);
  presented.set(request, v.credential);
}
