/** In-memory ports and a driver that runs owner and device ServiceInfo sides against each other. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createDeviceServiceInfo } from '../../../src/fdo/serviceinfo/create-device-service-info.ts';
import { createOwnerServiceInfo } from '../../../src/fdo/serviceinfo/create-owner-service-info.ts';
import type { DevmodInfo } from '../../../src/fdo/serviceinfo/device-state.ts';
import { type DeviceServiceInfoConfig, nextDeviceServiceInfo } from '../../../src/fdo/serviceinfo/next-device-service-info.ts';
import { nextOwnerServiceInfo } from '../../../src/fdo/serviceinfo/next-owner-service-info.ts';
import type { OwnerModulePlan } from '../../../src/fdo/serviceinfo/owner-plans.ts';
import type { OwnerServiceInfoStep } from '../../../src/fdo/serviceinfo/owner-state.ts';
import type { ByteSink, ByteSource, OwnerPorts } from '../../../src/fdo/serviceinfo/ports.ts';
import type { DeviceServiceInfoMessage, OwnerServiceInfoMessage } from '../../../src/fdo/serviceinfo/service-info-kv.ts';

export const sha384 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha384').update(b).digest());

/** Deterministic pseudo-random bytes. */
export function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Files by name, with staged writes published on commit. */
export class MemoryFiles implements ByteSource, ByteSink {
  readonly files = new Map<string, Uint8Array>();
  readonly staged = new Map<string, { name: string; data: Uint8Array }>();
  #next = 0;
  failAppend = false;

  async size(ref: string): Promise<number> {
    const f = this.files.get(ref);
    if (f === undefined) throw new Error(`no file ${ref}`);
    return f.length;
  }
  async read(ref: string, offset: number, length: number): Promise<Uint8Array> {
    const f = this.files.get(ref) ?? this.staged.get(ref)?.data;
    if (f === undefined) throw new Error(`no file ${ref}`);
    return f.slice(offset, offset + length);
  }
  async create(name: string): Promise<string> {
    const handle = `tmp-${this.#next++}`;
    this.staged.set(handle, { name, data: new Uint8Array(0) });
    return handle;
  }
  async append(handle: string, data: Uint8Array): Promise<void> {
    if (this.failAppend) throw new Error('disk full');
    const st = this.staged.get(handle);
    if (st === undefined) throw new Error(`no handle ${handle}`);
    const next = new Uint8Array(st.data.length + data.length);
    next.set(st.data);
    next.set(data, st.data.length);
    st.data = next;
  }
  async commit(handle: string): Promise<void> {
    const st = this.staged.get(handle);
    if (st === undefined) throw new Error(`no handle ${handle}`);
    this.staged.delete(handle);
    this.files.set(st.name, st.data);
  }
  async discard(handle: string): Promise<void> {
    this.staged.delete(handle);
  }
}

export const DEVMOD: DevmodInfo = {
  os: 'Linux',
  arch: 'aarch64',
  version: 'IoTopia OS 1.0',
  device: 'iotopia-sensor-1',
  sep: ':',
  bin: 'aarch64',
  sn: 'SN-0001',
  mudurl: 'https://mud.example.com/sensor-1.json',
};

export interface RunOptions {
  plans: OwnerModulePlan[];
  device: DeviceServiceInfoConfig;
  ownerPorts?: OwnerPorts;
  /** The owner's maxDeviceServiceInfoSz: the largest TO2.DeviceServiceInfo. */
  deviceMax?: number;
  /** The device's maxOwnerServiceInfoSz: the largest TO2.OwnerServiceInfo. */
  ownerMax?: number;
  /** Round-trip both states through JSON between every message. */
  viaJson?: boolean;
  maxRounds?: number;
}

export interface RunResult {
  last: OwnerServiceInfoStep;
  ownerMessages: OwnerServiceInfoMessage[];
  deviceMessages: DeviceServiceInfoMessage[];
  rounds: number;
}

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export async function run(o: RunOptions): Promise<RunResult> {
  const deviceMax = o.deviceMax ?? 1300;
  const ownerMax = o.ownerMax ?? 1300;
  let owner = createOwnerServiceInfo({ plans: o.plans, limits: { maxBodyBytes: deviceMax } });
  let device = createDeviceServiceInfo({ limits: { maxBodyBytes: ownerMax } });
  const ownerMessages: OwnerServiceInfoMessage[] = [];
  const deviceMessages: DeviceServiceInfoMessage[] = [];
  let d = await nextDeviceServiceInfo(device, null, deviceMax, o.device);
  for (let rounds = 1; rounds <= (o.maxRounds ?? 100_000); rounds++) {
    assert.ok(d.body !== undefined && d.message !== undefined);
    assert.ok(d.body.length <= deviceMax, `device body ${d.body.length} > ${deviceMax}`);
    deviceMessages.push(d.message);
    device = o.viaJson ? json(d.state) : d.state;
    const step = await nextOwnerServiceInfo(owner, d.body, ownerMax, o.ownerPorts);
    assert.ok(step.body.length <= ownerMax, `owner body ${step.body.length} > ${ownerMax}`);
    ownerMessages.push(step.message);
    owner = o.viaJson ? json(step.state) : step.state;
    d = await nextDeviceServiceInfo(device, step.body, deviceMax, o.device);
    if (d.done) {
      assert.equal(step.done, true);
      return { last: step, ownerMessages, deviceMessages, rounds };
    }
    assert.equal(step.done, false);
  }
  throw new Error('no end');
}
