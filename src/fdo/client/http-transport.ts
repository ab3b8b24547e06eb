/**
 * The client side of the FDO 1.1 HTTP transport: one `send` per protocol message. The bearer token
 * the server returns is kept and presented on every later message until the next protocol starts,
 * the way go-fdo's transport keeps it. An error message (type 255) from the server rejects with an
 * FdoPeerError carrying the server's spec code.
 */
import { MsgType } from '../constants/message-types.ts';
import { decodeErrorMessage } from '../messages/error.ts';
import { FdoPeerError } from '../protocol/error-message.ts';
import type { ProtocolMessage } from '../protocol/ports.ts';
import { FdoTransportError } from './errors.ts';
import { nodeHttpPost, type Post, type PostReply } from './node-http-post.ts';

export interface HttpFdoClientOptions {
  /** A fetch implementation; when not set, requests go through node:http(s) (node-http-post.ts). */
  fetch?: typeof fetch;
  /**
   * PEM of the CA certificates to trust for https servers (e.g. a platform TLS CA) instead of the
   * system's roots, on an agent of its own. Ignored when `fetch` is given.
   */
  tlsCa?: string;
  /** Per request, default 30 s. */
  timeoutMs?: number;
  /** Largest reply body accepted, default 65535 (go-fdo's default). */
  maxMessageBytes?: number;
  /**
   * A manufacturing credential (an IoTopia DI token), sent as `Authorization: Bearer <token>` on
   * DI.AppStart only; later DI messages carry the session's token as usual.
   */
  diToken?: string;
}

export interface FdoTransport {
  /** Sends one message and resolves with the server's reply. */
  send(message: ProtocolMessage): Promise<ProtocolMessage>;
  /** Tells the server the client gives up (its own error message); never rejects. */
  abort(message: ProtocolMessage): Promise<void>;
}

const STARTS = new Set<number>([MsgType.DI_AppStart, MsgType.TO0_Hello, MsgType.TO1_HelloRV, MsgType.TO2_HelloDevice]);

async function readCapped(response: Response, max: number, url: string): Promise<Uint8Array> {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > max) {
    await response.body?.cancel();
    throw new FdoTransportError('ERR_AGENT_HTTP_TOO_LARGE', `the reply announces ${declared} bytes, more than ${max}`, url);
  }
  if (response.body === null) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > max) {
      await response.body.cancel().catch(() => {});
      throw new FdoTransportError('ERR_AGENT_HTTP_TOO_LARGE', `the reply exceeds ${max} bytes`, url);
    }
    parts.push(chunk);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** A poster over a given fetch (tests, or a caller's own HTTP stack). */
function fetchPost(doFetch: typeof fetch, timeoutMs: number, max: number): Post {
  return async (url, headers, body) => {
    const response = await doFetch(url.toString(), { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    return {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      body: () => readCapped(response, max, url.toString()),
      discard: () => void response.body?.cancel().catch(() => {}),
    };
  };
}

/** Why a request failed, with the cause fetch wraps (e.g. a TLS certificate error and its code). */
function failure(e: unknown): string {
  const message = (e as Error)?.message ?? String(e);
  const cause = (e as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (cause === undefined || typeof cause.message !== 'string' || message.includes(cause.message)) return message;
  return `${message} (${typeof cause.code === 'string' ? `${cause.code}: ` : ''}${cause.message})`;
}

/** A failed request or reply as the client reports it: a timeout, or the server out of reach. */
function transportFailure(e: unknown, url: string, timeoutMs: number): FdoTransportError {
  if (e instanceof FdoTransportError) return e;
  const timedOut = (e as { name?: unknown })?.name === 'TimeoutError';
  return new FdoTransportError(
    timedOut ? 'ERR_AGENT_HTTP_TIMEOUT' : 'ERR_AGENT_HTTP_UNREACHABLE',
    timedOut ? `no reply within ${timeoutMs} ms` : `the request failed: ${failure(e)}`,
    url,
    { cause: e },
  );
}

/** A transport to the FDO server at `baseUrl` (scheme, host, port and an optional path prefix). */
export function httpFdoClient(baseUrl: string, options: HttpFdoClientOptions = {}): FdoTransport {
  const base = new URL(baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`httpFdoClient: ${baseUrl} is not an http(s) URL`);
  if (options.diToken !== undefined && !/^[\x21-\x7e]+$/.test(options.diToken))
    throw new TypeError('httpFdoClient: diToken must be printable ASCII without spaces');
  const prefix = base.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const max = options.maxMessageBytes ?? 65_535;
  const postOne =
    options.fetch === undefined
      ? nodeHttpPost({ timeoutMs, maxBytes: max, ...(options.tlsCa === undefined ? {} : { tlsCa: options.tlsCa }) })
      : fetchPost(options.fetch, timeoutMs, max);
  let token: string | undefined;

  const urlFor = (msgType: number) => new URL(`${prefix}/fdo/101/msg/${msgType}`, base);

  async function post(message: ProtocolMessage): Promise<{ reply: PostReply; url: string }> {
    const target = urlFor(message.msgType);
    const url = target.toString();
    // The URL names the type already; the header too, for servers that read the type from it.
    const headers: Record<string, string> = { 'content-type': 'application/cbor', 'message-type': String(message.msgType) };
    if (message.msgType === MsgType.DI_AppStart && options.diToken !== undefined) headers.authorization = `Bearer ${options.diToken}`;
    else if (token !== undefined) headers.authorization = `Bearer ${token}`;
    try {
      return { reply: await postOne(target, headers, message.body), url };
    } catch (e) {
      throw transportFailure(e, url, timeoutMs);
    }
  }

  return {
    async send(message) {
      if (!(message?.body instanceof Uint8Array) || !Number.isInteger(message.msgType)) {
        throw new TypeError('send() takes a ProtocolMessage { msgType, body }');
      }
      if (STARTS.has(message.msgType)) token = undefined;
      const { reply, url } = await post(message);
      const bearer = /^Bearer\s+(\S+)/i.exec(reply.header('authorization') ?? '')?.[1];
      if (bearer !== undefined) token = bearer;
      const isCbor = (reply.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() === 'application/cbor';
      const typeHeader = reply.header('message-type')?.trim() ?? '';
      const replyType = /^\d{1,3}$/.test(typeHeader) ? Number(typeHeader) : undefined;
      const isErrorMessage = isCbor && (replyType === MsgType.Error || (replyType === undefined && reply.status === 500));
      if (reply.status !== 200 && !isErrorMessage) {
        reply.discard();
        throw new FdoTransportError('ERR_AGENT_HTTP_STATUS', `HTTP ${reply.status} without an FDO error message`, url);
      }
      const body = await reply.body().catch((e: unknown) => {
        throw transportFailure(e, url, timeoutMs);
      });
      if (isErrorMessage) {
        token = undefined;
        throw new FdoPeerError(decodeErrorMessage(body));
      }
      if (replyType === undefined || replyType > 0xff || !isCbor) {
        throw new FdoTransportError('ERR_AGENT_HTTP_REPLY', 'the reply lacks application/cbor or a valid Message-Type', url);
      }
      return { msgType: replyType, body };
    },

    async abort(message) {
      try {
        const { reply } = await post(message);
        reply.discard();
      } catch {
        // The server learns nothing more either way; the caller already has its own error.
      } finally {
        token = undefined;
      }
    },
  };
}
