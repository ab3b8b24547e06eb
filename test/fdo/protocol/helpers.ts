/**
 * Shared fixtures for the DI/TO0/TO1 role tests: a settable clock, the DI device CA, an assertion
 * on error replies, and a loop that feeds a client's requests to a server handler with the state
 * of both sides round-tripped through JSON between every message (as a database would store it).
 */
import assert from 'node:assert/strict';
import type { KeyPair, KeyPairType } from '../../../src/crypto/key-generate.ts';
import type { PublicKeyTypeNumber } from '../../../src/fdo/constants/crypto.ts';
import { MsgType } from '../../../src/fdo/constants/message-types.ts';
import { RVProtocolValue, TransportProtocol } from '../../../src/fdo/constants/rendezvous.ts';
import type { DeviceCredential } from '../../../src/fdo/credential/device-credential.ts';
import { FdoError } from '../../../src/fdo/errors.ts';
import { decodeErrorMessage } from '../../../src/fdo/messages/error.ts';
import { createDiDevice } from '../../../src/fdo/protocol/di-device.ts';
import { createDiManufacturer } from '../../../src/fdo/protocol/di-manufacturer.ts';
import type { ServerHandler } from '../../../src/fdo/protocol/lib/server-step.ts';
import { MemoryManufacturerVoucherStore, MemoryOwnerKeyRing } from '../../../src/fdo/protocol/memory-stores.ts';
import type { ClientStep, ProtocolMessage, ServerStep } from '../../../src/fdo/protocol/ports.ts';
import { createTo0Owner } from '../../../src/fdo/protocol/to0-owner.ts';
import { rendezvousDirectiveFromView } from '../../../src/fdo/types/rendezvous-info.ts';
import type { RvTo2Addr } from '../../../src/fdo/types/rv-to2-addr.ts';
import { cachedKeys } from '../../helpers/keys.ts';
import { type DeviceCa, deviceCa } from '../../helpers/pki.ts';
import { seededRandom } from '../../helpers/random.ts';

/** Asserts that a server step ended its session with an error message of `fdoCode`, from an FdoError with `code`. */
export function assertFailed(step: ServerStep<unknown>, fdoCode: number, code: string): void {
  assert.equal(step.reply.msgType, MsgType.Error);
  assert.equal(step.state, null);
  assert.equal(decodeErrorMessage(step.reply.body).code, fdoCode);
  assert.ok(step.error instanceof FdoError, `error is ${String(step.error)}`);
  assert.equal((step.error as FdoError).code, code);
}

/** A clock that stands still until moved. */
export function fixedClock(iso = '2025-06-01T12:00:00Z') {
  let now = new Date(iso).getTime();
  const clock = () => new Date(now);
  clock.advance = (seconds: number) => {
    now += seconds * 1000;
  };
  return clock;
}

/** The device CA of the DI tests: P-384 on a slot of its own, valid to 2044. */
export const testDeviceCa = (): Promise<DeviceCa> =>
  deviceCa('IoTopia test device CA', { slot: 50, notAfter: new Date('2044-01-01T00:00:00Z') });

export const RV_INFO = [rendezvousDirectiveFromView({ dns: 'rv.example', devPort: 8041, protocol: RVProtocolValue.RVProtHttps })];

/** JSON round trip of session state, as a store between messages would do. */
export const viaJson = <T>(state: T): T => JSON.parse(JSON.stringify(state)) as T;

export interface Client<S, R> {
  receive(state: S, message: ProtocolMessage): Promise<ClientStep<S, R>>;
}

export interface RunLog {
  requests: ProtocolMessage[];
  replies: ProtocolMessage[];
  serverErrors: unknown[];
}

/**
 * Runs a protocol to its end in process. `tamper` may replace a request before the server sees
 * it. Returns the client's result, or throws what the client throws.
 */
export async function run<S, R, SS>(
  first: ClientStep<S, R>,
  client: Client<S, R>,
  server: ServerHandler<SS>,
  options: { tamper?: (m: ProtocolMessage, i: number) => ProtocolMessage; log?: RunLog } = {},
): Promise<R> {
  let step = first;
  let serverState: SS | undefined;
  for (let i = 0; i < 20; i++) {
    if (step.result !== undefined) return step.result;
    const { request: original, state: clientState } = step as { request: ProtocolMessage; state: S };
    const request = options.tamper?.(original, i) ?? original;
    options.log?.requests.push(request);
    const answer = await server(serverState === undefined ? undefined : viaJson(serverState), request);
    options.log?.replies.push(answer.reply);
    if (answer.error !== undefined) options.log?.serverErrors.push(answer.error);
    serverState = answer.state === null ? undefined : viaJson(answer.state);
    step = await client.receive(viaJson(clientState), answer.reply);
  }
  throw new Error('protocol did not end within 20 messages');
}

export interface Manufactured {
  credential: DeviceCredential;
  device: KeyPair;
  manufacturer: KeyPair;
  owner: KeyPair;
  voucher: Uint8Array;
  store: MemoryManufacturerVoucherStore;
}

/**
 * Runs DI for a device key of `deviceType` against a manufacturer key of `mfgType` (asked for as
 * pkType `keyType`), extending the voucher to an owner key of `ownerType`.
 */
export async function manufacture(
  options: {
    deviceType?: KeyPairType;
    mfgType?: KeyPairType;
    ownerType?: KeyPairType;
    keyType?: PublicKeyTypeNumber;
    seed?: string;
    extend?: boolean;
  } = {},
): Promise<Manufactured> {
  const { deviceType = 'secp256r1', mfgType = deviceType, ownerType = mfgType, seed = 'manufacture' } = options;
  const device = await cachedKeys(deviceType, 2);
  const manufacturer = await cachedKeys(mfgType, 1);
  const owner = await cachedKeys(ownerType, 3);
  const store = new MemoryManufacturerVoucherStore();
  const server = createDiManufacturer({
    random: seededRandom(`${seed}/m`),
    clock: fixedClock(),
    store,
    rvInfo: RV_INFO,
    deviceCa: await testDeviceCa(),
    manufacturerKeys: [manufacturer],
    ...(options.extend === false ? {} : { extendTo: owner.publicKey }),
  });
  const client = createDiDevice({
    random: seededRandom(`${seed}/d`),
    deviceKey: device.privateKey,
    serialNumber: 'SN-0001',
    model: 'IoTopia sensor',
    ...(options.keyType === undefined ? {} : { keyType: options.keyType }),
  });
  const credential = await run(client.start(), client, server);
  const voucher = await store.getVoucher(credential.guid);
  if (voucher === undefined) throw new Error('DI stored no voucher');
  return { credential, device, manufacturer, owner, voucher, store };
}

export const TO2_ADDR: RvTo2Addr = [{ dns: 'owner.example', port: 8043, protocol: TransportProtocol.ProtHTTPS }];

/** Registers `voucher` at a TO0 rendezvous handler with the owner's key ring. */
export async function register<S>(voucher: Uint8Array, ownerKeys: KeyPair['privateKey'][], server: ServerHandler<S>, waitSeconds = 3600) {
  const owner = createTo0Owner({ keyRing: new MemoryOwnerKeyRing(ownerKeys) });
  return run(owner.start({ voucher, rvTo2Addr: TO2_ADDR, waitSeconds }), owner, server);
}
