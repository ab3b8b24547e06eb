/**
 * A model's devices that are still this owner's to run: those devices-of-model.ts gives, less
 * the retired and the sold on. The reports of affected and out-of-support devices list these.
 */

import { guidToHex } from '../../fdo/types/guid.ts';
import type { DeviceState } from '../../store/device-repository.ts';
import { everyDeviceOfModel, type ModelDeviceStore } from '../devices-of-model.ts';

/** Devices no longer this owner's to run: retired or sold on. */
const GONE: readonly DeviceState[] = ['decommissioned', 'resold'];

export interface OwnedDevice {
  /** The device record's GUID, hex. */
  guid: string;
  state: DeviceState;
}

/** Every such device of the model, in GUID order, a page of the store at a time. */
export async function* ownedDevicesOf(store: ModelDeviceStore, model: string): AsyncGenerator<OwnedDevice> {
  for await (const { device } of everyDeviceOfModel(store, model))
    if (!GONE.includes(device.state)) yield { guid: guidToHex(device.guid), state: device.state };
}
