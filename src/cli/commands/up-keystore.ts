/** The keystore options of `iotopia up` (ADR 0020, docs/keystore.md), as one group of its help. */
import type { Command } from 'commander';
import type { RawSettings } from '../../server/platform/config.ts';
import { type CliContext, pathIn } from '../context.ts';

export interface KeystoreOptions {
  keystore?: string;
  pkcs11Module?: string;
  pkcs11Token?: string;
  pkcs11PinFile?: string;
  pkcs11LabelPrefix?: string;
  masterKeyStore?: string;
}

export function withKeystoreOptions(cmd: Command): Command {
  return cmd
    .optionsGroup('Keystore (where the server’s private keys live; the PIN comes from IOTOPIA_PKCS11_PIN or --pkcs11-pin-file):')
    .option(
      '--keystore <backend>',
      'software (default: sealed in the database by the master key) or pkcs11 (generated in a token, never leaving it)',
    )
    .option('--pkcs11-module <path>', 'with --keystore pkcs11: the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so')
    .option('--pkcs11-token <label>', 'with --keystore pkcs11: the label of the token that holds the keys')
    .option('--pkcs11-pin-file <file>', 'with --keystore pkcs11: a file whose first line is the user PIN (else IOTOPIA_PKCS11_PIN)')
    .option('--pkcs11-label-prefix <prefix>', 'with --keystore pkcs11: CKA_LABEL prefix of IoTopia’s keys (default "iotopia:")')
    .option(
      '--master-key-store <where>',
      'file (default: <data-dir>/master.key or IOTOPIA_MASTER_KEY) or pkcs11 (with --keystore pkcs11: kept sealed by an AES key in the token)',
    )
    .optionsGroup('Options:');
}

export function keystoreFlags(cli: CliContext, opts: KeystoreOptions): RawSettings {
  return {
    keystore: opts.keystore,
    pkcs11Module: opts.pkcs11Module,
    pkcs11Token: opts.pkcs11Token,
    pkcs11PinFile: opts.pkcs11PinFile === undefined ? undefined : pathIn(cli, opts.pkcs11PinFile),
    pkcs11LabelPrefix: opts.pkcs11LabelPrefix,
    masterKeyStore: opts.masterKeyStore,
  };
}
