/**
 * go-fdo-server's HTTP management API (/api/v1), as its v1.0.1 README and handlers describe it:
 * the manufacturer's RV info and vouchers, the owner's TO2 addresses ("redirect"), voucher import
 * and onboarded devices, and the rendezvous' trusted device CAs. Over HTTPS the call trusts the CA
 * the server was started with (peers.ts).
 */
import { fetchFor } from './peers.ts';

export interface RvEntry {
  ip?: string;
  dns?: string;
  device_port?: string;
  owner_port?: string;
  protocol: 'http' | 'https';
  rv_bypass?: boolean;
}

async function call(method: string, url: string, body?: string, contentType = 'text/plain'): Promise<string> {
  // The management API is rate limited (2 requests/s, bursts of 10): wait and retry on 429.
  for (let attempt = 0; ; attempt++) {
    const res = await fetchFor(url)(url, {
      method,
      ...(body === undefined ? {} : { body, headers: { 'content-type': contentType } }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status === 429 && attempt < 50) {
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status}: ${text.trim()}`);
    return text;
  }
}

/** The manufacturer's RendezvousInfo for new devices (POST creates it). */
export function setRvInfo(manufacturerUrl: string, entries: RvEntry[]): Promise<string> {
  return call('POST', `${manufacturerUrl}/api/v1/rvinfo`, JSON.stringify(entries));
}

/** The RVTO2Addr the owner registers at TO0. */
export function setOwnerRedirect(ownerUrl: string, entries: { ip?: string; dns?: string; port: string; protocol: 'http' | 'https' }[]) {
  return call('POST', `${ownerUrl}/api/v1/owner/redirect`, JSON.stringify(entries));
}

/** The voucher the manufacturer made for `guidHex`, as PEM (`OWNERSHIP VOUCHER`). */
export function getVoucherPem(manufacturerUrl: string, guidHex: string): Promise<string> {
  return call('GET', `${manufacturerUrl}/api/v1/vouchers/${guidHex}`);
}

/** Imports PEM vouchers (several blocks at once are fine) into the owner, which then runs TO0. */
export function importVouchers(ownerUrl: string, pem: string): Promise<string> {
  return call('POST', `${ownerUrl}/api/v1/owner/vouchers`, pem);
}

/** Resale: the owner extends its voucher for `guidHex` to `nextOwnerPem` (SPKI PEM), gives it up and answers the PEM. */
export function resell(ownerUrl: string, guidHex: string, nextOwnerPem: string): Promise<string> {
  return call('POST', `${ownerUrl}/api/v1/owner/resell/${guidHex}`, nextOwnerPem);
}

/** Devices the owner holds, with the GUID TO2 gave them. */
export async function ownerDevices(ownerUrl: string): Promise<{ guid: string; old_guid: string; to2_completed?: boolean }[]> {
  return JSON.parse(await call('GET', `${ownerUrl}/api/v1/owner/devices`));
}

/** Adds a device CA the rendezvous trusts at TO0 (it refuses vouchers whose device chain it cannot verify). */
export function trustDeviceCa(rendezvousUrl: string, pem: string): Promise<string> {
  return call('POST', `${rendezvousUrl}/api/v1/device-ca`, pem, 'application/x-pem-file');
}
