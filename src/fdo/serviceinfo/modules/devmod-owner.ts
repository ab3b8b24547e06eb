/**
 * devmod, owner side: collects the devmod messages the device sends first and, when the device's
 * first turn ends, checks that every required message came with the right type and that the
 * `modules` chunks add up to `nummodules`.
 */
import { DEVMOD_REQUIRED_TEXT, DevmodMessage, ModuleName } from '../../constants/serviceinfo.ts';
import { fromB64, toB64 } from '../lib/b64.ts';
import { devmodInvalid, devmodMissing } from '../lib/errors.ts';
import type { Devmod, DevmodState } from '../owner-state.ts';

const MAX_TEXT = 1024;
const MAX_MODULES = 1024;
const TEXT = new Set<string>([...DEVMOD_REQUIRED_TEXT, 'pathsep', 'nl', 'tmp', 'dir', 'progenv', 'mudurl']);

export function emptyDevmod(): DevmodState {
  return { seen: false, complete: false, text: {}, nummodules: null, modules: [] };
}

const key = (m: string) => `${ModuleName.devmod}:${m}`;

export function collectDevmod(d: DevmodState, message: string, value: unknown): void {
  if (message === DevmodMessage.active) {
    if (value !== true) throw devmodInvalid(`${key(message)} must be true`);
    d.seen = true;
    return;
  }
  if (TEXT.has(message)) {
    if (typeof value !== 'string' || value.length > MAX_TEXT)
      throw devmodInvalid(`${key(message)} must be a text string of at most ${MAX_TEXT}`);
    d.text[message] = value;
  } else if (message === DevmodMessage.sn) {
    if (typeof value === 'string' && value.length <= MAX_TEXT) d.text[message] = value;
    else if (value instanceof Uint8Array && value.length <= MAX_TEXT) d.snBytes = toB64(value);
    else throw devmodInvalid(`${key(message)} must be a text or byte string`);
  } else if (message === DevmodMessage.nummodules) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_MODULES) {
      throw devmodInvalid(`${key(message)} must be an integer in 1..${MAX_MODULES}`);
    }
    d.nummodules = value;
  } else if (message === DevmodMessage.modules) {
    collectModules(d, value);
  }
  // Other devmod messages are not defined; they are ignored like any unknown message.
}

function collectModules(d: DevmodState, value: unknown): void {
  const k = key(DevmodMessage.modules);
  if (!Array.isArray(value) || value.length < 2) throw devmodInvalid(`${k} must be [start, count, names...]`);
  const [start, count, ...names] = value as unknown[];
  if (start !== d.modules.length) throw devmodInvalid(`${k} starts at ${String(start)}, expected ${d.modules.length}`);
  if (count !== names.length) throw devmodInvalid(`${k} announces ${String(count)} names but carries ${names.length}`);
  for (const n of names) {
    if (typeof n !== 'string' || n === '' || n.length > MAX_TEXT) throw devmodInvalid(`${k} names must be non-empty text strings`);
  }
  if (d.modules.length + names.length > MAX_MODULES) throw devmodInvalid(`${k} lists more than ${MAX_MODULES} modules`);
  d.modules.push(...(names as string[]));
}

/** Called when the device's first turn ends; fails when devmod is incomplete. */
export function finishDevmod(d: DevmodState): Devmod {
  if (!d.seen) throw devmodMissing('devmod:active was not sent');
  for (const name of DEVMOD_REQUIRED_TEXT) if (d.text[name] === undefined) throw devmodMissing(`devmod:${name} was not sent`);
  if (d.nummodules === null) throw devmodMissing('devmod:nummodules was not sent');
  if (d.modules.length !== d.nummodules) {
    throw devmodMissing(`devmod:modules listed ${d.modules.length} of the ${d.nummodules} modules announced`);
  }
  d.complete = true;
  return devmodOf(d);
}

export function devmodOf(d: DevmodState): Devmod {
  const t = d.text;
  const out: Devmod = {
    os: t.os!,
    arch: t.arch!,
    version: t.version!,
    device: t.device!,
    sep: t.sep!,
    bin: t.bin!,
    modules: [...d.modules],
  };
  for (const name of ['pathsep', 'nl', 'tmp', 'dir', 'progenv', 'mudurl', 'sn'] as const) if (t[name] !== undefined) out[name] = t[name];
  if (d.snBytes !== undefined) out.sn = fromB64(d.snBytes);
  return out;
}
