/**
 * `iotopia device init | onboard | show`: the device agent on this machine, a simulated FDO device
 * whose credential (with its private key) is kept in a file readable by this user only.
 */

import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { arch, hostname, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { MAX_IDENTITY_CHARS, saveIdentity } from '../../agent/device-identity.ts';
import { deviceKeyMissing, parsePkcs11Ref, pkcs11Ref, tokenDeviceKeys } from '../../agent/device-keystore.ts';
import {
  directorySink,
  directorySource,
  fileManagementStore,
  httpFetch,
  localExecutor,
  mkdirPrivate,
  writeFileAtomic,
} from '../../agent/local-ports.ts';
import { generateKeyPair } from '../../crypto/key-generate.ts';
import { importPrivateKey } from '../../crypto/key-import.ts';
import { keyDetailsOf, type PrivateKeyLike } from '../../crypto/private-key-handle.ts';
import { IotopiaError } from '../../errors.ts';
import { runDi, runOnboard } from '../../fdo/client/flows.ts';
import { CipherSuite, KexSuite, PublicKeyType } from '../../fdo/constants/crypto.ts';
import { ErrorCode } from '../../fdo/constants/error-codes.ts';
import { decodeDeviceCredential } from '../../fdo/credential/credential-decode.ts';
import { encodeDeviceCredential } from '../../fdo/credential/credential-encode.ts';
import type { DeviceCredential } from '../../fdo/credential/device-credential.ts';
import { FdoError } from '../../fdo/errors.ts';
import type { DeviceKeyStore } from '../../fdo/protocol/to2-ports.ts';
import { deviceCommandModule } from '../../fdo/serviceinfo/modules/command-device.ts';
import { deviceDownloadModule } from '../../fdo/serviceinfo/modules/download-device.ts';
import { deviceIotopiaOnboardModule } from '../../fdo/serviceinfo/modules/iotopia-onboard-device.ts';
import { deviceUploadModule } from '../../fdo/serviceinfo/modules/upload-device.ts';
import { deviceWgetModule } from '../../fdo/serviceinfo/modules/wget-device.ts';
import type { HttpFetch, ManagementStore } from '../../fdo/serviceinfo/ports.ts';
import { guidToUuid } from '../../fdo/types/guid.ts';
import { rendezvousDirectiveView } from '../../fdo/types/rendezvous-info.ts';
import { KeystoreError } from '../../keystore/errors.ts';
import { DEFAULT_LABEL_PREFIX, readPkcs11Pin } from '../../keystore/pkcs11/config.ts';
import { openPkcs11Keystore, type Pkcs11Keystore } from '../../keystore/pkcs11/keystore.ts';
import { type CliContext, pathIn } from '../context.ts';
import { DI_TOKEN_ENV, DI_TOKEN_HELP, diTokenOption } from '../di-token-option.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { readTlsCa, TLS_CA_OPTION } from '../tls-ca.ts';
import { showRegistered } from './device-admin.ts';
import { registerDeviceRun } from './device-run.ts';
import type { KeystoreOptions as ServerKeystoreOptions } from './up-keystore.ts';
import { type ApiOptions, withApiOptions } from './voucher-admin-client.ts';

const DEFAULT_CREDENTIAL = join('.iotopia-device', 'credential.cbor');
const random = (n: number) => new Uint8Array(randomBytes(n));

/**
 * The device key types and the pkType each declares at DI (FDO 1.1 §3.3.4). A 2048-bit RSA key
 * (exponent 65537, RS256 signatures) is RSA2048RESTR; a 3072-bit one RSAPKCS
 * (docs/decisions/0012-rsa-device-key-type.md).
 */
const KEYS = {
  ec256: { pair: 'secp256r1', pkType: PublicKeyType.SECP256R1, kex: KexSuite.ECDH256, cipher: CipherSuite.A128GCM },
  ec384: { pair: 'secp384r1', pkType: PublicKeyType.SECP384R1, kex: KexSuite.ECDH384, cipher: CipherSuite.A256GCM },
  // FDO 1.1 §3.6 pairs the finite-field groups with RSA devices of the same strength.
  rsa2048: { pair: 'rsa2048', pkType: PublicKeyType.RSA2048RESTR, kex: KexSuite.DHKEXid14, cipher: CipherSuite.A128GCM },
  rsa3072: { pair: 'rsa3072', pkType: PublicKeyType.RSAPKCS, kex: KexSuite.DHKEXid15, cipher: CipherSuite.A256GCM },
} as const;

interface InitOptions {
  manufacturer: string;
  key: string;
  credential: string;
  serial?: string;
  model: string;
  force?: boolean;
  json?: boolean;
  tlsCa?: string;
  diToken?: string;
}

type InitKeystoreOptions = InitOptions & KeystoreOptions;

export function registerDevice(program: Command, cli: CliContext): void {
  const { output } = cli;
  const text = output.text;
  const device = program
    .command('device')
    .description('the device agent: manufacture (DI) and onboard (TO1, TO2) this machine as an FDO device');

  const init = device
    .command('init')
    .description('run DI against a manufacturer and store the device credential (mode 0600; key material never printed)')
    .requiredOption('--manufacturer <url>', 'the manufacturer server, e.g. http://127.0.0.1:8080')
    .option('--key <type>', 'device key: ec256 (default), ec384, rsa2048, rsa3072', 'ec256')
    .option('--credential <file>', 'where to store the credential', DEFAULT_CREDENTIAL)
    .option('--serial <sn>', 'serial number to report (default: a random one)')
    .option('--model <name>', 'model to report', 'IoTopia device agent')
    .option('--force', 'replace an existing credential file')
    .option('--di-token <secret>', `${DI_TOKEN_HELP} (default: $${DI_TOKEN_ENV})`)
    .option('--json', 'machine output')
    .option(...TLS_CA_OPTION);
  withKeystoreOptions(init).action(async (o: InitKeystoreOptions) => {
    const tlsCa = readTlsCa(cli, o.tlsCa);
    const kind = KEYS[o.key as keyof typeof KEYS];
    if (kind === undefined) throw new CliExit(EXIT_USAGE, `--key: one of ${Object.keys(KEYS).join(', ')}`);
    const file = resolve(pathIn(cli, o.credential));
    if (!o.force && (await exists(file))) throw new CliExit(EXIT_USAGE, `${file} exists; use --force to replace it`);
    const serialNumber = o.serial ?? `IOTOPIA-${randomBytes(6).toString('hex').toUpperCase()}`;
    for (const [name, v] of [
      ['--serial', serialNumber],
      ['--model', o.model],
    ] as const)
      if (v.length === 0 || v.length > MAX_IDENTITY_CHARS) throw new CliExit(EXIT_USAGE, `${name}: 1 to ${MAX_IDENTITY_CHARS} characters`);
    const token = openDeviceKeystore(cli, o);
    try {
      let deviceKey: PrivateKeyLike;
      let keystoreRef: string | undefined;
      if (token === undefined) {
        deviceKey = (await generateKeyPair(kind.pair)).privateKey;
      } else {
        // Made in the token, never outside it; the credential records where it is.
        const name = `device-${randomBytes(8).toString('hex')}`;
        deviceKey = await keystoreStep(() => token.keystore.generate(name, kind.pair));
        keystoreRef = pkcs11Ref(token.token, token.prefix + name);
      }
      const credential = await protocolStep(DI_STEP, () =>
        runDi(
          o.manufacturer,
          {
            random,
            deviceKey,
            serialNumber,
            model: o.model,
            keyType: kind.pkType,
            ...(keystoreRef === undefined ? {} : { keystoreRef }),
          },
          { ...diTokenOption(o.diToken, cli.env), ...(tlsCa === undefined ? {} : { tlsCa }) },
        ),
      );
      await mkdirPrivate(dirname(file));
      await writeFileAtomic(file, encodeDeviceCredential(credential));
      // What DI recorded, for the device API report (the credential keeps only DCDeviceInfo).
      await saveIdentity(dirname(file), { model: o.model, serial: serialNumber });
      const keystore = token === undefined ? 'software' : 'pkcs11';
      output.result({ guid: guidToUuid(credential.guid), credential: file, serialNumber, keystore }, () => [
        `device manufactured: GUID ${guidToUuid(credential.guid)} (serial ${text(serialNumber)})`,
        `credential stored in ${file} (mode 0600)`,
        keystoreRef === undefined ? 'device key: in the credential file' : `device key: in the token, ${text(keystoreRef)}`,
        'next: npx iotopia device onboard',
      ]);
    } finally {
      await token?.keystore.close();
    }
  });

  const onboard = device
    .command('onboard')
    .description('find the owner through the rendezvous (TO1), onboard (TO2), apply the ServiceInfo received')
    .option('--credential <file>', 'the device credential', DEFAULT_CREDENTIAL)
    .option('--kex <suite>', 'key exchange: ECDH256, ECDH384, DHKEXid14, DHKEXid15, ASYMKEX2048, ASYMKEX3072 (default: by device key)')
    .option('--cipher <suite>', `cipher suite: ${Object.keys(CipherSuite).join(', ')} (default: by device key)`)
    .option('--owner <url>', 'go straight to this owner server (skip TO1)')
    .option('--download-dir <dir>', 'where fdo.download and fdo.wget files go (default: downloads/ beside the credential)')
    .option('--no-wget', 'refuse fdo.wget (by default the device fetches the http/https URLs the owner names into the download directory)')
    .option('--allow-upload <dir>', 'send files from this directory when the owner asks (fdo.upload; refused otherwise)')
    .option('--allow-commands', 'run fdo.command commands the owner sends (refused otherwise)')
    .option('--mud-url <url>', "the device's MUD URL (https, RFC 8520), reported to the owner in iotopia.onboard")
    .option('--sbom-url <url>', "the device's SBOM URL (https), reported to the owner in iotopia.onboard")
    .option('--json', 'machine output')
    .option(...TLS_CA_OPTION);
  withKeystoreOptions(onboard).action(
    async (
      o: KeystoreOptions & {
        credential: string;
        kex?: string;
        cipher?: string;
        owner?: string;
        downloadDir?: string;
        wget: boolean;
        allowUpload?: string;
        allowCommands?: boolean;
        mudUrl?: string;
        sbomUrl?: string;
        json?: boolean;
        tlsCa?: string;
      },
    ) => {
      const tlsCa = readTlsCa(cli, o.tlsCa);
      const onboardModule = iotopiaOnboardOf(o);
      const file = resolve(pathIn(cli, o.credential));
      const credential = await loadCredential(file);
      const { deviceKey, deviceKeys, close } = await deviceKeyOf(cli, o, credential);
      try {
        const d = keyDetailsOf(deviceKey);
        const byKey =
          d.type === 'rsa'
            ? d.modulusBits > 2048
              ? KEYS.rsa3072
              : KEYS.rsa2048
            : d.type === 'ec' && d.curve === 'P-384'
              ? KEYS.ec384
              : KEYS.ec256;
        const kexSuite = o.kex ?? byKey.kex;
        if (!Object.values(KexSuite).includes(kexSuite as never))
          throw new CliExit(EXIT_USAGE, `--kex: one of ${Object.values(KexSuite).join(', ')}`);
        const cipherSuite = o.cipher === undefined ? byKey.cipher : CipherSuite[o.cipher as keyof typeof CipherSuite];
        if (cipherSuite === undefined) throw new CliExit(EXIT_USAGE, `--cipher: one of ${Object.keys(CipherSuite).join(', ')}`);
        const dir = dirname(file);
        const log = (line: string) => (output.json ? undefined : output.err(`  ${text(line)}\n`));
        const management = fileManagementStore(join(dir, 'provision.json'));
        const downloads = resolve(o.downloadDir === undefined ? join(dir, 'downloads') : pathIn(cli, o.downloadDir));
        const uploads = o.allowUpload === undefined ? undefined : resolve(pathIn(cli, o.allowUpload));
        if (uploads !== undefined && !(await isDirectory(uploads)))
          throw new CliExit(EXIT_USAGE, `--allow-upload: ${uploads} is not a directory`);
        const result = await protocolStep('onboarding', () =>
          runOnboard(credential, o.owner === undefined ? {} : { ownerUrls: [o.owner] }, {
            deviceKey,
            ...(tlsCa === undefined ? {} : { tlsCa }),
            to2: {
              kexSuite,
              cipherSuite,
              random,
              ...(deviceKeys === undefined ? {} : { deviceKeys }),
              serviceInfo: {
                devmod: {
                  os: platform(),
                  arch: arch(),
                  version: process.version,
                  device: hostname(),
                  sep: ';',
                  bin: arch(),
                  ...(o.mudUrl === undefined ? {} : { mudurl: o.mudUrl }),
                },
                modules: [
                  deviceDownloadModule({ sink: directorySink(downloads) }),
                  deviceCommandModule({ executor: localExecutor(o.allowCommands === true, log) }),
                  deviceWgetModule({ fetch: o.wget ? httpFetch(log) : noWget(log), sink: directorySink(downloads) }),
                  deviceUploadModule({ source: directorySource(uploads, log) }),
                  onboardModule(management),
                ],
              },
            },
          }),
        );
        await writeFileAtomic(file, encodeDeviceCredential(result.to2.credential));
        const provision = await management.load();
        output.result(
          {
            onboarded: true,
            owner: result.ownerUrl,
            guid: guidToUuid(result.to2.credential.guid),
            previousGuid: guidToUuid(credential.guid),
            reused: result.to2.reused,
            kexSuite,
            cipherSuite,
            managementEndpoint: provision?.endpoint ?? null,
          },
          () => [
            `onboarded to ${text(result.ownerUrl)} (${kexSuite}, cipher ${cipherSuite})`,
            result.to2.reused
              ? `credential kept (credential reuse): GUID ${guidToUuid(credential.guid)}`
              : `new GUID ${guidToUuid(result.to2.credential.guid)} (was ${guidToUuid(credential.guid)}); credential updated in ${file}`,
            provision === undefined ? 'the owner provisioned no management endpoint' : `management endpoint: ${text(provision.endpoint)}`,
          ],
        );
      } finally {
        await close();
      }
    },
  );

  registerDeviceRun(device, cli, DEFAULT_CREDENTIAL, {
    withKeystoreOptions,
    deviceKey: async (file, o) => deviceKeyOf(cli, o, await loadCredential(file)),
  });

  withApiOptions(device.command('show'))
    .description(
      "without <guid>: print this device's credential without its secrets; with <guid>: an owner server's record of that device (through the management API)",
    )
    .argument('[guid]', "a device's original GUID or the one TO2 gave it")
    .option('--credential <file>', 'the device credential', DEFAULT_CREDENTIAL)
    .option('--json', 'machine output')
    .action(async (guid: string | undefined, o: ApiOptions & { credential: string; json?: boolean }) => {
      if (guid !== undefined) return showRegistered(cli, guid, o);
      const c = await loadCredential(resolve(pathIn(cli, o.credential)));
      const rv = c.rvInfo.map((directive) => {
        const v = rendezvousDirectiveView(directive);
        return {
          ...(v.dns === undefined ? {} : { dns: v.dns }),
          ...(v.ipAddress === undefined ? {} : { ip: v.ipAddress }),
          port: v.devPort ?? null,
          protocol: v.protocol ?? null,
        };
      });
      const view = {
        guid: guidToUuid(c.guid),
        active: c.active,
        protocolVersion: c.protVer,
        deviceInfo: c.deviceInfo,
        rendezvous: rv,
        manufacturerKeyHash: { type: c.pubKeyHash.type, value: Buffer.from(c.pubKeyHash.value).toString('hex') },
        deviceKey: 'pkcs8' in c.deviceKey ? 'held in the credential file (not shown)' : `keystore: ${c.deviceKey.keystoreRef}`,
        hmacSecret: 'held in the credential file (not shown)',
      };
      output.result(view, () => [
        `GUID          ${view.guid}${c.active ? '' : ' (inactive)'}`,
        `device info   ${text(view.deviceInfo)}`,
        ...rv.map((r, i) => `rendezvous ${i}  ${text(String(r.dns ?? r.ip ?? '?'))}:${r.port ?? '?'}`),
        `mfg key hash  ${view.manufacturerKeyHash.value}`,
        `device key    ${text(view.deviceKey)}`,
      ]);
    });
}

/** fdo.wget refused by the operator (--no-wget): the module answers the owner with `error`. */
function noWget(log: (line: string) => void): HttpFetch {
  return {
    get(url) {
      log(`refused fetching ${url} for the owner (fdo.wget is off: --no-wget)`);
      return Promise.reject(new Error('fdo.wget is not allowed on this device'));
    },
  };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await readFile(file);
    return true;
  } catch {
    return false;
  }
}

