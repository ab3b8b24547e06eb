/**
 * The device side of the device API (ADR 0027): polls the endpoint the owner provisioned in TO2 with
 * the bearer credential it provisioned, at the interval the server answers with. Refusals carry the
 * server's problem code; answers are read with a size limit and checked before use.
 */
import { IotopiaError } from '../errors.ts';
import type { ManagementProvision } from '../fdo/serviceinfo/ports.ts';

/** The largest answer read from the device API, bytes. */
export const MAX_ANSWER_BYTES = 64 * 1024;
/** Bounds on the interval a server may ask for, seconds. */
export const MIN_POLL_SECONDS = 1;
export const MAX_POLL_SECONDS = 86_400;

export interface PollAnswer {
  /** The offered update action (`{ id, type, envelopeUrl, confirm, release }`), or null. */
  action: Record<string, unknown> | null;
  pollSeconds: number;
  /** The operator asked for a new credential: rotate it (rotateCredential) before the old one is replaced. */
  rotate?: boolean;
}

/** A poll that failed: `status` 0 when the server was not reached; `code` the server's problem code when it sent one. */
export class DeviceApiError extends IotopiaError {
  readonly status: number;

  constructor(code: string, message: string, status: number) {
    super(code, message);
    this.status = status;
  }
}

async function readLimited(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_ANSWER_BYTES)
    throw new DeviceApiError('ERR_DEVICE_API_ANSWER', `answer of ${declared} bytes is too large`, response.status);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_ANSWER_BYTES)
    throw new DeviceApiError('ERR_DEVICE_API_ANSWER', `answer of ${bytes.length} bytes is too large`, response.status);
  return Buffer.from(bytes).toString('utf8');
}

function parsed(text: string, status: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DeviceApiError('ERR_DEVICE_API_ANSWER', 'the answer is not JSON', status);
  }
}

/** Checks a poll answer's shape; the interval is kept within MIN/MAX_POLL_SECONDS. */
export function readPollAnswer(v: unknown, status = 200): PollAnswer {
  const o = v as { action?: unknown; pollSeconds?: unknown; rotate?: unknown } | null;
  const action = o?.action;
  const seconds = o?.pollSeconds;
  if (typeof o !== 'object' || o === null || (action !== null && (typeof action !== 'object' || Array.isArray(action))))
    throw new DeviceApiError('ERR_DEVICE_API_ANSWER', 'the poll answer has no valid action', status);
  if (typeof seconds !== 'number' || !Number.isInteger(seconds))
    throw new DeviceApiError('ERR_DEVICE_API_ANSWER', 'the poll answer has no integer pollSeconds', status);
  return {
    action: action as PollAnswer['action'],
    pollSeconds: Math.min(MAX_POLL_SECONDS, Math.max(MIN_POLL_SECONDS, seconds)),
    ...(o.rotate === true ? { rotate: true } : {}),
  };
}

/** An RFC 6750 b64token of a sane length: what a rotation answer must carry. */
const TOKEN = /^[A-Za-z0-9\-._~+/]{16,4096}=*$/;

/** One request to the provisioned endpoint with the provisioned bearer token; the answer's JSON. */
async function call(
  provision: ManagementProvision,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  fetcher: typeof fetch,
  json?: unknown,
): Promise<unknown> {
  if (provision.credential.type !== 'bearer')
    throw new DeviceApiError('ERR_DEVICE_API_CREDENTIAL', `credential type ${provision.credential.type} is not supported by this agent`, 0);
  const url = `${provision.endpoint.replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetcher(url, {
      method,
      headers: {
        authorization: `Bearer ${provision.credential.token}`,
        accept: 'application/json',
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new DeviceApiError('ERR_DEVICE_API_UNREACHABLE', `${url}: ${(e as Error).message}`, 0);
  }
  const body = parsed(await readLimited(response), response.status);
  if (!response.ok) {
    const p = body as { code?: unknown; detail?: unknown } | null;
    const code = typeof p?.code === 'string' ? p.code : 'ERR_DEVICE_API_REFUSED';
    const detail = typeof p?.detail === 'string' ? p.detail : `status ${response.status}`;
    throw new DeviceApiError(code, detail, response.status);
  }
  return body;
}

/**
 * Rotates the device API credential: the server hands out a new bearer token (the one presented
 * stays valid for its overlap). Resolves with the provision carrying the new token, for the caller to store.
 */
export async function rotateCredential(provision: ManagementProvision, fetcher: typeof fetch = fetch): Promise<ManagementProvision> {
  const body = (await call(provision, 'POST', '/credentials/rotate', fetcher)) as {
    credential?: { type?: unknown; token?: unknown };
  } | null;
  const c = body?.credential;
  if (c?.type !== 'bearer' || typeof c.token !== 'string' || !TOKEN.test(c.token))
    throw new DeviceApiError('ERR_DEVICE_API_ANSWER', 'the rotation answer has no bearer token', 200);
  return { ...provision, credential: { type: 'bearer', token: c.token } };
}

/** One poll of the provisioned endpoint. */
export async function pollOnce(provision: ManagementProvision, fetcher: typeof fetch = fetch): Promise<PollAnswer> {
  return readPollAnswer(await call(provision, 'GET', '/poll', fetcher));
}

/** Reports what the device is and runs (`PUT /device/v1/config`), replacing its last report. */
export async function putConfig(provision: ManagementProvision, config: object, fetcher: typeof fetch = fetch): Promise<void> {
  await call(provision, 'PUT', '/config', fetcher, config);
}

export interface PollLoopOptions {
  provision: ManagementProvision;
  fetch?: typeof fetch;
  /** Settles when the loop should stop (a signal). */
  stop: Promise<string>;
  onPoll(answer: PollAnswer): void;
  onError(e: DeviceApiError, retryInSeconds: number): void;
  /** Seconds to wait after a failure before the first answer gave an interval. */
  retrySeconds?: number;
  /** Stores a rotated credential; without it, a `rotate` answer is not acted on. Polls go on with the new one. */
  onRotated?(provision: ManagementProvision): Promise<void>;
}

/**
 * Polls until `stop` settles, waiting the server's interval between polls (the last known one
 * after a failure). A 401 ends the loop: the credential will not work again. A `rotate` answer
 * gets a new credential, stored through `onRotated` before it is used. Resolves with the
 * number of polls answered and why it stopped.
 */
export async function pollLoop(o: PollLoopOptions): Promise<{ polls: number; stopped: string }> {
  let stopped: string | undefined;
  void o.stop.then((reason) => {
    stopped = reason;
  });
  let polls = 0;
  let wait = o.retrySeconds ?? 60;
  let provision = o.provision;
  while (stopped === undefined) {
    try {
      const answer = await pollOnce(provision, o.fetch);
      polls++;
      wait = answer.pollSeconds;
      o.onPoll(answer);
      if (answer.rotate === true && o.onRotated !== undefined) {
        const next = await rotateCredential(provision, o.fetch);
        await o.onRotated(next);
        provision = next;
      }
    } catch (e) {
      if (!(e instanceof DeviceApiError)) throw e;
      if (e.status === 401) throw e;
      o.onError(e, wait);
    }
    if (stopped !== undefined) break;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((r) => (timer = setTimeout(r, wait * 1000))), o.stop]);
    clearTimeout(timer);
  }
  return { polls, stopped: stopped ?? 'stopped' };
}
