/**
 * A device's device API credentials over the management API (ADR 0027): what exists (never the
 * token, only a fingerprint of its hash, and when it was made, activated, replaced or revoked),
 * asking the device to rotate, and revoking them all at once, audited with the operator and the reason.
 */
import { Type } from 'typebox';
import { guidToHex } from '../../fdo/types/guid.ts';
import { MAX_REASON_LENGTH } from '../../lifecycle/registry.ts';
import type { DeviceCredentialRecord } from '../../store/device-credential-repository.ts';
import type { DeviceRecord } from '../../store/device-repository.ts';
import { actorOf } from './auth.ts';
import { guidParam } from './guid-param.ts';
import { ApiProblem } from './problem.ts';
import { type ApiContext, GuidParams, jsonResponse, type RouteFactory, route } from './route.ts';

const Revoke = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: MAX_REASON_LENGTH, pattern: '\\S' }) },
  { additionalProperties: false },
);

function status(c: DeviceCredentialRecord, now: Date): string {
  if (c.revokedAt !== undefined) return 'revoked';
  const expired = c.expiresAt !== undefined && c.expiresAt.getTime() <= now.getTime();
  // A pending one whose TO2 never committed runs out like a replaced one.
  if (expired) return 'expired';
  if (c.activatedAt === undefined) return 'pending';
  return c.expiresAt !== undefined ? 'superseded' : 'live';
}

const view = (c: DeviceCredentialRecord, now: Date) => ({
  fingerprint: c.tokenHash.slice(0, 16),
  status: status(c, now),
  createdAt: c.createdAt.toISOString(),
  ...(c.activatedAt === undefined ? {} : { activatedAt: c.activatedAt.toISOString() }),
  ...(c.expiresAt === undefined ? {} : { expiresAt: c.expiresAt.toISOString() }),
  ...(c.revokedAt === undefined ? {} : { revokedAt: c.revokedAt.toISOString() }),
  ...(c.rotationRequestedAt === undefined ? {} : { rotationRequestedAt: c.rotationRequestedAt.toISOString() }),
});

const CredentialView = Type.Object({
  fingerprint: Type.String({ description: 'the first 16 hex digits of the SHA-256 of the token' }),
  status: Type.Enum(['pending', 'live', 'superseded', 'expired', 'revoked']),
  createdAt: Type.String(),
  activatedAt: Type.Optional(Type.String()),
  expiresAt: Type.Optional(Type.String()),
  revokedAt: Type.Optional(Type.String()),
  rotationRequestedAt: Type.Optional(Type.String()),
});

async function deviceOf(ctx: ApiContext, guid: Uint8Array): Promise<DeviceRecord> {
  const d = (await ctx.store.devices.get(guid)) ?? (await ctx.store.devices.getByReplacementGuid(guid));
  if (d === undefined) throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no device with GUID ${guidToHex(guid)}`);
  return d;
}

export const deviceCredentialRoutes: RouteFactory = (ctx) => [
  route({
    method: 'GET',
    url: '/devices/:guid/credentials',
    roles: ['owner'],
    summary: "The device's device API credentials, newest first, without their tokens",
    schema: { params: GuidParams },
    openapi: { responses: { 200: jsonResponse('its credentials', Type.Object({ items: Type.Array(CredentialView) })) } },
    async handler(request) {
      const d = await deviceOf(ctx, guidParam(request.params));
      const now = (ctx.clock ?? (() => new Date()))();
      return { items: (await ctx.store.deviceCredentials.listForDevice(d.guid)).map((c) => view(c, now)) };
    },
  }),
  route({
    method: 'POST',
    url: '/devices/:guid/credentials/rotate',
    roles: ['owner'],
    summary: 'Ask the device to rotate its device API credential, with a reason: its polls answer rotate: true until it does',
    schema: { params: GuidParams, body: Revoke },
    openapi: { responses: { 200: jsonResponse('how many live credentials were marked', Type.Object({ requested: Type.Integer() })) } },
    async handler(request) {
      const d = await deviceOf(ctx, guidParam(request.params));
      const requested =
        ctx.deviceCredentials === undefined
          ? await ctx.store.deviceCredentials.requestRotation(d.guid)
          : await ctx.deviceCredentials.requestRotation(d.guid);
      await ctx.store.audit.append({
        actor: actorOf(request),
        action: 'device.credentials.rotation-requested',
        subject: guidToHex(d.guid),
        details: { requested, reason: request.body.reason.trim() },
      });
      return { requested };
    },
  }),
  route({
    method: 'POST',
    url: '/devices/:guid/credentials/revoke',
    roles: ['owner'],
    summary: "Revoke every device API credential of the device at once, with a reason; the device's next call is 401",
    schema: { params: GuidParams, body: Revoke },
    openapi: { responses: { 200: jsonResponse('how many were revoked', Type.Object({ revoked: Type.Integer() })) } },
    async handler(request) {
      const d = await deviceOf(ctx, guidParam(request.params));
      const revoked =
        ctx.deviceCredentials === undefined
          ? await ctx.store.deviceCredentials.revokeAll(d.guid)
          : await ctx.deviceCredentials.revoke(d.guid);
      await ctx.store.audit.append({
        actor: actorOf(request),
        action: 'device.credentials.revoked',
        subject: guidToHex(d.guid),
        details: { revoked, reason: request.body.reason.trim() },
      });
      return { revoked };
    },
  }),
];