async function loadCredential(file: string): Promise<DeviceCredential> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new CliExit(
      EXIT_USAGE,
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (run \`iotopia device init\` first)`,
    );
  }
  try {
    return decodeDeviceCredential(new Uint8Array(bytes));
  } catch (e) {
    throw new CliExit(EXIT_CHECK_FAILED, `${file}: not a device credential (${(e as Error).message})`);
  }
}

/** Runs a protocol; its typed failures become a failed check naming the code, never a stack trace. */
const DI_STEP = 'DI';
/** The manufacturer's answer to a DI it does not authorise (INVALID_JWT_TOKEN on DI.AppStart). */
const DI_REFUSED_HINT = ` (the manufacturer needs a manufacturing credential: --di-token or ${DI_TOKEN_ENV})`;

async function protocolStep<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof FdoError || e instanceof IotopiaError) {
      const peer = (e as { peerCode?: number }).peerCode;
      const hint = what === DI_STEP && peer === ErrorCode.INVALID_JWT_TOKEN ? DI_REFUSED_HINT : '';
      throw new CliExit(
        EXIT_CHECK_FAILED,
        `${what} failed: ${e.message}${hint} [${e.code}${peer === undefined ? '' : `, peer code ${peer}`}]`,
      );
    }
    throw e;
  }
}

