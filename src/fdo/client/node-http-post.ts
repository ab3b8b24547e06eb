/**
 * One POST of an FDO message over node:http or node:https, its reply read into one buffer up to a
 * cap: all the FDO client needs of HTTP, without WHATWG streams and Response objects, over
 * keep-alive connections. A private CA (`tlsCa`) gets an agent of its own, so its trust is never
 * shared with other requests; certificates and host names are verified as always.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { FdoTransportError } from './errors.ts';

/** What the FDO client reads of a reply. */
export interface PostReply {
  status: number;
  header(name: string): string | undefined;
  /** The body, at most `maxBytes`; rejects with ERR_AGENT_HTTP_TOO_LARGE past it. */
  body(): Promise<Uint8Array>;
  /** Drops the body unread. */
  discard(): void;
}

export type Post = (url: URL, headers: Record<string, string>, body: Uint8Array) => Promise<PostReply>;

const sharedHttp = new HttpAgent({ keepAlive: true });
const sharedHttps = new HttpsAgent({ keepAlive: true });

/** The reply limit, applied to the announced length first and then to what arrives. */
function readCapped(res: IncomingMessage, maxBytes: number, url: string, why: (e: Error) => Error): Promise<Uint8Array> {
  const declared = Number(res.headers['content-length']);
  if (declared > maxBytes) {
    res.destroy();
    return Promise.reject(
      new FdoTransportError('ERR_AGENT_HTTP_TOO_LARGE', `the reply announces ${declared} bytes, more than ${maxBytes}`, url),
    );
  }
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let total = 0;
    res.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        res.destroy();
        reject(new FdoTransportError('ERR_AGENT_HTTP_TOO_LARGE', `the reply exceeds ${maxBytes} bytes`, url));
      } else parts.push(chunk);
    });
    res.once('end', () => {
      const all = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total);
      // A plain view of the bytes, as a fetch reply gives: no Buffer methods leak to the decoders.
      resolve(new Uint8Array(all.buffer, all.byteOffset, all.byteLength));
    });
    res.once('error', (e) => reject(why(e)));
    res.once('close', () => {
      if (!res.complete) reject(why(new Error('the connection closed before the reply was complete')));
    });
  });
}

function replyOf(res: IncomingMessage, maxBytes: number, url: string, why: (e: Error) => Error): PostReply {
  return {
    status: res.statusCode ?? 0,
    header: (name) => {
      const v = res.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    },
    body: () => readCapped(res, maxBytes, url, why),
    discard: () => res.resume(),
  };
}

/** An error named TimeoutError, as fetch's timeout signal raises. */
function timeoutError(ms: number): Error {
  return Object.assign(new Error(`no reply within ${ms} ms`), { name: 'TimeoutError' });
}

/**
 * A poster for `timeoutMs` per request (until the reply's headers; reading the body has the same
 * bound from the request's start) and replies of at most `maxBytes`.
 */
export function nodeHttpPost(o: { timeoutMs: number; maxBytes: number; tlsCa?: string }): Post {
  const https = o.tlsCa === undefined ? sharedHttps : new HttpsAgent({ keepAlive: true, ca: o.tlsCa });
  return (url, headers, body) =>
    new Promise((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const options = {
        method: 'POST',
        headers: { ...headers, 'content-length': String(body.byteLength) },
        agent: secure ? https : sharedHttp,
      };
      let timedOut: Error | undefined;
      // A failure after the time is up is the timeout, whatever the socket says.
      const why = (e: Error) => timedOut ?? e;
      const req = (secure ? httpsRequest : httpRequest)(url, options, (res) => {
        res.once('close', () => clearTimeout(timer));
        resolve(replyOf(res, o.maxBytes, url.toString(), why));
      });
      const timer = setTimeout(() => {
        timedOut = timeoutError(o.timeoutMs);
        req.destroy(timedOut);
      }, o.timeoutMs);
      req.once('error', (e) => {
        clearTimeout(timer);
        reject(why(e));
      });
      req.end(body);
    });
}
