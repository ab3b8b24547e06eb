/**
 * The owner's HTTP requests to a rendezvous (TO0) with the address policy applied to what a host
 * name resolves to, at the moment of connecting: the check runs inside the socket's own DNS lookup,
 * so a name that resolves to a public address when it is set and to a metadata or loopback
 * address later (DNS rebinding) is refused on the connection that would have reached it.
 *
 * Node's global fetch takes no lookup hook, so this is a `fetch` on node:http and node:https with
 * one; the FDO client transport takes any fetch. Redirects are not followed (FDO answers are never
 * redirects, and one could point anywhere): a 3xx reaches the transport as it is.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { addressRefusal, RendezvousAddressError, type RendezvousAddressPolicy } from './address-policy.ts';

/** The resolver `guardedLookup` asks; node:dns's lookup unless a test gives another. */
export type Resolver = (hostname: string, callback: (err: Error | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, callback) => dnsLookup(hostname, { all: true }, callback);

/** A socket lookup that resolves every address of the name and refuses the connection if any is refused. */
export function guardedLookup(policy: RendezvousAddressPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (err, all) => {
      if (err !== null) return callback(err, '', 0);
      const family = options.family === 4 || options.family === 6 ? options.family : undefined;
      const addresses = all.filter((a) => family === undefined || a.family === family);
      // Any refused address refuses the name: the connection may go to whichever one comes first.
      for (const a of addresses) {
        const reason = addressRefusal(a.address, policy);
        if (reason !== undefined) return callback(new RendezvousAddressError(hostname, `resolves to ${reason}`), '', 0);
      }
      const first = addresses[0];
      if (first === undefined) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all === true) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}

function headersOf(raw: NodeJS.Dict<string | string[]>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  return headers;
}

/**
 * A fetch for POST and GET requests with bytes as body, connecting through `guardedLookup`; over
 * https it trusts `ca` (PEM) when given, the system's roots otherwise.
 */
export function guardedFetch(policy: RendezvousAddressPolicy, o: { resolve?: Resolver; ca?: string } = {}): typeof fetch {
  const lookup = guardedLookup(policy, o.resolve);
  const guarded = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise((done, fail) => {
      const url = new URL(input instanceof Request ? input.url : input);
      // A socket skips the lookup for an address literal: that one is checked here.
      const literal = addressRefusal(url.hostname, policy);
      if (literal !== undefined) return fail(new RendezvousAddressError(url.hostname, literal));
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const signal = init.signal ?? undefined;
      const request = send(
        url,
        {
          method: init.method ?? 'GET',
          headers: Object.fromEntries(new Headers(init.headers).entries()),
          lookup,
          ...(o.ca === undefined ? {} : { ca: o.ca }),
          // A fresh connection each time: a pooled socket would skip the lookup, and the check with it.
          agent: false,
          ...(signal ? { signal } : {}),
        },
        (response) => {
          const status = response.statusCode ?? 502;
          const empty = status === 204 || status === 304 || init.method === 'HEAD';
          if (empty) response.resume();
          done(
            new Response(empty ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>), {
              status,
              headers: headersOf(response.headers),
            }),
          );
        },
      );
      // An aborted request rejects with the signal's reason (a TimeoutError for AbortSignal.timeout), as fetch does.
      request.on('error', (e) => fail(signal?.aborted === true ? signal.reason : e));
      request.end(init.body instanceof Uint8Array ? init.body : typeof init.body === 'string' ? init.body : undefined);
    });
  return guarded as typeof fetch;
}
