import { createSecretKey, type KeyObject } from 'node:crypto';
import type { Command } from 'commander';
import { type CoseKey, coseKeyToKeyObject } from '../../codec/cose/key.ts';
import { verifyEnvelope } from '../../suit/authenticate.ts';
import type { SuitCommand } from '../../suit/commands.ts';
import { Parameter } from '../../suit/constants.ts';
import { decryptPayload } from '../../suit/encryption/decrypt-payload.ts';
import { MANIFEST_KEY_NAMES } from '../../suit/manifest.ts';
import { manifestComponents } from '../../suit/process/components.ts';
import { type ComponentId, componentKey, componentName } from '../../suit/process/device.ts';
import { processEnvelope } from '../../suit/process/process-envelope.ts';
import { createSimulatedDevice, type SimulatedComponent } from '../../suit/process/simulated-device.ts';
import type { SuitStep } from '../../suit/process/steps.ts';
import { buildReport } from '../../suit/report/from-outcome.ts';
import { protectReport } from '../../suit/report/protect.ts';
import { encodeReport } from '../../suit/report/report.ts';
import type { CliContext } from '../context.ts';
import { CliExit, EXIT_CHECK_FAILED, EXIT_USAGE } from '../exit-codes.ts';
import { parseHexText, readInput } from '../input.ts';
import { type CliKey, readKeyFile, suitFailed, writeOutput } from './suit-common.ts';

