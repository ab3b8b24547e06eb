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
  const o = v as { action?: unknown; pollSeconds?: unknown } | null;
  const action = o?.action;
  const seconds = o?.pollSeconds;
  if (typeof o !== 'object' || o === null || (action !== null && (typeof action !== 'object' || Array.isArray(action))))
    throw new DeviceApiError('ERR_DEVICE_API_ANSWER', 'the poll answer has no valid action', status);
  if (typeof seconds !== 'number' || !Number.isInteger(seconds))
    throw new DeviceApiError('ERR_DEVICE_API_ANSWER', 'the poll answer has no integer pollSeconds', status);
  return { action: action as PollAnswer['action'], pollSeconds: Math.min(MAX_POLL_SECONDS, Math.max(MIN_POLL_SECONDS, seconds)) };
}

/** One poll of the provisioned endpoint. */
export async function pollOnce(provision: ManagementProvision, fetcher: typeof fetch = fetch): Promise<PollAnswer> {
  if (provision.credential.type !== 'bearer')
    throw new DeviceApiError('ERR_DEVICE_API_CREDENTIAL', `credential type ${provision.credential.type} is not supported by this agent`, 0);
  const url = `${provision.endpoint.replace(/\/+$/, '')}/poll`;
  let response: Response;
  try {
    response = await fetcher(url, {
      headers: { authorization: `Bearer ${provision.credential.token}`, accept: 'application/json' },
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
  return readPollAnswer(body, response.status);
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
}

/**
 * Polls until `stop` settles, waiting the server's interval between polls (the last known one
 * after a failure). A 401 ends the loop: the credential will not work again. Resolves with the
 * number of polls answered and why it stopped.
 */
export async function pollLoop(o: PollLoopOptions): Promise<{ polls: number; stopped: string }> {
  let stopped: string | undefined;
  void o.stop.then((reason) => {
    stopped = reason;
  });
  let polls = 0;
  let wait = o.retrySeconds ?? 60;
  while (stopped === undefined) {
    try {
      const answer = await pollOnce(o.provision, o.fetch);
      polls++;
      wait = answer.pollSeconds;
      o.onPoll(answer);
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
