/**
 * The DeviceInfo a stored voucher's header carries (FDO 1.1 §3.4.1, OVDeviceInfo), kept in its own
 * column so that the devices of a model are found through an index rather than by reading every
 * voucher. The voucher decoder's own limits apply; bytes it refuses have no DeviceInfo (null).
 */
import { IotopiaError } from '../../errors.ts';
import { parseVoucher } from '../../fdo/voucher/voucher-parse.ts';

export function voucherDeviceInfo(bytes: Uint8Array): string | null {
  try {
    return parseVoucher(bytes).header.deviceInfo;
  } catch (e) {
    if (e instanceof IotopiaError) return null;
    throw e;
  }
}
