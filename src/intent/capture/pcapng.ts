/**
 * pcapng (draft-ietf-opsawg-pcapng): Section Header Blocks in either byte order, Interface
 * Description Blocks (link type, if_tsresol), Enhanced and Simple Packet Blocks. Every other
 * block (the obsolete Packet Block included) is skipped by its length.
 */
import type { ByteSource } from './byte-source.ts';
import { CaptureError } from './errors.ts';
import {
  type CapturedFrame,
  MAX_RECORD_OCTETS,
  PCAPNG_BYTE_ORDER_MAGIC,
  PCAPNG_EPB,
  PCAPNG_IDB,
  PCAPNG_IF_TSRESOL,
  PCAPNG_SHB,
  PCAPNG_SPB,
} from './frame.ts';
import { DEFAULT_TSRESOL, type TsResolution, timestampUs, tsResolution } from './pcapng-time.ts';

/** The longest block: a maximal record plus room for its header and options. */
const MAX_BLOCK_OCTETS = MAX_RECORD_OCTETS + 4096;
/** At most this many interfaces per section. */
const MAX_INTERFACES = 1024;

interface Iface {
  linktype: number;
  snaplen: number;
  tsresol: TsResolution;
}

interface Section {
  little: boolean;
  ifaces: Iface[];
  lastTimeUs: number;
}

/** True when the first four octets are the pcapng Section Header Block type. */
export function isPcapngMagic(head: Uint8Array): boolean {
  return new DataView(head.buffer, head.byteOffset, 4).getUint32(0) === PCAPNG_SHB;
}

export async function* readPcapngFrames(src: ByteSource): AsyncGenerator<CapturedFrame> {
  const section: Section = { little: true, ifaces: [], lastTimeUs: 0 };
  for (;;) {
    const start = src.offset;
    const have = await src.fill(12);
    if (have === 0) return;
    if (have < 12) throw new CaptureError('ERR_CAPTURE_TRUNCATED', start, 'the file ends inside a block header');
    const head = src.peek(12);
    const hv = new DataView(head.buffer, head.byteOffset, 12);
    const type = hv.getUint32(0, section.little);
    if (type === PCAPNG_SHB) startSection(section, hv, start);
    const length = hv.getUint32(4, section.little);
    if (length < 12 || length % 4 !== 0)
      throw new CaptureError('ERR_CAPTURE_FORMAT', start, `block length ${length} is not a multiple of 4 of at least 12`);
    if (length > MAX_BLOCK_OCTETS)
      throw new CaptureError('ERR_CAPTURE_LIMIT', start, `a block of ${length} octets, more than ${MAX_BLOCK_OCTETS}`);
    const block = await src.take(length);
    if (block.length < length) throw new CaptureError('ERR_CAPTURE_TRUNCATED', start, `the file ends inside a block of ${length} octets`);
    const view = new DataView(block.buffer, block.byteOffset, length);
    if (view.getUint32(length - 4, section.little) !== length)
      throw new CaptureError('ERR_CAPTURE_FORMAT', start, 'the trailing block length differs from the leading one');
    const frame = readBlock(type, block, view, section, start);
    if (frame !== undefined) yield frame;
  }
}

function startSection(section: Section, hv: DataView, start: number): void {
  if (hv.getUint32(8, false) === PCAPNG_BYTE_ORDER_MAGIC) section.little = false;
  else if (hv.getUint32(8, true) === PCAPNG_BYTE_ORDER_MAGIC) section.little = true;
  else throw new CaptureError('ERR_CAPTURE_FORMAT', start, 'the section header has no byte-order magic 0x1a2b3c4d');
  section.ifaces = [];
}

function readBlock(type: number, block: Uint8Array, view: DataView, s: Section, start: number): CapturedFrame | undefined {
  if (type === PCAPNG_IDB) {
    readInterface(block, view, s, start);
    return undefined;
  }
  if (type === PCAPNG_EPB) return readEnhanced(block, view, s, start);
  if (type === PCAPNG_SPB) return readSimple(block, view, s, start);
  return undefined;
}

function readInterface(block: Uint8Array, view: DataView, s: Section, start: number): void {
  if (block.length < 20) throw new CaptureError('ERR_CAPTURE_FORMAT', start, 'an interface description block shorter than 20 octets');
  if (s.ifaces.length >= MAX_INTERFACES)
    throw new CaptureError('ERR_CAPTURE_LIMIT', start, `more than ${MAX_INTERFACES} interfaces in a section`);
  const linktype = view.getUint16(8, s.little);
  const snaplen = view.getUint32(12, s.little);
  let tsresol = DEFAULT_TSRESOL;
  let at = 16;
  const end = block.length - 4;
  while (at + 4 <= end) {
    const code = view.getUint16(at, s.little);
    const len = view.getUint16(at + 2, s.little);
    if (code === 0) break;
    if (at + 4 + len > end) throw new CaptureError('ERR_CAPTURE_FORMAT', start + at, `option ${code} of ${len} octets overruns its block`);
    if (code === PCAPNG_IF_TSRESOL && len >= 1) tsresol = tsResolution(block[at + 4]!);
    at += 4 + ((len + 3) & ~3);
  }
  s.ifaces.push({ linktype, snaplen, tsresol });
}

function readEnhanced(block: Uint8Array, view: DataView, s: Section, start: number): CapturedFrame {
  if (block.length < 32) throw new CaptureError('ERR_CAPTURE_FORMAT', start, 'an enhanced packet block shorter than 32 octets');
  const id = view.getUint32(8, s.little);
  const iface = s.ifaces[id];
  if (iface === undefined) throw new CaptureError('ERR_CAPTURE_FORMAT', start, `a packet on interface ${id}, which is not described`);
  const capLen = view.getUint32(20, s.little);
  if (capLen > block.length - 32) throw new CaptureError('ERR_CAPTURE_FORMAT', start, `captured length ${capLen} overruns its block`);
  const timeUs = timestampUs(view.getUint32(12, s.little), view.getUint32(16, s.little), iface.tsresol);
  s.lastTimeUs = timeUs;
  return { timeUs, wireLength: view.getUint32(24, s.little), linktype: iface.linktype, data: block.subarray(28, 28 + capLen) };
}

/** §4.4: no timestamp (the previous packet's time is used) and interface 0; captured length is implied. */
function readSimple(block: Uint8Array, view: DataView, s: Section, start: number): CapturedFrame {
  if (block.length < 16) throw new CaptureError('ERR_CAPTURE_FORMAT', start, 'a simple packet block shorter than 16 octets');
  const iface = s.ifaces[0];
  if (iface === undefined) throw new CaptureError('ERR_CAPTURE_FORMAT', start, 'a simple packet block before any interface description');
  const wireLength = view.getUint32(8, s.little);
  let capLen = Math.min(wireLength, block.length - 16);
  if (iface.snaplen > 0) capLen = Math.min(capLen, iface.snaplen);
  return { timeUs: s.lastTimeUs, wireLength, linktype: iface.linktype, data: block.subarray(12, 12 + capLen) };
}
