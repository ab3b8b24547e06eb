/**
 * The device API's routes. Each acts on the device the credential belongs to (device-auth.ts):
 * there is no GUID in any URL. `poll` offers the device's campaign action when campaigns are on,
 * and says `rotate` when an operator asked for a new credential, which `credentials/rotate` hands out.
 */
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { guidToHex } from '../../fdo/types/guid.ts';
import type { CampaignContext } from '../../lifecycle/campaigns/context.ts';
import { pollAction } from '../../lifecycle/campaigns/device-actions.ts';
import {
  type DeviceCredentials,
  ROTATION_OVERLAP_MS,
  type VerifiedCredential,
  type VerifiedDevice,
} from '../../lifecycle/device-credentials.ts';
import type { Store } from '../../store/store.ts';
import { actionView } from './campaign-routes.ts';
import { answer } from './cbor-body.ts';
import { credentialOf, deviceOf } from './device-auth.ts';
import { CONFIG_BODY_LIMIT, type DeviceConfig, DeviceConfigBody } from './device-config.ts';

interface RouteContext {
  store: Store;
  credentials: DeviceCredentials;
  pollSeconds: number;
  campaigns?: CampaignContext;
}

type DeviceRoute = Pick<RouteOptions, 'method' | 'url' | 'schema' | 'bodyLimit'> & {
  handler(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
};

async function configView(store: Store, d: VerifiedDevice) {
  const c = await store.deviceConfig.get(d.guid);
  return {
    guid: guidToHex(d.guid),
    state: d.state,
    config: c?.config ?? {},
    ...(c === undefined ? {} : { updatedAt: c.updatedAt.toISOString() }),
  };
}

/** An operator asked for a rotation and this is still the live credential (not one replaced already). */
const rotationAsked = (c: VerifiedCredential) => c.rotationRequestedAt !== undefined && c.expiresAt === undefined;

export function deviceApiRoutes(ctx: RouteContext): DeviceRoute[] {
  return [
    {
      method: 'GET',
      url: '/poll',
      async handler(request, reply) {
        // The first poll is the device's first contact: onboarded becomes active.
        const d = deviceOf(request);
        await ctx.credentials.contact(d);
        const offered = ctx.campaigns === undefined ? undefined : await pollAction(ctx.campaigns, guidToHex(d.guid));
        return answer(request, reply, {
          action: offered === undefined ? null : actionView(offered),
          pollSeconds: ctx.pollSeconds,
          ...(rotationAsked(credentialOf(request)) ? { rotate: true } : {}),
        });
      },
    },
    {
      method: 'POST',
      url: '/credentials/rotate',
      async handler(request, reply) {
        const d = deviceOf(request);
        const token = await ctx.credentials.rotate(d.guid);
        await ctx.store.audit.append({
          actor: `device:${guidToHex(d.guid)}`,
          action: 'device.credentials.rotated',
          subject: guidToHex(d.guid),
          details: { by: 'device', previousValidSeconds: Math.round(ROTATION_OVERLAP_MS / 1000) },
        });
        return answer(request, reply, {
          credential: { type: 'bearer', token },
          previousValidSeconds: Math.round(ROTATION_OVERLAP_MS / 1000),
        });
      },
    },
    {
      method: 'GET',
      url: '/config',
      async handler(request, reply) {
        return answer(request, reply, await configView(ctx.store, deviceOf(request)));
      },
    },
    {
      method: 'PUT',
      url: '/config',
      schema: { body: DeviceConfigBody },
      bodyLimit: CONFIG_BODY_LIMIT,
      async handler(request, reply) {
        const d = deviceOf(request);
        await ctx.store.deviceConfig.put(d.guid, request.body as DeviceConfig);
        return answer(request, reply, await configView(ctx.store, d));
      },
    },
  ];
}
