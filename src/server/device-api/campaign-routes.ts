/**
 * The device API's update routes: a device's own action's envelope, the payloads of releases it
 * was offered (single HTTP Range, strong ETag = SHA-256, 206/416), and its feedback. Another
 * device's action is answered as an unknown one: 404.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { guidToHex } from '../../fdo/types/guid.ts';
import type { CampaignContext } from '../../lifecycle/campaigns/context.ts';
import {
  actionFeedback,
  confirmAction,
  FEEDBACK_STATUSES,
  type Feedback,
  type OfferedAction,
  ownAction,
} from '../../lifecycle/campaigns/device-actions.ts';
import { CampaignError } from '../../lifecycle/campaigns/errors.ts';
import { isSha256Hex, type PayloadDeps, payloadRecord, streamPayloadRange } from '../../lifecycle/releases/payloads.ts';
import { IN_FLIGHT_STATES } from '../../store/campaign-repository.ts';
import { ApiProblem } from '../api/problem.ts';
import { answer } from './cbor-body.ts';
import { deviceOf } from './device-auth.ts';
import { DEVICE_API_PREFIX } from './paths.ts';
import { parseRange } from './range.ts';

/** The SUIT envelope media type (draft-ietf-suit-manifest §12.2). */
export const SUIT_ENVELOPE_TYPE = 'application/suit-envelope+cose';

export const envelopePath = (actionId: string): string => `${DEVICE_API_PREFIX}/actions/${actionId}/envelope`;

/** The `action` of a poll answer. */
export const actionView = (o: OfferedAction) => ({
  id: o.action.id,
  type: o.campaign.actionType,
  envelopeUrl: envelopePath(o.action.id),
  confirm: o.campaign.confirm,
  release: { id: o.release.id, version: o.release.version, sequenceNumber: o.release.sequenceNumber },
});

function campaignProblem(e: unknown): never {
  if (e instanceof CampaignError) {
    if (e.code === 'ERR_CAMPAIGN_ACTION_NOT_FOUND') throw new ApiProblem(404, e.code, e.message);
    if (e.code === 'ERR_CAMPAIGN_FEEDBACK') throw new ApiProblem(409, e.code, e.message);
    if (e.code === 'ERR_CAMPAIGN_REPORT') throw new ApiProblem(422, e.code, e.message);
  }
  throw e;
}

const ActionParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;
const FeedbackBody = {
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: [...FEEDBACK_STATUSES] },
    reason: { type: 'string', maxLength: 1024 },
    report: { type: 'string', maxLength: 90_000, pattern: '^[A-Za-z0-9_-]*$' },
    sequenceNumber: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  },
} as const;

const ConfirmBody = {
  type: 'object',
  required: ['accept'],
  additionalProperties: false,
  properties: { accept: { type: 'boolean' }, reason: { type: 'string', maxLength: 1024 } },
} as const;

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/** Whether a release offered to the device (an action in flight) has a payload with this digest. */
async function offeredDigest(ctx: CampaignContext, guid: string, digest: string): Promise<boolean> {
  for (const a of await ctx.store.campaigns.actionsOfDevice(guid, IN_FLIGHT_STATES)) {
    const c = await ctx.store.campaigns.get(a.campaignId);
    const r = c === undefined ? undefined : await ctx.store.releases.get(c.releaseId);
    if (r?.components.some((x) => x.digest === digest)) return true;
  }
  return false;
}

function artifactHandler(ctx: CampaignContext, payloads: PayloadDeps): Handler {
  return async (request, reply) => {
    const { sha256 } = request.params as { sha256: string };
    const guid = guidToHex(deviceOf(request).guid);
    if (!isSha256Hex(sha256) || !(await offeredDigest(ctx, guid, sha256)))
      throw new ApiProblem(404, 'ERR_API_NOT_FOUND', `no payload ${sha256.slice(0, 64)} offered to this device`);
    const p = await payloadRecord(payloads.payloads, sha256);
    const range = parseRange(request.headers.range, p.size);
    if (range === 'unsatisfiable') {
      reply.header('content-range', `bytes */${p.size}`);
      throw new ApiProblem(416, 'ERR_PAYLOAD_RANGE', `the range is outside the payload's ${p.size} bytes`);
    }
    // Streamed chunk by chunk: nothing beyond one chunk is held, whatever the payload's size.
    const r = await streamPayloadRange(payloads, sha256, range?.start ?? 0, range?.end);
    reply
      .header('etag', r.etag)
      .header('accept-ranges', 'bytes')
      .header('content-length', String(r.end - r.start + 1))
      .type(r.mediaType);
    if (range !== undefined) reply.code(206).header('content-range', `bytes ${r.start}-${r.end}/${r.size}`);
    return reply.send(Readable.from(r.chunks, { objectMode: false }));
  };
}

export function campaignRoutes(ctx: CampaignContext, payloads: PayloadDeps) {
  return [
    {
      method: 'GET' as const,
      url: '/actions/:id/envelope',
      schema: { params: ActionParams },
      async handler(request: FastifyRequest, reply: FastifyReply) {
        const { id } = request.params as { id: string };
        const o = await ownAction(ctx, guidToHex(deviceOf(request).guid), id).catch(campaignProblem);
        return reply.type(SUIT_ENVELOPE_TYPE).header('etag', `"${o.release.envelopeDigest}"`).send(Buffer.from(o.release.envelope));
      },
    },
    {
      method: 'GET' as const,
      url: '/artifacts/:sha256',
      handler: artifactHandler(ctx, payloads),
    },
    {
      method: 'POST' as const,
      url: '/actions/:id/feedback',
      schema: { params: ActionParams, body: FeedbackBody },
      async handler(request: FastifyRequest, reply: FastifyReply) {
        const { id } = request.params as { id: string };
        const b = request.body as { status: Feedback['status']; reason?: string; report?: string; sequenceNumber?: number };
        const f: Feedback = {
          status: b.status,
          ...(b.reason === undefined ? {} : { reason: b.reason }),
          ...(b.sequenceNumber === undefined ? {} : { sequenceNumber: b.sequenceNumber }),
          ...(b.report === undefined ? {} : { report: new Uint8Array(Buffer.from(b.report, 'base64url')) }),
        };
        const a = await actionFeedback(ctx, guidToHex(deviceOf(request).guid), id, f).catch(campaignProblem);
        return answer(request, reply, { id: a.id, state: a.state });
      },
    },
    {
      method: 'POST' as const,
      url: '/actions/:id/confirm',
      schema: { params: ActionParams, body: ConfirmBody },
      async handler(request: FastifyRequest, reply: FastifyReply) {
        const { id } = request.params as { id: string };
        const b = request.body as { accept: boolean; reason?: string };
        const choice = { accept: b.accept, ...(b.reason === undefined ? {} : { reason: b.reason }) };
        const a = await confirmAction(ctx, guidToHex(deviceOf(request).guid), id, choice).catch(campaignProblem);
        return answer(request, reply, { id: a.id, state: a.state });
      },
    },
  ];
}