interface Options {
  key: string[];
  decryptKey?: string[];
  image?: string[];
  report?: string;
  reportKey?: string;
  json?: boolean;
  boot?: boolean;
  vendorId?: string;
  classId?: string;
  deviceId?: string;
  slot?: string;
  storedSequence?: string;
  time?: string;
  battery?: string;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

/** A UUID (RFC 9562 text form) or hex, as the 16 bytes (or any length of hex) the conditions compare. */
function idBytes(v: string, option: string): Uint8Array {
  return parseHexText(v.replace(/-/g, ''), option);
}

function integer(v: string | undefined, option: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new CliExit(EXIT_USAGE, `${option} ${v}: a non-negative integer is expected`);
  return Number(v);
}

/** Vendor and class identifiers the manifest sets (the first value of each), to make a device it was meant for. */
function manifestIdentity(sequences: Iterable<SuitCommand[]>): { vendorId?: Uint8Array; classId?: Uint8Array } {
  const found: { vendorId?: Uint8Array; classId?: Uint8Array } = {};
  const visit = (commands: SuitCommand[]): void => {
    for (const c of commands) {
      const a = c.argument;
      if (a.kind === 'parameters' || a.kind === 'override-multiple') {
        const lists = a.kind === 'parameters' ? [a.parameters] : a.entries.map((e) => e.parameters);
        for (const list of lists) {
          for (const p of list) {
            if (p.code === Parameter.vendorIdentifier && found.vendorId === undefined) found.vendorId = p.value as Uint8Array;
            if (p.code === Parameter.classIdentifier && found.classId === undefined) found.classId = p.value as Uint8Array;
          }
        }
      } else if (a.kind === 'try-each') a.sequences.forEach(visit);
      else if (a.kind === 'sequence') visit(a.commands);
    }
  };
  for (const s of sequences) visit(s);
  return found;
}

function decryptionKey(k: CliKey, file: string): KeyObject {
  if (!(k instanceof Map)) return k;
  try {
    // A symmetric COSE_Key (kty 4) is a key-encryption key; an EC2 one the device's private key.
    return k.get(1) === 4 ? createSecretKey(k.get(-1) as Uint8Array) : coseKeyToKeyObject(k as CoseKey, { private: true });
  } catch (e) {
    throw new CliExit(EXIT_USAGE, `--decrypt-key ${file}: not a usable decryption key: ${(e as Error).message}`);
  }
}

/** Machine output: bytes as hex, big integers as decimal text, maps as objects. */
const JSON_FORMAT = {
  replacer: (_k: string, x: unknown): unknown => {
    if (x instanceof Uint8Array) return Buffer.from(x).toString('hex');
    if (typeof x === 'bigint') return x.toString();
    if (x instanceof Map) return Object.fromEntries(x);
    return x;
  },
};

function stepLine(s: SuitStep, text: (s: string) => string): string {
  const where = `${s.sequence}[${s.commandIndex}]${s.at ?? ''}`;
  const comp = s.component === undefined ? '' : ` (${text(s.component)})`;
  return `  ${s.ok ? 'ok  ' : 'FAIL'} ${where} ${s.command}${comp}${s.detail === undefined ? '' : `: ${text(s.detail)}`}${s.code === undefined ? '' : ` [${s.code}]`}\n`;
}

export function registerSuitProcess(suit: Command, cli: CliContext): void {
  const { output } = cli;
  suit
    .command('process')
    .description('run a SUIT envelope against a simulated device: verify, anti-rollback, then the update (or boot) sequences')
    .argument('<envelope>', 'SUIT envelope, or - for standard input')
    .requiredOption('--key <file>', 'trust anchor (as for suit verify); repeat for several', collect)
    .option(
      '--decrypt-key <file>',
      'key for encrypted payloads: COSE_Key (A128KW secret or the device EC private key) or PEM; repeat for several',
      collect,
    )
    .option(
      '--image <name=file>',
      'a payload: NAME is a URI the manifest fetches, or a component (as printed, or its hex) preloaded with FILE',
      collect,
    )
    .option('--report <file>', 'write the SUIT report (draft-ietf-suit-report) of the run, also when processing fails')
    .option(
      '--report-key <file>',
      'sign (private key) or MAC (secret) the report as the device: COSE_Sign1 or COSE_Mac0 (default: unprotected)',
    )
    .option('--boot', 'run the boot sequences only (validate, load, invoke)')
    .option('--vendor-id <uuid>', "the device's vendor id (default: the manifest's)")
    .option('--class-id <uuid>', "the device's class id (default: the manifest's)")
    .option('--device-id <uuid>', "the device's device id (default: none)")
    .option('--slot <n>', 'the slot every component currently runs from (condition-component-slot)')
    .option('--stored-sequence <n>', 'the sequence number the device last accepted (anti-rollback)')
    .option('--time <seconds>', 'the device clock, seconds since the epoch (default: now)')
    .option('--battery <level>', 'the battery level (default: mains powered)')
    .option('--json', 'machine output')
    .action(async (file: string, opts: Options) => {
      if (opts.reportKey !== undefined && opts.report === undefined) throw new CliExit(EXIT_USAGE, '--report-key needs --report FILE');
      const reportKey = opts.reportKey === undefined ? undefined : await readKeyFile(cli, opts.reportKey, '--report-key', true);
      const keys: CliKey[] = [];
      for (const k of opts.key) keys.push(await readKeyFile(cli, k, '--key', false));
      const decryptKeys: KeyObject[] = [];
      for (const k of opts.decryptKey ?? []) decryptKeys.push(decryptionKey(await readKeyFile(cli, k, '--decrypt-key', true), k));
      const bytes = await readInput(cli, file);
      let verified: ReturnType<typeof verifyEnvelope>;
      try {
        verified = verifyEnvelope(bytes, { keys });
      } catch (e) {
        if (e instanceof Error && 'code' in e)
          output.result({ ok: false, stage: 'verify', code: e.code, message: e.message }, undefined, JSON_FORMAT);
        throw suitFailed(file, e);
      }
      const env = verified.envelope;
      // Components and the Dependencies identified past them (draft-ietf-suit-trust-domains-12 §5.2.2).
      const components = [...manifestComponents(env.manifest.common).ids.values()];
      const byName = new Map<string, ComponentId>();
      for (const id of components) {
        byName.set(componentName(id), id);
        byName.set(componentKey(id), id);
      }
      const payloads: Record<string, Uint8Array> = {};
      const preload = new Map<string, SimulatedComponent>();
      for (const spec of opts.image ?? []) {
        const eq = spec.lastIndexOf('=');
        if (eq <= 0) throw new CliExit(EXIT_USAGE, `--image ${spec}: NAME=FILE is expected`);
        const name = spec.slice(0, eq);
        const data = await readInput(cli, spec.slice(eq + 1));
        if (name.includes('://') || name.startsWith('#')) {
          payloads[name] = data;
          continue;
        }
        const id = byName.get(name);
        if (id === undefined)
          throw new CliExit(
            EXIT_USAGE,
            `--image ${name}: neither a URI nor a component of the manifest (components: ${components.map(componentName).join(', ')})`,
          );
        preload.set(componentKey(id), { id, slots: { [integer(opts.slot, '--slot') ?? 0]: data } });
      }
      const slot = integer(opts.slot, '--slot');
      const sequences = [
        ...(env.manifest.common.sharedSequence === undefined ? [] : [env.manifest.common.sharedSequence]),
        ...env.manifest.sequences.values(),
        ...[...env.severable.values()].flatMap((m) => (m.sequence === undefined ? [] : [m.sequence])),
      ];
      const fromManifest = manifestIdentity(sequences);
      const vendorId = opts.vendorId === undefined ? fromManifest.vendorId : idBytes(opts.vendorId, '--vendor-id');
      const classId = opts.classId === undefined ? fromManifest.classId : idBytes(opts.classId, '--class-id');
      const deviceId = opts.deviceId === undefined ? undefined : idBytes(opts.deviceId, '--device-id');
      const stored = integer(opts.storedSequence, '--stored-sequence');
      const time = integer(opts.time, '--time');
      const battery = integer(opts.battery, '--battery');
      const device = createSimulatedDevice({
        identity: {
          ...(vendorId === undefined ? {} : { vendorId }),
          ...(classId === undefined ? {} : { classId }),
          ...(deviceId === undefined ? {} : { deviceId }),
        },
        components: components.map((id) => ({
          ...(preload.get(componentKey(id)) ?? { id }),
          ...(slot === undefined ? {} : { currentSlot: slot }),
        })),
        payloads,
        // The components a Dependency names are known only once it is fetched: they are created as it uses them.
        ...(env.manifest.common.dependencies === undefined ? {} : { autoCreateComponents: true }),
        ...(stored === undefined ? {} : { lastSequenceNumber: stored }),
        ...(time === undefined ? {} : { now: time }),
        ...(battery === undefined ? {} : { battery }),
      });
      const text = !output.json;
      if (text)
        output.out(
          `processing ${file} (sequence number ${env.manifest.sequenceNumber}) as ${opts.boot === true ? 'a boot' : 'an update'}\n`,
        );
      let run: Awaited<ReturnType<typeof processEnvelope>>;
      try {
        run = await processEnvelope(bytes, {
          keys,
          device,
          mode: opts.boot === true ? 'boot' : 'update',
          ...(decryptKeys.length === 0
            ? {}
            : { decrypt: (encryptionInfo, ciphertext) => decryptPayload({ encryptionInfo, ciphertext, keys: decryptKeys }) }),
          ...(text ? { onStep: (s: SuitStep) => output.out(stepLine(s, output.text)) } : {}),
        });
      } catch (e) {
        throw suitFailed(file, e);
      }
      const r = run.outcome.result;
      if (opts.report !== undefined) {
        let report: Uint8Array;
        try {
          const built = buildReport(run.outcome, {
            manifest: env.manifest,
            severable: env.severable,
            // A sequence severed and not carried (an update refused for it) is reported at its digest in the manifest.
            locate: (sequence) => {
              const key = [...MANIFEST_KEY_NAMES].find(([, n]) => n === sequence)?.[0];
              return key !== undefined && env.manifest.severed.has(key) && !env.severable.has(key)
                ? { manifestId: [], section: key, offset: 0 }
                : undefined;
            },
          });
          report = reportKey === undefined ? encodeReport(built) : protectReport(built, { key: reportKey });
        } catch (e) {
          throw suitFailed(`${file}: the report`, e);
        }
        await writeOutput(cli, report, opts.report);
        if (text) output.out(`report written to ${opts.report} (${report.length} bytes${reportKey === undefined ? '' : ', protected'})\n`);
      }
      output.result(
        {
          ok: r.ok,
          sequences: run.sequences,
          result: r,
          records: run.outcome.records,
          steps: run.steps,
          events: device.events,
          sequenceNumber: run.outcome.sequenceNumber,
        },
        () =>
          r.ok
            ? `result: ok (${run.sequences.join(', ') || 'no sequence'}); device sequence number now ${device.lastSequenceNumber() ?? 'unset'}`
            : `result: failed at ${r.failedAt.sequence}[${r.failedAt.commandIndex}] ${r.failedAt.command}: ${output.text(r.reason)} [${r.code}]`,
        JSON_FORMAT,
      );
      if (!r.ok)
        throw new CliExit(
          EXIT_CHECK_FAILED,
          `${file}: processing failed at ${r.failedAt.sequence}[${r.failedAt.commandIndex}] ${r.failedAt.command} [${r.code}]`,
        );
    });
}
