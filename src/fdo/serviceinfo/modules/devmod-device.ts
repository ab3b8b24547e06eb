/**
 * devmod, device side: the messages the device sends first in TO2 ServiceInfo. The module list is
 * split into `[start, count, names...]` chunks, each sized to fit one message on its own.
 */
import { encode } from '../../../codec/cbor.ts';
import { DEVMOD_REQUIRED_TEXT, DevmodMessage, ModuleName } from '../../constants/serviceinfo.ts';
import type { DevmodInfo } from '../device-state.ts';
import { type OutEntry, queue } from '../lib/outbox.ts';
import { MessageBuilder } from '../lib/size.ts';

const OPTIONAL_TEXT = ['pathsep', 'nl', 'tmp', 'dir', 'progenv', 'mudurl'] as const;

export function queueDevmod(outbox: OutEntry[], info: DevmodInfo, moduleNames: readonly string[], maxSize: number): void {
  const d = ModuleName.devmod;
  queue(outbox, d, DevmodMessage.active, true);
  for (const name of DEVMOD_REQUIRED_TEXT) {
    const v = info[name];
    if (typeof v !== 'string' || v.length === 0) throw new TypeError(`devmod ${name} must be a non-empty string`);
    queue(outbox, d, name, v);
  }
  if (info.sn !== undefined) {
    if (typeof info.sn !== 'string' && !(info.sn instanceof Uint8Array)) throw new TypeError('devmod sn must be a string or bytes');
    queue(outbox, d, DevmodMessage.sn, info.sn);
  }
  for (const name of OPTIONAL_TEXT) {
    const v = info[name];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new TypeError(`devmod ${name} must be a string`);
    queue(outbox, d, name, v);
  }
  const names = [ModuleName.devmod, ...moduleNames.filter((n) => n !== ModuleName.devmod)];
  queue(outbox, d, DevmodMessage.nummodules, names.length);
  const room = new MessageBuilder(maxSize, 1).emptyRoom(`${d}:${DevmodMessage.modules}`);
  let start = 0;
  while (start < names.length) {
    let count = 0;
    while (start + count < names.length && encode([start, count + 1, ...names.slice(start, start + count + 1)]).length <= room) count++;
    if (count === 0) throw new TypeError(`module name ${names[start]} does not fit one ServiceInfo message`);
    queue(outbox, d, DevmodMessage.modules, [start, count, ...names.slice(start, start + count)]);
    start += count;
  }
}
