/**
 * TO0 for the owner's vouchers (FDO 1.1 §5.3): with this server's own rendezvous in process, or
 * over HTTP with the rendezvous servers the voucher's RendezvousInfo names for the owner (§3.7:
 * directives not marked RVDevOnly, at RVOwnerPort), unless the owner configured its own list
 * (owner/rendezvous). Servers are tried in order; only one that cannot be reached sends the run on.
 * An IPv4-mapped IPv6 address in the rendezvous info is reached over IPv4, as the device reaches it
 * (fdo/client/addresses.ts): a certificate names the IPv4 address, and the host may lack IPv6.
 */

import { IotopiaError } from '../errors.ts';
import { connectHost } from '../fdo/client/addresses.ts';
import { FdoTransportError } from '../fdo/client/errors.ts';
import { runTo0, type TransportOptions } from '../fdo/client/flows.ts';
import { to0InProcess } from '../fdo/client/in-process.ts';
import { RVProtocolValue } from '../fdo/constants/rendezvous.ts';
import type { AnyServerHandler, OwnerKeyRing } from '../fdo/protocol/ports.ts';
import type { To0Result } from '../fdo/protocol/to0-owner.ts';
import { type RendezvousInfo, rendezvousDirectiveView } from '../fdo/types/rendezvous-info.ts';
import type { RvTo2Addr } from '../fdo/types/rv-to2-addr.ts';
import { parseVoucher } from '../fdo/voucher/voucher-parse.ts';
import type { Store } from '../store/store.ts';
import { addressRefusal, RendezvousAddressError, type RendezvousAddressPolicy, STRICT_ADDRESSES } from './address-policy.ts';
import { guardedFetch } from './guarded-fetch.ts';
import { OWNER_SCOPE, OwnerSettingKey } from './settings.ts';

export class OwnerTo0Error extends IotopiaError {}

export interface OwnerRegistration extends To0Result {
  /** The rendezvous that accepted: its URL, or `in-process` for this server's own. */
  rendezvous: string;
}

export type OwnerRegister = (voucher: Uint8Array) => Promise<OwnerRegistration>;

export interface OwnerRegistrarOptions {
  store: Store;
  keyRing: OwnerKeyRing;
  /** The TO2 address to register, read at each registration. */
  to2Address: () => Promise<RvTo2Addr>;
  /** This server's own rendezvous: its TO0 handler and the base URLs it is reached at. */
  self?: { to0: AnyServerHandler; urls: readonly string[] };
  /** Requested registration lifetime; the rendezvous may grant less (default: the uint32 maximum). */
  waitSeconds?: number;
  /**
   * Which rendezvous hosts TO0 may connect to, checked by form and, for names, by every address
   * they resolve to when connecting (default: nothing internal, loopback included). With a
   * `transport.fetch` of its own the caller resolves names itself; the form check still applies.
   */
  addresses?: RendezvousAddressPolicy;
  /** PEM of the CAs TO0 over https trusts (the server's outbound-tls-ca); the system's roots when absent. */
  tlsCa?: string;
  transport?: TransportOptions;
}

const origin = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};

/** The rendezvous URLs an owner registers with: per §3.7, directives for the owner, at RVOwnerPort. */
export function ownerRendezvousUrls(rvInfo: RendezvousInfo): string[] {
  const out: string[] = [];
  for (const directive of rvInfo) {
    const v = rendezvousDirectiveView(directive);
    if (v.devOnly || v.bypass) continue;
    const https = v.protocol === RVProtocolValue.RVProtHttps;
    if (!https && v.protocol !== undefined && v.protocol !== RVProtocolValue.RVProtHttp && v.protocol !== RVProtocolValue.RVProtRest)
      continue;
    const port = v.ownerPort ?? v.devPort;
    for (const host of [v.dns, v.ipAddress]) {
      if (host === undefined) continue;
      const target = connectHost(host);
      const h = target.includes(':') ? `[${target}]` : target;
      // Through URL, so that an IPv6 address takes its canonical text form.
      out.push(origin(`${https ? 'https' : 'http'}://${h}${port === undefined ? '' : `:${port}`}`));
    }
  }
  return [...new Set(out)];
}

/** The owner's configured rendezvous list, when one is set. */
export async function configuredRendezvous(store: Store): Promise<string[] | undefined> {
  const value = (await store.settings.get(OWNER_SCOPE, OwnerSettingKey.rendezvous)) as { urls?: unknown } | undefined;
  return Array.isArray(value?.urls) ? value.urls.filter((u): u is string => typeof u === 'string') : undefined;
}

/** The address refusal an HTTP failure carries, if that is why it failed. */
function addressRefusalIn(e: unknown): RendezvousAddressError | undefined {
  for (let c: unknown = e; c instanceof Error; c = c.cause) if (c instanceof RendezvousAddressError) return c;
  return undefined;
}

export function ownerRegistrar(o: OwnerRegistrarOptions): OwnerRegister {
  const selfOrigins = new Set((o.self?.urls ?? []).map(origin));
  const addresses = o.addresses ?? STRICT_ADDRESSES;
  const transport: TransportOptions = { fetch: guardedFetch(addresses, o.tlsCa === undefined ? {} : { ca: o.tlsCa }), ...o.transport };
  return async (voucher) => {
    const rvInfo = parseVoucher(voucher).header.rvInfo;
    const urls = (await configuredRendezvous(o.store)) ?? ownerRendezvousUrls(rvInfo);
    if (urls.length === 0) {
      throw new OwnerTo0Error(
        'ERR_OWNER_TO0_NO_RENDEZVOUS',
        "the voucher's rendezvous info names no HTTP rendezvous for the owner and none is configured (PUT /owner/rendezvous)",
      );
    }
    const rvTo2Addr = await o.to2Address();
    const registration = { voucher, rvTo2Addr, ...(o.waitSeconds === undefined ? {} : { waitSeconds: o.waitSeconds }) };
    let last: unknown;
    const refused: string[] = [];
    for (const url of urls) {
      if (o.self !== undefined && selfOrigins.has(origin(url))) {
        const { waitSeconds } = await to0InProcess(o.self.to0, o.keyRing, rvTo2Addr)(voucher);
        return { waitSeconds, rendezvous: 'in-process' };
      }
      // A voucher's rendezvous info comes from its manufacturer: its hosts pass the same policy as the owner's own list.
      const reason = URL.canParse(url) ? addressRefusal(new URL(url).hostname, addresses) : 'not a URL';
      if (reason !== undefined) {
        // A host that does not parse came from a voucher as it was written: quoted, so no control character gets through.
        refused.push(`${URL.canParse(url) ? url : JSON.stringify(url)}: ${reason}`);
        continue;
      }
      try {
        const { waitSeconds } = await runTo0(url, { keyRing: o.keyRing }, registration, transport);
        return { waitSeconds, rendezvous: url };
      } catch (e) {
        const refusal = addressRefusalIn(e);
        const unreachable =
          e instanceof FdoTransportError && (e.code === 'ERR_AGENT_HTTP_UNREACHABLE' || e.code === 'ERR_AGENT_HTTP_TIMEOUT');
        if (!unreachable) throw e;
        if (refusal !== undefined) refused.push(`${url}: ${refusal.message}`);
        last = e;
      }
    }
    if (refused.length === urls.length) {
      throw new OwnerTo0Error('ERR_OWNER_TO0_ADDRESS_REFUSED', `every rendezvous address is refused (${refused.join('; ')})`);
    }
    throw new OwnerTo0Error('ERR_OWNER_TO0_UNREACHABLE', `no rendezvous could be reached (${urls.join(', ')})`, { cause: last });
  };
}
