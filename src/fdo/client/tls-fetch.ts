/**
 * A `fetch` that trusts a private CA: the same call shape as the global fetch, carried by
 * node:https with the CA given per request (`ca`), so a client can reach a server whose
 * certificate a platform TLS CA issued without trusting that CA process-wide. The certificate and
 * the host name are verified as always; there is no way to skip verification. Bodies are strings
 * or bytes, the only kinds IoTopia's clients send; redirects are not followed.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

type Body = string | Uint8Array | ArrayBuffer | null | undefined;

function bodyBytes(body: Body): Uint8Array | string | undefined {
  if (body === null || body === undefined || typeof body === 'string' || body instanceof Uint8Array) return body ?? undefined;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('fetchTrusting: the body must be a string or bytes');
}

function responseOf(res: IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
  const status = res.statusCode ?? 502;
  const empty = method === 'HEAD' || status === 204 || status === 205 || status === 304;
  if (empty) res.resume();
  const body = empty ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: res.statusMessage ?? '', headers });
}

/** A client certificate chain and its key (PEM), for servers that ask for one (e.g. a factory listener). */
export interface ClientCertificate {
  cert: string;
  key: string;
}

/**
 * A fetch for http: and https: URLs that trusts `ca` (PEM, one or more certificates) for https,
 * and presents `client` when the server asks for a certificate.
 */
export function fetchTrusting(ca: string | Uint8Array, client?: ClientCertificate): typeof fetch {
  const trusted = typeof ca === 'string' ? ca : Buffer.from(ca);
  // An agent of its own: connections are reused for this trust only, never shared with the global one.
  const tls = {
    agent: new Agent({ keepAlive: true, ca: trusted, ...(client === undefined ? {} : { cert: client.cert, key: client.key }) }),
  };
  const trustingFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return Promise.reject(new TypeError(`fetchTrusting: ${url.protocol} is not http(s)`));
    const method = (init.method ?? 'GET').toUpperCase();
    const body = bodyBytes(init.body as Body);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const options = { method, headers, ...(url.protocol === 'https:' ? tls : {}) };
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => resolve(responseOf(res, method)));
      const onAbort = () => {
        req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => reject(new TypeError(`fetch failed: ${e.message}`, { cause: e })));
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.end(body);
    });
  };
  return trustingFetch as typeof fetch;
}
