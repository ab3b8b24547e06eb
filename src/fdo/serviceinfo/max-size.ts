/**
 * maxDeviceServiceInfoSz (TO2.OwnerServiceInfoReady, Type 67) and maxOwnerServiceInfoSz
 * (TO2.DeviceServiceInfoReady, Type 66): `uint16 / null`, null meaning the default.
 */
import { SERVICEINFO_DEFAULT_MAX_SIZE, SERVICEINFO_MAX_SIZE, SERVICEINFO_MIN_SIZE } from '../constants/serviceinfo.ts';
import { badMaxSize } from './lib/errors.ts';

/** The size to use for a peer's advertised maximum; ERR_FDO_SVI_MAX_SIZE outside 256..65535. */
export function resolveMaxServiceInfoSize(advertised: number | null | undefined): number {
  if (advertised === null || advertised === undefined) return SERVICEINFO_DEFAULT_MAX_SIZE;
  if (!Number.isInteger(advertised) || advertised < SERVICEINFO_MIN_SIZE || advertised > SERVICEINFO_MAX_SIZE) {
    throw badMaxSize(`maximum ServiceInfo size ${String(advertised)} is outside ${SERVICEINFO_MIN_SIZE}..${SERVICEINFO_MAX_SIZE}`);
  }
  return advertised;
}
