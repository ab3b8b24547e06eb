import type { Command } from 'commander';
import { decodeDeviceCredential } from '../../fdo/credential/credential-decode.ts';
import { importGoFdoCredential } from '../../fdo/credential/credential-import-go-fdo.ts';
import type { DeviceCredential } from '../../fdo/credential/device-credential.ts';
import { FdoError } from '../../fdo/errors.ts';
import { publicKeyFingerprint } from '../../fdo/types/public-key.ts';
import { VoucherError } from '../../fdo/voucher/voucher.ts';
import { type VerifyVoucherOptions, verifyVoucher } from '../../fdo/voucher/voucher-verify.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { parseHexText, readInput } from '../input.ts';
import { checkFailed, readPublicKey, readVoucher } from './voucher-common.ts';

interface Options {
  hmacSecret?: string;
  deviceCredential?: string;
  ownerKey?: string;
  json?: boolean;
}

export function registerVoucherVerify(voucher: Command, cli: CliContext): void {
  voucher
    .command('verify')
    .description('verify an ownership voucher: header HMAC (with the device secret), device chain hash, every entry, the owner')
    .argument('<file>', 'voucher file (PEM or CBOR), or - for standard input')
    .option('--hmac-secret <hex>', "the device's HMAC secret, to check the header HMAC")
    .option(
      '--device-credential <file>',
      'a device credential (IoTopia or go-fdo format): GUID, manufacturer key hash and HMAC secret are checked',
    )
    .option('--owner-key <pem>', 'the expected current owner: public key, certificate or private key file')
    .option('--json', 'machine output')
    .action(async (file: string, opts: Options) => {
      if (opts.hmacSecret !== undefined && opts.deviceCredential !== undefined) {
        throw new CliExit(EXIT_USAGE, '--hmac-secret and --device-credential are alternatives: give one');
      }
      const options: VerifyVoucherOptions = {};
      if (opts.hmacSecret !== undefined) options.hmacSecret = parseHexText(opts.hmacSecret, '--hmac-secret');
      if (opts.deviceCredential !== undefined) options.deviceCredential = await readCredential(cli, opts.deviceCredential);
      if (opts.ownerKey !== undefined) options.ownerKey = await readPublicKey(cli, opts.ownerKey, '--owner-key');
      const v = await readVoucher(cli, file);
      try {
        const r = verifyVoucher(v, options);
        const result = {
          valid: true,
          entries: r.entries,
          hmacChecked: r.hmacChecked,
          ownerChecked: opts.ownerKey !== undefined,
          owner: publicKeyFingerprint(r.ownerKey),
        };
        cli.output.result(
          result,
          () =>
            `voucher is valid: ${r.entries} entr${r.entries === 1 ? 'y' : 'ies'}; header HMAC ${r.hmacChecked ? 'verified' : 'not checked (no secret given)'}; current owner ${result.owner}`,
        );
      } catch (e) {
        if (opts.json && e instanceof FdoError) {
          const entryIndex = e instanceof VoucherError ? e.entryIndex : undefined;
          cli.output.result({
            valid: false,
            code: e.code,
            fdoCode: e.fdoCode,
            ...(entryIndex === undefined ? {} : { entryIndex }),
            message: e.message,
          });
          throw new CliExit(EXIT_CHECK_FAILED, `${file}: ${e.message} [${e.code}]`);
        }
        throw checkFailed(file, e);
      }
    });
}

async function readCredential(cli: CliContext, file: string): Promise<DeviceCredential> {
  const bytes = await readInput(cli, file);
  try {
    return decodeDeviceCredential(bytes);
  } catch (first) {
    if (!(first instanceof FdoError)) throw first;
    try {
      return importGoFdoCredential(bytes);
    } catch {
      throw new CliExit(EXIT_USAGE, `--device-credential ${file}: not a device credential: ${first.message} [${first.code}]`);
    }
  }
}