/** The iotopia.onboard module with the URLs the command line names, checked before anything is sent. */
function iotopiaOnboardOf(o: {
  mudUrl?: string;
  sbomUrl?: string;
}): (store: ManagementStore) => ReturnType<typeof deviceIotopiaOnboardModule> {
  const urls = { ...(o.mudUrl === undefined ? {} : { mudUrl: o.mudUrl }), ...(o.sbomUrl === undefined ? {} : { sbomUrl: o.sbomUrl }) };
  try {
    deviceIotopiaOnboardModule({ store: { save: async () => {} }, ...urls });
  } catch (e) {
    throw new CliExit(EXIT_USAGE, (e as Error).message.replace('mudUrl', '--mud-url').replace('sbomUrl', '--sbom-url'));
  }
  return (store) => deviceIotopiaOnboardModule({ store, ...urls });
}

/** The keystore options of `iotopia up`, but for the device key: there is no master key on a device. */
type KeystoreOptions = Omit<ServerKeystoreOptions, 'masterKeyStore'>;

function withKeystoreOptions(command: Command): Command {
  return command
    .option('--keystore <backend>', 'where the device key lives: software (default: in the credential file) or pkcs11 (a token)')
    .option('--pkcs11-module <path>', 'the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so')
    .option('--pkcs11-token <label>', 'the token label (onboard: default, the token the credential names)')
    .option('--pkcs11-pin-file <file>', 'a file whose first line is the user PIN (else IOTOPIA_PKCS11_PIN)')
    .option('--pkcs11-label-prefix <prefix>', `CKA_LABEL prefix of IoTopia's keys (default "${DEFAULT_LABEL_PREFIX}")`);
}

