/**
 * FDO 1.1 ServiceInfo: `ServiceInfo = [*ServiceInfoKV]`, `ServiceInfoKV = [ServiceInfoKey: tstr,
 * ServiceInfoVal: bstr .cbor any]`, the key being `moduleName:messageName`.
 */

/** One ServiceInfoKV as it travels: `value` is the content of the bstr, CBOR bytes. */
export interface ServiceInfoKV {
  key: string;
  value: Uint8Array;
}

/** TO2.DeviceServiceInfo (Type 68) body. */
export interface DeviceServiceInfoMessage {
  isMoreServiceInfo: boolean;
  serviceInfo: ServiceInfoKV[];
}

/** TO2.OwnerServiceInfo (Type 69) body. */
export interface OwnerServiceInfoMessage {
  isMoreServiceInfo: boolean;
  isDone: boolean;
  serviceInfo: ServiceInfoKV[];
}
