/**
 * TO0 between the owner and rendezvous roles of one server. `inProcessTransport` carries each
 * message straight to a server role handler, keeping the protocol state between messages the
 * way the HTTP transport's session store would. `signTo0Direct` skips the messages: the owner
 * signs to1d over a to0d with its own nonce, for the rendezvous' `To0Direct` checks.
 */
import { ErrorCode } from '../constants/error-codes.ts';
import { FdoError } from '../errors.ts';
import { encodeTo0d, signTo1d } from '../messages/to0.ts';
import { hashTypeFor } from '../protocol/lib/key-strength.ts';
import type { AnyServerHandler, OwnerKeyRing } from '../protocol/ports.ts';
import { createTo0Owner, TO0_MAX_WAIT_SECONDS, type To0Result } from '../protocol/to0-owner.ts';
import { certChainToX509 } from '../types/cert-chain.ts';
import { hashBytes } from '../types/hash.ts';
import { generateNonce } from '../types/nonce.ts';
import { publicKeyToKeyObject, signatureAlgorithmFor } from '../types/public-key.ts';
import type { RvTo2Addr } from '../types/rv-to2-addr.ts';
import { voucherOwner } from '../voucher/voucher-owner.ts';
import { parseVoucher } from '../voucher/voucher-parse.ts';
import type { FdoTransport } from './http-transport.ts';
import { runClient } from './run-client.ts';

/** One protocol run's transport to `handler`: the state lives in the closure, so make one per run. */
export function inProcessTransport(handler: AnyServerHandler): FdoTransport {
  let state: unknown;
  return {
    async send(message) {
      const step = await handler(state as never, message);
      state = step.state ?? undefined;
      return step.reply;
    },
    async abort() {},
  };
}

export type RegisterVoucher = (voucher: Uint8Array) => Promise<To0Result>;

/** TO0 for `voucher` with a rendezvous handler in this process, signed by `keyRing`. */
export function to0InProcess(to0: AnyServerHandler, keyRing: OwnerKeyRing, rvTo2Addr: RvTo2Addr): RegisterVoucher {
  return (voucher) => {
    const client = createTo0Owner({ keyRing });
    return runClient({ start: () => client.start({ voucher, rvTo2Addr }), receive: client.receive }, inProcessTransport(to0));
  };
}

/** The owner's half of TO0 (FDO 1.1 §5.3) without its messages: to0d and the to1d signed over its hash. */
export interface SignedTo0 {
  to0d: Uint8Array;
  to1d: Uint8Array;
}

/**
 * Signs to1d for `voucher` with the key ring's key for the voucher's current owner, as TO0.OwnerSign
 * carries it, over a to0d asking for the longest lifetime with a fresh nonce. The hash type follows
 * the voucher's entries (or, without entries, the owner and device key strengths).
 */
export async function signTo0Direct(keyRing: OwnerKeyRing, voucherBytes: Uint8Array, rvTo2Addr: RvTo2Addr): Promise<SignedTo0> {
  const voucher = parseVoucher(voucherBytes);
  const owner = voucherOwner(voucher);
  const ownerKey = publicKeyToKeyObject(owner, 'voucher owner').key;
  const privateKey = await keyRing.privateKeyFor(ownerKey);
  if (privateKey === undefined) {
    throw new FdoError(
      'ERR_FDO_TO0_NO_OWNER_KEY',
      ErrorCode.INTERNAL_SERVER_ERROR,
      "the key ring holds no private key for the voucher's current owner",
    );
  }
  const to0d = encodeTo0d({ voucher: voucherBytes, waitSeconds: TO0_MAX_WAIT_SECONDS, nonceTO0Sign: generateNonce() });
  const device = voucher.devCertChain === null ? [] : [certChainToX509(voucher.devCertChain.slice(0, 1), 'OVDevCertChain')[0]!.publicKey];
  const hashType = voucher.entries[0]?.payload.hashPrevEntry.type ?? hashTypeFor(ownerKey, ...device);
  const to1d = signTo1d(
    { rvTo2Addr, to0dHash: hashBytes(hashType, to0d) },
    { key: privateKey, alg: signatureAlgorithmFor(owner.type, privateKey) },
  );
  return { to0d, to1d };
}
