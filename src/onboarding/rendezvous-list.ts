/**
 * The rendezvous servers the owner registers its vouchers with (TO0), when it should not follow
 * the rendezvous info in each voucher: e.g. a rendezvous reached at another address from the
 * owner's network. Stored under owner/rendezvous; the registrar tries them in order.
 */
import { Type } from 'typebox';
import type { Store } from '../store/store.ts';
import { addressRefusal, type RendezvousAddressPolicy } from './address-policy.ts';
import { changeSetting, invalidSetting, OWNER_SCOPE, OwnerSettingKey, settingValue } from './settings.ts';

const MAX_URLS = 16;

export const RendezvousUrls = Type.Array(Type.String({ description: 'http(s) base URL of an FDO rendezvous server' }), {
  minItems: 1,
  maxItems: MAX_URLS,
});
/** The setting, and the body that sets it. */
export const RendezvousListSetting = Type.Object({ urls: RendezvousUrls }, { additionalProperties: false });

/** One URL as the registrar joins paths to it: http(s), no credentials, query or fragment, no trailing slash. */
function baseUrl(text: string, field: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidSetting(field, 'an http or https URL');
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== ''
  )
    throw invalidSetting(field, 'an http or https URL without credentials, query or fragment');
  return url.toString().replace(/\/$/, '');
}

/** Checks the setting's value (`{ urls: [...] }`) and returns the URLs normalised. */
export function parseRendezvousList(value: unknown): string[] {
  return settingValue(RendezvousListSetting, value, 'body').urls.map((u, i) => baseUrl(u, `urls[${i}]`));
}

/** Refuses a URL whose host the address policy does not allow (loopback, link-local, metadata, …). */
function checkAddresses(urls: readonly string[], addresses: RendezvousAddressPolicy): void {
  for (const [i, u] of urls.entries()) {
    const reason = addressRefusal(new URL(u).hostname, addresses);
    if (reason !== undefined) throw invalidSetting(`urls[${i}]`, reason);
  }
}

/**
 * Stores the list (or with none, forgets it, so each voucher's rendezvous info applies) with an
 * audit record. Each URL's host must pass the address policy.
 */
export async function setRendezvousList(store: Store, actor: string, value: unknown, addresses: RendezvousAddressPolicy): Promise<void> {
  const urls = value === undefined ? undefined : parseRendezvousList(value);
  if (urls !== undefined) checkAddresses(urls, addresses);
  await changeSetting(store, actor, {
    scope: OWNER_SCOPE,
    key: OwnerSettingKey.rendezvous,
    action: 'owner.rendezvous',
    ...(urls === undefined ? {} : { value: { urls } }),
  });
}
