/**
 * FDO 1.1 §3.3.13 RendezvousInfo: directives (tried in order), each a list of instructions
 * `[RVVariable, RVValue]` whose value is a bstr holding CBOR. Flag variables (RVDevOnly,
 * RVOwnerOnly, RVUserInput, RVBypass) carry no value.
 */
import { encode } from '../../codec/cbor.ts';
import { RVVariable } from '../constants/rendezvous.ts';
import { encodeHash, type FdoHash, parseHash } from './hash.ts';
import { ipAddressFromString, ipAddressToString, parseIpAddress } from './ip-address.ts';
import { asArray, asBstr, asText, asUint, decodeFdoCbor, messageBodyError } from './read.ts';

export interface RendezvousInstr {
  variable: number;
  /** The CBOR bytes of the value, as carried; absent for flags. */
  value?: Uint8Array;
}

export type RendezvousDirective = RendezvousInstr[];
export type RendezvousInfo = RendezvousDirective[];

const MAX_DIRECTIVES = 32;
const MAX_INSTRUCTIONS = 32;
const MAX_VALUE_BYTES = 1024;

/** Reads RendezvousInfo. Values stay as bytes; `rendezvousDirectiveView` interprets them. */
export function parseRendezvousInfo(v: unknown, where: string): RendezvousInfo {
  return asArray(v, [0, MAX_DIRECTIVES], where).map((d, i) =>
    asArray(d, [1, MAX_INSTRUCTIONS], `${where}[${i}]`).map((ins, j) => {
      const w = `${where}[${i}][${j}]`;
      const parts = asArray(ins, [1, 2], w);
      const variable = asUint(parts[0], `${w}.RVVariable`, 255);
      return parts.length === 1 ? { variable } : { variable, value: asBstr(parts[1], `${w}.RVValue`, { max: MAX_VALUE_BYTES }) };
    }),
  );
}

/** The CBOR data-model value of RendezvousInfo. */
export function encodeRendezvousInfo(info: RendezvousInfo): unknown[] {
  return info.map((d) => d.map((i) => (i.value === undefined ? [i.variable] : [i.variable, i.value])));
}

/** One directive with its common variables interpreted. */
export interface RendezvousDirectiveView {
  devOnly: boolean;
  ownerOnly: boolean;
  ipAddress?: string;
  devPort?: number;
  ownerPort?: number;
  dns?: string;
  svCertHash?: FdoHash;
  clCertHash?: FdoHash;
  userInput: boolean;
  wifiSsid?: string;
  wifiPw?: string;
  medium?: number;
  protocol?: number;
  delaySec?: number;
  bypass: boolean;
  /** Variables this view does not interpret (RVExtRV and unassigned ones), with their raw values. */
  other: RendezvousInstr[];
}

const FLAGS: Readonly<Record<number, 'devOnly' | 'ownerOnly' | 'userInput' | 'bypass'>> = {
  [RVVariable.RVDevOnly]: 'devOnly',
  [RVVariable.RVOwnerOnly]: 'ownerOnly',
  [RVVariable.RVUserInput]: 'userInput',
  [RVVariable.RVBypass]: 'bypass',
};

/** Interprets a directive; a value of the wrong type is ERR_FDO_MESSAGE_BODY naming the variable. */
export function rendezvousDirectiveView(directive: RendezvousDirective, where = 'RendezvousDirective'): RendezvousDirectiveView {
  const view: RendezvousDirectiveView = { devOnly: false, ownerOnly: false, userInput: false, bypass: false, other: [] };
  const seen = new Set<number>();
  for (const ins of directive) {
    const w = `${where}.${nameOf(ins.variable)}`;
    const flag = FLAGS[ins.variable];
    if (flag !== undefined) {
      // A flag with a value is accepted when the value is true, as some producers write it that way.
      if (ins.value !== undefined && decodeFdoCbor(ins.value, w) !== true)
        throw messageBodyError(w, 'flag carries a value other than true');
      view[flag] = true;
      continue;
    }
    if (ins.variable > RVVariable.RVDelaysec || ins.value === undefined) {
      view.other.push(ins);
      continue;
    }
    if (seen.has(ins.variable)) throw messageBodyError(w, 'appears twice in one directive');
    seen.add(ins.variable);
    const v = decodeFdoCbor(ins.value, w);
    switch (ins.variable) {
      case RVVariable.RVIPAddress:
        view.ipAddress = ipAddressToString(parseIpAddress(v, w));
        break;
      case RVVariable.RVDevPort:
        view.devPort = asUint(v, w, 0xffff);
        break;
      case RVVariable.RVOwnerPort:
        view.ownerPort = asUint(v, w, 0xffff);
        break;
      case RVVariable.RVDns:
        view.dns = asText(v, w, 255);
        break;
      case RVVariable.RVSvCertHash:
        view.svCertHash = parseHash(v, w);
        break;
      case RVVariable.RVClCertHash:
        view.clCertHash = parseHash(v, w);
        break;
      case RVVariable.RVWifiSsid:
        view.wifiSsid = asText(v, w, 255);
        break;
      case RVVariable.RVWifiPw:
        view.wifiPw = asText(v, w, 255);
        break;
      case RVVariable.RVMedium:
        view.medium = asUint(v, w, 255);
        break;
      case RVVariable.RVProtocol:
        view.protocol = asUint(v, w, 255);
        break;
      default:
        view.delaySec = asUint(v, w, 0xffffffff);
    }
  }
  return view;
}

/** Builds a directive from a view (the inverse of `rendezvousDirectiveView`). */
export function rendezvousDirectiveFromView(view: Partial<RendezvousDirectiveView>): RendezvousDirective {
  const out: RendezvousDirective = [];
  const put = (variable: number, value: unknown) => out.push({ variable, value: encode(value) });
  if (view.devOnly) out.push({ variable: RVVariable.RVDevOnly });
  if (view.ownerOnly) out.push({ variable: RVVariable.RVOwnerOnly });
  if (view.ipAddress !== undefined) put(RVVariable.RVIPAddress, ipAddressFromString(view.ipAddress));
  if (view.dns !== undefined) put(RVVariable.RVDns, view.dns);
  if (view.devPort !== undefined) put(RVVariable.RVDevPort, view.devPort);
  if (view.ownerPort !== undefined) put(RVVariable.RVOwnerPort, view.ownerPort);
  if (view.svCertHash !== undefined) put(RVVariable.RVSvCertHash, encodeHash(view.svCertHash));
  if (view.clCertHash !== undefined) put(RVVariable.RVClCertHash, encodeHash(view.clCertHash));
  if (view.userInput) out.push({ variable: RVVariable.RVUserInput });
  if (view.wifiSsid !== undefined) put(RVVariable.RVWifiSsid, view.wifiSsid);
  if (view.wifiPw !== undefined) put(RVVariable.RVWifiPw, view.wifiPw);
  if (view.medium !== undefined) put(RVVariable.RVMedium, view.medium);
  if (view.protocol !== undefined) put(RVVariable.RVProtocol, view.protocol);
  if (view.delaySec !== undefined) put(RVVariable.RVDelaysec, view.delaySec);
  if (view.bypass) out.push({ variable: RVVariable.RVBypass });
  for (const o of view.other ?? []) out.push(o);
  return out;
}

const nameOf = (variable: number): string => Object.entries(RVVariable).find(([, n]) => n === variable)?.[0] ?? `RVVariable(${variable})`;
