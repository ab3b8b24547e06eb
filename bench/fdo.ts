/**
 * In-process FDO onboardings per second (DI → sale → TO0 → TO1 → TO2 over the role handlers, every
 * session state through JSON, as the conformance kit runs them) next to the crypto floor: the same
 * signatures, verifications, key generations and key agreements that one onboarding performed,
 * replayed with node:crypto alone in the same run.
 */
import crypto, { X509Certificate } from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { CipherSuite, KexSuite } from '../src/fdo/constants/crypto.ts';
import { type DeviceKeyType, journey } from '../test/fdo/e2e/kit.ts';
import { type Measurement, measure } from './measure.ts';

interface Config {
  name: string;
  deviceKeyType: DeviceKeyType;
  kexSuite: string;
  cipherSuite: number;
}

const CONFIGS: Config[] = [
  { name: 'ECDH256/A128GCM/SECP256R1', deviceKeyType: 'SECP256R1', kexSuite: KexSuite.ECDH256, cipherSuite: CipherSuite.A128GCM },
  { name: 'ECDH384/A256GCM/SECP384R1', deviceKeyType: 'SECP384R1', kexSuite: KexSuite.ECDH384, cipherSuite: CipherSuite.A256GCM },
];

export interface FdoBenchRow {
  name: string;
  onboarding: Measurement;
  floor: Measurement;
  /** The public-key operations one onboarding performed, by kind. */
  operations: Record<string, number>;
  /** onboardings/s divided by floor onboardings/s: the share of time spent in the crypto itself. */
  ratio: number;
}

type Replay = () => unknown;

/** Runs `fn` once while recording every public-key operation node:crypto performs, for replay. */
async function recordCrypto(fn: () => Promise<unknown>): Promise<{ replays: Replay[]; operations: Record<string, number> }> {
  const replays: Replay[] = [];
  const operations: Record<string, number> = {};
  const count = (kind: string): void => {
    operations[kind] = (operations[kind] ?? 0) + 1;
  };
  const c = crypto as unknown as Record<string, (...args: unknown[]) => unknown>;
  const saved = { sign: c.sign, verify: c.verify, diffieHellman: c.diffieHellman, generateKeyPairSync: c.generateKeyPairSync };
  const certVerify = X509Certificate.prototype.verify;
  // Ephemeral ECDH keys from a given scalar: setPrivateKey computes the public point.
  const setPrivateKey = crypto.ECDH.prototype.setPrivateKey;
  const wrap = (name: keyof typeof saved, kind: (args: unknown[]) => string) => {
    const original = saved[name] as (...args: unknown[]) => unknown;
    c[name] = (...args: unknown[]) => {
      count(kind(args));
      replays.push(() => original(...args));
      return original(...args);
    };
  };
  const keyKind = (k: unknown): string => {
    const key = (k as { key?: crypto.KeyObject }).key ?? (k as crypto.KeyObject);
    const d = key.asymmetricKeyDetails;
    return `${key.asymmetricKeyType}${d?.namedCurve ? `/${d.namedCurve}` : d?.modulusLength ? `/${d.modulusLength}` : ''}`;
  };
  wrap('sign', (a) => `sign ${keyKind(a[2])}`);
  wrap('verify', (a) => `verify ${keyKind(a[2])}`);
  wrap('diffieHellman', (a) => `key agreement ${keyKind((a[0] as { privateKey: unknown }).privateKey)}`);
  wrap(
    'generateKeyPairSync',
    (a) =>
      `generate ${String(a[0])}${(a[1] as { namedCurve?: string })?.namedCurve ? `/${(a[1] as { namedCurve: string }).namedCurve}` : ''}`,
  );
  X509Certificate.prototype.verify = function (this: X509Certificate, key: crypto.KeyObject) {
    count(`verify certificate ${keyKind(key)}`);
    replays.push(() => certVerify.call(this, key));
    return certVerify.call(this, key);
  };
  crypto.ECDH.prototype.setPrivateKey = function (this: crypto.ECDH, ...args: unknown[]) {
    count('ECDH public point from scalar');
    replays.push(() => (setPrivateKey as (...a: unknown[]) => void).apply(this, args));
    return (setPrivateKey as (...a: unknown[]) => void).apply(this, args);
  } as typeof setPrivateKey;
  syncBuiltinESMExports();
  try {
    await fn();
  } finally {
    Object.assign(c, saved);
    X509Certificate.prototype.verify = certVerify;
    crypto.ECDH.prototype.setPrivateKey = setPrivateKey;
    syncBuiltinESMExports();
  }
  return { replays, operations };
}

export async function fdoBench(seconds: number): Promise<FdoBenchRow[]> {
  const rows: FdoBenchRow[] = [];
  for (const cfg of CONFIGS) {
    const run = () => journey({ deviceKeyType: cfg.deviceKeyType, kexSuite: cfg.kexSuite, cipherSuite: cfg.cipherSuite });
    await run(); // keys generated once and cached by the kit, outside the measurement
    const { replays, operations } = await recordCrypto(run);
    const onboarding = await measureAsync(`onboarding ${cfg.name} (DI, TO0, TO1, TO2 in process)`, run, seconds);
    const floor = measure(
      `crypto floor ${cfg.name} (${replays.length} public-key operations, node:crypto alone)`,
      () => {
        for (const r of replays) r();
      },
      seconds,
      1,
    );
    rows.push({ name: cfg.name, onboarding, floor, operations, ratio: Number((onboarding.opsPerSec / floor.opsPerSec).toFixed(3)) });
  }
  return rows;
}

/** `measure` for an async operation, one at a time. */
async function measureAsync(name: string, fn: () => Promise<unknown>, seconds: number): Promise<Measurement> {
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  while (performance.now() < end || times.length < 3) {
    const t = performance.now();
    await fn();
    times.push((performance.now() - t) * 1000);
  }
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const pct = (p: number): number => Number((times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0).toFixed(1));
  return { name, opsPerSec: Number((times.length / elapsed).toFixed(1)), p50Us: pct(0.5), p99Us: pct(0.99), samples: times.length };
}