/** The attestation key of a credential: from the file, or a handle in the token its keystoreRef names. */
async function deviceKeyOf(
  cli: CliContext,
  o: KeystoreOptions,
  credential: DeviceCredential,
): Promise<{ deviceKey: PrivateKeyLike; deviceKeys?: DeviceKeyStore; close: () => Promise<void> }> {
  if ('pkcs8' in credential.deviceKey) return { deviceKey: importPrivateKey(credential.deviceKey.pkcs8), close: async () => {} };
  const ref = credential.deviceKey.keystoreRef;
  const token = openDeviceKeystore(cli, { ...o, keystore: 'pkcs11' }, parsePkcs11Ref(ref)?.token);
  const close = async () => token?.keystore.close();
  if (token === undefined) throw new CliExit(EXIT_USAGE, '--keystore pkcs11: this credential keeps its key in a token');
  const deviceKeys = tokenDeviceKeys(token.keystore, token.token, token.prefix);
  const held = await keystoreStep(() => deviceKeys.privateKeyFor(ref)).catch(async (e) => {
    await close();
    throw e;
  });
  if (held === undefined) {
    await close();
    throw new CliExit(EXIT_CHECK_FAILED, deviceKeyMissing(ref).message);
  }
  return { deviceKey: held, deviceKeys, close };
}

