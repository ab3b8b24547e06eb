/**
 * DI, manufacturer side (FDO 1.1 §5.2): certifies the device key from the CSR in DeviceMfgInfo,
 * builds the voucher header (fresh GUID, RV info, device info, manufacturer key, device chain
 * hash), and when the device returns the header's HMAC finishes the voucher and stores it in one
 * call. Optionally the voucher is extended straight away to a configured owner, so a device can
 * be made and onboarded without a separate sale step.
 *
 * Each device message has its handler in di-manufacturer/; this factory checks the order and
 * dispatches.
 */
import { isPrivateKeyLike } from '../../crypto/private-key-handle.ts';
import { MsgType } from '../constants/message-types.ts';
import { appStart } from './di-manufacturer/app-start.ts';
import { checkDeviceCas } from './di-manufacturer/device-ca.ts';
import { setHmac } from './di-manufacturer/set-hmac.ts';
import type { DiManufacturerConfig, DiManufacturerState } from './di-manufacturer/types.ts';
import { guardServer, outOfOrder, type ServerHandler } from './lib/server-step.ts';
import { badState } from './lib/state-bytes.ts';

export type { DeviceCa, DiManufacturerConfig, DiManufacturerState, ManufacturerKey } from './di-manufacturer/types.ts';

export function createDiManufacturer(config: DiManufacturerConfig): ServerHandler<DiManufacturerState> {
  checkConfig(config);
  return guardServer(config.clock, async (state, message) => {
    if (state === undefined) {
      if (message.msgType !== MsgType.DI_AppStart) throw outOfOrder('DI', message.msgType, [MsgType.DI_AppStart]);
      return appStart(config, message.body);
    }
    if (state?.protocol !== 'di-manufacturer' || state.step !== 'set-hmac') throw badState('not a DI manufacturer session');
    if (message.msgType !== MsgType.DI_SetHMAC) throw outOfOrder('DI', message.msgType, [MsgType.DI_SetHMAC]);
    return setHmac(config, state, message.body);
  });
}

function checkConfig(config: DiManufacturerConfig): void {
  if (typeof config?.random !== 'function' || typeof config.clock !== 'function')
    throw new TypeError('DI manufacturer: random and clock are required');
  if (typeof config.store?.saveVoucher !== 'function') throw new TypeError('DI manufacturer: a ManufacturerVoucherStore is required');
  if (!Array.isArray(config.rvInfo)) throw new TypeError('DI manufacturer: rvInfo is required');
  checkDeviceCas(config);
  if (
    !Array.isArray(config.manufacturerKeys) ||
    config.manufacturerKeys.length === 0 ||
    !config.manufacturerKeys.every((k) => isPrivateKeyLike(k?.privateKey))
  ) {
    throw new TypeError('DI manufacturer: at least one manufacturer private key is required');
  }
}
