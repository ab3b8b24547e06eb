/**
 * One bounded GET over https for the MUD manager: https only (also after a redirect), the server
 * certificate verified against `ca` (PEM) or the system's roots, a deadline for the whole exchange,
 * and a body limit that aborts the transfer as soon as it is passed.
 */
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { MudFetchError } from './fetch-errors.ts';

export interface HttpsGetOptions {
  /** Trust anchors for the server certificate (PEM); the system's roots when absent. */
  ca?: string | Uint8Array | undefined;
  headers: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
}

export interface HttpsGetResponse {
  /** The URL that answered (after redirects). */
  url: string;
  status: number;
  headers: IncomingMessage['headers'];
  body: Uint8Array;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Refuses anything but an absolute https URL (RFC 8520 §13: MUD files are fetched over https). */
export function requireHttps(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MudFetchError('ERR_INTENT_FETCH_URL', url, 'not an absolute URL');
  }
  if (parsed.protocol !== 'https:')
    throw new MudFetchError('ERR_INTENT_FETCH_URL', url, `the scheme is ${parsed.protocol} but only https is allowed`);
  return parsed;
}

/** GETs `url`, following at most `maxRedirects` (default 3) redirects, each to https only. */
export async function httpsGet(url: string, options: HttpsGetOptions): Promise<HttpsGetResponse> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const response = await getOnce(requireHttps(current), options);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.status) || location === undefined) return response;
    if (hop >= (options.maxRedirects ?? 3)) throw new MudFetchError('ERR_INTENT_FETCH_REDIRECT', url, 'too many redirects');
    const next = new URL(location, current).toString();
    if (!next.startsWith('https:')) throw new MudFetchError('ERR_INTENT_FETCH_REDIRECT', url, 'redirected to a URL that is not https');
    current = next;
  }
}

function getOnce(url: URL, options: HttpsGetOptions): Promise<HttpsGetResponse> {
  const ca = options.ca === undefined ? {} : { ca: typeof options.ca === 'string' ? options.ca : Buffer.from(options.ca) };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: options.headers, agent: false, ...ca }, (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) return fail(tooLarge(url, options.maxBytes));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) return fail(tooLarge(url, options.maxBytes));
        chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ url: url.toString(), status: res.statusCode ?? 0, headers: res.headers, body: new Uint8Array(Buffer.concat(chunks)) });
      });
      res.on('error', (e) => fail(network(url, e)));
    });
    const timer = setTimeout(
      () => fail(new MudFetchError('ERR_INTENT_FETCH_TIMEOUT', url.toString(), `no complete answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    function fail(error: MudFetchError): void {
      clearTimeout(timer);
      req.destroy();
      reject(error);
    }
    req.on('error', (e) => fail(network(url, e)));
    req.end();
  });
}

function tooLarge(url: URL, max: number): MudFetchError {
  return new MudFetchError('ERR_INTENT_FETCH_TOO_LARGE', url.toString(), `the answer exceeds ${max} bytes`);
}

function network(url: URL, e: Error): MudFetchError {
  return new MudFetchError('ERR_INTENT_FETCH_NETWORK', url.toString(), `the connection failed: ${e.message}`, { cause: e });
}