/** The device's token keystore, or undefined for the software keystore; usage errors name the option. */
function openDeviceKeystore(
  cli: CliContext,
  o: KeystoreOptions,
  tokenFromRef?: string,
): { keystore: Pkcs11Keystore; token: string; prefix: string } | undefined {
  const backend = o.keystore ?? 'software';
  if (backend !== 'software' && backend !== 'pkcs11') throw new CliExit(EXIT_USAGE, '--keystore: software or pkcs11');
  if (backend === 'software') {
    if (o.pkcs11Module !== undefined || o.pkcs11Token !== undefined)
      throw new CliExit(EXIT_USAGE, '--pkcs11-*: only with --keystore pkcs11');
    return undefined;
  }
  const token = o.pkcs11Token ?? tokenFromRef;
  if (o.pkcs11Module === undefined)
    throw new CliExit(EXIT_USAGE, '--pkcs11-module: the PKCS#11 module that holds the device key is required');
  if (token === undefined) throw new CliExit(EXIT_USAGE, '--pkcs11-token: the label of the token is required');
  const prefix = o.pkcs11LabelPrefix ?? DEFAULT_LABEL_PREFIX;
  try {
    const keystore = openPkcs11Keystore({
      module: o.pkcs11Module,
      token,
      pin: readPkcs11Pin(cli.env, o.pkcs11PinFile === undefined ? undefined : pathIn(cli, o.pkcs11PinFile)),
      labelPrefix: prefix,
    });
    return { keystore, token, prefix };
  } catch (e) {
    if (e instanceof KeystoreError) throw new CliExit(EXIT_USAGE, `${e.message} [${e.code}]`);
    throw e;
  }
}

async function keystoreStep<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof KeystoreError) throw new CliExit(EXIT_CHECK_FAILED, `keystore: ${e.message} [${e.code}]`);
    throw e;
  }
}
