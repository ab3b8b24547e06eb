/**
 * Classic pcap (draft-ietf-opsawg-pcap): a 24-octet file header, then records of a 16-octet
 * header and the captured bytes. Both byte orders; microsecond and nanosecond magics.
 */
import type { ByteSource } from './byte-source.ts';
import { CaptureError } from './errors.ts';
import { type CapturedFrame, MAX_RECORD_OCTETS, PCAP_MAGIC_NS, PCAP_MAGIC_US } from './frame.ts';

const FILE_HEADER = 24;
const RECORD_HEADER = 16;

/** True when the first four octets are a classic pcap magic in either byte order. */
export function isPcapMagic(head: Uint8Array): boolean {
  const view = new DataView(head.buffer, head.byteOffset, 4);
  const be = view.getUint32(0, false);
  const le = view.getUint32(0, true);
  return be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS || le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS;
}

export async function* readPcapFrames(src: ByteSource): AsyncGenerator<CapturedFrame> {
  const header = await src.take(FILE_HEADER);
  if (header.length < FILE_HEADER) throw new CaptureError('ERR_CAPTURE_TRUNCATED', src.offset, 'the pcap file header is cut short');
  const hv = new DataView(header.buffer, header.byteOffset, FILE_HEADER);
  const be = hv.getUint32(0, false);
  const little = !(be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS);
  const nano = hv.getUint32(0, little) === PCAP_MAGIC_NS;
  // The low 16 bits name the link type; the upper bits may carry FCS information (§4).
  const linktype = hv.getUint32(20, little) & 0xffff;
  for (;;) {
    const start = src.offset;
    const rec = await src.take(RECORD_HEADER);
    if (rec.length === 0) return;
    if (rec.length < RECORD_HEADER) throw new CaptureError('ERR_CAPTURE_TRUNCATED', start, 'the file ends inside a record header');
    const rv = new DataView(rec.buffer, rec.byteOffset, RECORD_HEADER);
    const sec = rv.getUint32(0, little);
    const frac = rv.getUint32(4, little);
    const capLen = rv.getUint32(8, little);
    const wireLength = rv.getUint32(12, little);
    if (capLen > MAX_RECORD_OCTETS)
      throw new CaptureError('ERR_CAPTURE_LIMIT', start, `a record of ${capLen} octets, more than ${MAX_RECORD_OCTETS}`);
    const data = await src.take(capLen);
    if (data.length < capLen) throw new CaptureError('ERR_CAPTURE_TRUNCATED', start, `the file ends inside a record of ${capLen} octets`);
    const timeUs = sec * 1_000_000 + (nano ? Math.floor(frac / 1000) : frac);
    yield { timeUs, wireLength, linktype, data };
  }
}
