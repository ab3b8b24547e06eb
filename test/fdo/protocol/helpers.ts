/**
 * Shared fixtures for the DI/TO0/TO1 role tests: deterministic randomness, a settable clock, keys,
 * a device CA, and a loop that feeds a client's requests to a server handler with the state of
 * both sides round-tripped through JSON between every message (as a database would store it).
 */
import { createHash, type X509Certificate } from 'node:crypto';
import { generateKeyPair, type KeyPair, type KeyPairType } from '../../../src/crypto/key-generate.ts';
import { createCertificate } from '../../../src/crypto/x509-create.ts';
import { RVProtocolValue } from '../../../src/fdo/constants/rendezvous.ts';
import type { ServerHandler } from '../../../src/fdo/protocol/lib/server-step.ts';
import type { ClientStep, ProtocolMessage, RandomSource } from '../../../src/fdo/protocol/ports.ts';
import { rendezvousDirectiveFromView } from '../../../src/fdo/types/rendezvous-info.ts';

/** A reproducible byte stream: SHA-256 in counter mode over a seed. */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const block = createHash('sha256').update(`${seed}/${counter++}`).digest();
      const take = Math.min(block.length, n - filled);
      out.set(block.subarray(0, take), filled);
      filled += take;
    }
    return out;
  };
}

/** A clock that stands still until moved. */
export function fixedClock(iso = '2025-06-01T12:00:00Z') {
  let now = new Date(iso).getTime();
  const clock = () => new Date(now);
  clock.advance = (seconds: number) => {
    now += seconds * 1000;
  };
  return clock;
}

const cache = new Map<string, Promise<KeyPair>>();
export function keys(type: KeyPairType, slot = 0): Promise<KeyPair> {
  const id = `${type}/${slot}`;
  let p = cache.get(id);
  if (p === undefined) cache.set(id, (p = generateKeyPair(type)));
  return p;
}

export async function deviceCa(type: KeyPairType = 'secp384r1'): Promise<{ privateKey: KeyPair['privateKey']; chain: X509Certificate[] }> {
  const k = await keys(type, 50);
  const cert = createCertificate({
    subject: { commonName: 'IoTopia test device CA' },
    publicKey: k.publicKey,
    signer: { privateKey: k.privateKey },
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2044-01-01T00:00:00Z'),
    ca: true,
  });
  return { privateKey: k.privateKey, chain: [cert] };
}

export const RV_INFO = [rendezvousDirectiveFromView({ dns: 'rv.example', devPort: 8041, protocol: RVProtocolValue.RVProtHttps })];

/** JSON round trip of session state, as a store between messages would do. */
export const viaJson = <T>(state: T): T => JSON.parse(JSON.stringify(state)) as T;

export interface Client<S, R> {
  receive(state: S, message: ProtocolMessage): Promise<ClientStep<S, R>>;
}

export interface RunLog {
  requests: ProtocolMessage[];
  replies: ProtocolMessage[];
  serverErrors: unknown[];
}

/**
 * Runs a protocol to its end in process. `tamper` may replace a request before the server sees
 * it. Returns the client's result, or throws what the client throws.
 */
export async function run<S, R, SS>(
  first: ClientStep<S, R>,
  client: Client<S, R>,
  server: ServerHandler<SS>,
  options: { tamper?: (m: ProtocolMessage, i: number) => ProtocolMessage; log?: RunLog } = {},
): Promise<R> {
  let step = first;
  let serverState: SS | undefined;
  for (let i = 0; i < 20; i++) {
    if (step.result !== undefined) return step.result;
    const { request: original, state: clientState } = step as { request: ProtocolMessage; state: S };
    const request = options.tamper?.(original, i) ?? original;
    options.log?.requests.push(request);
    const answer = await server(serverState === undefined ? undefined : viaJson(serverState), request);
    options.log?.replies.push(answer.reply);
    if (answer.error !== undefined) options.log?.serverErrors.push(answer.error);
    serverState = answer.state === null ? undefined : viaJson(answer.state);
    step = await client.receive(viaJson(clientState), answer.reply);
  }
  throw new Error('protocol did not end within 20 messages');
}
