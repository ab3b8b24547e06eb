/**
 * "Manufacture, then onboard" in one server: each voucher made at DI is extended to this server's
 * owner key of the manufacturer key's type (so the device's key exchange fits, ECDH256 for P-256,
 * ECDH384 for P-384), recorded on the owner side, and registered with this server's rendezvous
 * (TO0, run in process). A failure here leaves the manufactured voucher in place and is logged:
 * the operator can still extend and import it by hand.
 */
import type { KeyObject } from 'node:crypto';
import { runClient } from '../../agent/run-client.ts';
import type { KeyPairType } from '../../crypto/key-generate.ts';
import { PublicKeyType } from '../../fdo/constants/crypto.ts';
import type { ManufacturerVoucherStore, OwnerKeyRing, ProtocolMessage, ServerStep } from '../../fdo/protocol/ports.ts';
import { createTo0Owner, type To0Result } from '../../fdo/protocol/to0-owner.ts';
import { samePublicKey } from '../../fdo/types/public-key.ts';
import type { RvTo2Addr } from '../../fdo/types/rv-to2-addr.ts';
import { encodeVoucher } from '../../fdo/voucher/voucher-encode.ts';
import { extendVoucher } from '../../fdo/voucher/voucher-extend.ts';
import { parseVoucher } from '../../fdo/voucher/voucher-parse.ts';
import type { StoreOwnerVoucherStore } from '../../store/fdo/owner-voucher-store.ts';

type Handler = (state: never, message: ProtocolMessage) => Promise<ServerStep<unknown>>;

export interface AutoOwnerOptions {
  manufacturerKeys: readonly { privateKey: KeyObject }[];
  ownerKeys: readonly { type: KeyPairType; privateKey: KeyObject }[];
  ownerStore: StoreOwnerVoucherStore;
  ownerKeyRing: OwnerKeyRing;
  /** This server's TO0 handler, when it is also the rendezvous. */
  to0?: Handler;
  /** Read at each registration, so a TO2 address set through the API applies at once. */
  to2Address: RvTo2Addr | (() => Promise<RvTo2Addr>);
  clock: () => Date;
  onError: (error: unknown, guid: Uint8Array) => void;
}

const OWNER_TYPE_FOR: Partial<Record<number, KeyPairType>> = {
  [PublicKeyType.SECP256R1]: 'secp256r1',
  [PublicKeyType.SECP384R1]: 'secp384r1',
};

export function withAutoOwner(inner: ManufacturerVoucherStore, o: AutoOwnerOptions): ManufacturerVoucherStore {
  return {
    async saveVoucher(guid, voucher) {
      await inner.saveVoucher(guid, voucher);
      try {
        const parsed = parseVoucher(voucher);
        const mfg = o.manufacturerKeys.find((k) => samePublicKey(k.privateKey, parsed.header.pubKey));
        if (mfg === undefined) throw new Error('the voucher names no manufacturer key of this server');
        const wanted = OWNER_TYPE_FOR[parsed.header.pubKey.type];
        const owner = o.ownerKeys.find((k) => k.type === wanted) ?? o.ownerKeys[0];
        if (owner === undefined) throw new Error('no owner key');
        const extended = encodeVoucher(extendVoucher(parsed, { ownerPrivateKey: mfg.privateKey, nextOwner: owner.privateKey }));
        await o.ownerStore.add(guid, extended);
        if (o.to0 !== undefined) {
          const { waitSeconds } = await registerInProcess(
            o.to0,
            o.ownerKeyRing,
            extended,
            typeof o.to2Address === 'function' ? await o.to2Address() : o.to2Address,
          );
          await o.ownerStore.registered(guid, new Date(o.clock().getTime() + waitSeconds * 1000));
        }
      } catch (e) {
        o.onError(e, guid);
      }
    },
  };
}

/** TO0 between this server's owner and its own rendezvous, without HTTP. */
async function registerInProcess(to0: Handler, keyRing: OwnerKeyRing, voucher: Uint8Array, rvTo2Addr: RvTo2Addr): Promise<To0Result> {
  const client = createTo0Owner({ keyRing });
  let state: unknown;
  const transport = {
    async send(message: ProtocolMessage): Promise<ProtocolMessage> {
      const step = await to0(state as never, message);
      state = step.state ?? undefined;
      return step.reply;
    },
    async abort(): Promise<void> {},
  };
  return runClient({ start: () => client.start({ voucher, rvTo2Addr }), receive: client.receive }, transport);
}
