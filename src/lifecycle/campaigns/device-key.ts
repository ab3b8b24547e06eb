/**
 * The public key a device signs its SUIT reports with, as its owner knows it: the leaf of the
 * device certificate chain (OVDevCertChain) in the owner's ownership voucher. It is the key TO2
 * verified TO2.ProveDevice against, and OVDevCertChainHash in the manufacturer-signed voucher
 * header binds it. A replacement voucher from TO2 carries the same chain, so the voucher under the
 * device's original GUID serves, with the replacement GUID's as a fallback.
 */
import { type KeyObject, X509Certificate } from 'node:crypto';
import { parseVoucher } from '../../fdo/voucher/voucher-parse.ts';
import type { Store } from '../../store/store.ts';
import { CampaignError } from './errors.ts';

const noKey = (guid: string, why: string) =>
  new CampaignError('ERR_CAMPAIGN_REPORT', `device ${guid} has no public key to verify its report with: ${why}`);

/** The device's report key by its GUID (hex); ERR_CAMPAIGN_REPORT when this owner knows none. */
export async function deviceReportKey(store: Store, guid: string): Promise<KeyObject> {
  const device = await store.devices.get(new Uint8Array(Buffer.from(guid, 'hex')));
  const guids = [Buffer.from(guid, 'hex'), ...(device?.replacementGuid === undefined ? [] : [device.replacementGuid])];
  for (const g of guids) {
    const held = await store.vouchers.get('owner', new Uint8Array(g));
    if (held === undefined) continue;
    const leaf = parseVoucher(held.voucher).devCertChain?.[0];
    if (leaf === undefined) throw noKey(guid, 'its voucher has no device certificate chain');
    return new X509Certificate(leaf).publicKey;
  }
  throw noKey(guid, 'this owner holds no voucher for it');
}
