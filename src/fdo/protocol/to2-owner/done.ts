/**
 * TO2.Done -> TO2.Done2 (§5.5.12, §5.5.13): the device confirms the session; the owner builds the
 * replacement voucher from the HMAC the device sent and records the outcome before answering.
 */
import { bytesEqual } from '../../../codec/bytes.ts';
import { MsgType } from '../../constants/message-types.ts';
import { ModuleName } from '../../constants/serviceinfo.ts';
import { decodeTO2Done, encodeTO2Done2 } from '../../messages/to2.ts';
import { deliveredProvision } from '../../serviceinfo/modules/iotopia-onboard-owner.ts';
import { checkUrl } from '../../serviceinfo/modules/iotopia-onboard-values.ts';
import type { FdoHmac } from '../../types/hash.ts';
import { encodeVoucher } from '../../voucher/voucher-encode.ts';
import { openBody, sealBody } from '../lib/to2-envelope.ts';
import { to2Error } from '../lib/to2-errors.ts';
import { replacementHeaderBytes, replacementVoucher } from '../lib/to2-replacement.ts';
import { bytesField } from '../lib/to2-state-fields.ts';
import type { ProtocolMessage, To2Result } from '../ports.ts';
import { loadVoucher, sessionOf } from './owner-context.ts';
import type { To2Onboarded, To2OwnerOptions, To2OwnerReplacement, To2OwnerState, To2OwnerStep } from './types.ts';

export async function done(options: To2OwnerOptions, s: To2OwnerState, message: ProtocolMessage): Promise<To2OwnerStep> {
  const opened = openBody(sessionOf(s), message, MsgType.TO2_Done);
  const msg = decodeTO2Done(opened.plaintext);
  if (!bytesEqual(msg.nonceTO2ProveDv, bytesField(s.nonceProveDv, 'nonceProveDv'))) {
    throw to2Error('ERR_FDO_TO2_NONCE', 'TO2.Done does not carry the NonceTO2ProveDv of TO2.ProveOVHdr');
  }
  const r = s.replacement;
  if (r === null || s.nonceSetupDv === null) throw to2Error('ERR_FDO_TO2_STATE', 'stored TO2 state is unusable: no replacement');
  const guid = bytesField(s.guid, 'guid', 16);
  const replacementGuid = bytesField(r.guid, 'replacement.guid', 16);
  const replacement = r.reuse ? undefined : await replacementVoucherOf(options, s, r, replacementGuid);
  const sealed = sealBody(
    opened.session,
    MsgType.TO2_Done2,
    encodeTO2Done2({ nonceTO2SetupDv: bytesField(s.nonceSetupDv, 'nonceSetupDv') }),
    options.random,
  );
  // Recorded only once everything else has succeeded, so a failed session changes no store.
  const deviceInfo = onboardDeviceInfo(s);
  const delivered = deliveredCredential(s);
  await options.vouchers.onboarded(guid, {
    replacementGuid,
    ...(replacement === undefined ? {} : { replacementVoucher: replacement }),
    ...(deviceInfo === undefined ? {} : { deviceInfo }),
    ...(s.peerAddress === undefined ? {} : { peerAddress: s.peerAddress }),
    ...(delivered === undefined ? {} : { deliveredCredential: delivered }),
    // The store checks, as it commits, that the voucher is still the one this session ran with.
    voucherHash: s.voucherHash,
  });
  const onboarded: To2Onboarded = {
    guid,
    replacementGuid,
    reused: r.reuse,
    ...(replacement === undefined ? {} : { replacementVoucher: replacement }),
  };
  return { state: null, reply: sealed.message, onboarded };
}

/**
 * The MUD and SBOM URLs the device reported: those of a completed iotopia.onboard plan (the module
 * checked them), else the MUD URL of devmod `mudurl` when it is an https URL.
 */
function onboardDeviceInfo(s: To2OwnerState): To2Result['deviceInfo'] {
  const plan = s.serviceInfo?.plans.find((p) => p.module === ModuleName.iotopia_onboard && p.status === 'done');
  const { mudUrl, sbomUrl } = plan?.detail ?? {};
  const devmodUrl = s.serviceInfo?.devmod.complete === true ? httpsUrl(s.serviceInfo.devmod.text.mudurl) : undefined;
  const mud = typeof mudUrl === 'string' ? mudUrl : devmodUrl;
  if (mud === undefined && typeof sbomUrl !== 'string') return undefined;
  return { ...(mud === undefined ? {} : { mudUrl: mud }), ...(typeof sbomUrl === 'string' ? { sbomUrl } : {}) };
}

/** The device API credential this session's iotopia.onboard plan delivered, if it completed. */
function deliveredCredential(s: To2OwnerState): To2Result['deliveredCredential'] {
  for (const plan of s.serviceInfo?.plans ?? []) {
    const provision = deliveredProvision(plan);
    if (provision !== undefined) return provision.credential;
  }
  return undefined;
}

function httpsUrl(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    return checkUrl(v, 'devmod:mudurl');
  } catch {
    return undefined;
  }
}

/** The voucher the owner keeps for the device's new credential: the header it signed in TO2.SetupDevice, MACed by the device. */
async function replacementVoucherOf(
  options: To2OwnerOptions,
  s: To2OwnerState,
  r: To2OwnerReplacement,
  replacementGuid: Uint8Array,
): Promise<Uint8Array> {
  if (s.replacementHmac === null) throw to2Error('ERR_FDO_TO2_STATE', 'stored TO2 state is unusable: no replacement HMAC');
  const { voucher } = await loadVoucher(options, s);
  const header = replacementHeaderBytes(voucher.raw.header, {
    guid: replacementGuid,
    rvInfoRaw: bytesField(r.rvInfo, 'replacement.rvInfo'),
    owner2KeyRaw: bytesField(r.owner2Key, 'replacement.owner2Key'),
  });
  const hmac = { type: s.replacementHmac.type as FdoHmac['type'], value: bytesField(s.replacementHmac.value, 'replacementHmac') };
  return encodeVoucher(replacementVoucher(voucher, header, hmac));
}
