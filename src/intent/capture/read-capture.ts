/**
 * Reading captures: classic pcap or pcapng, recognised by their first four octets, streamed frame
 * by frame from a file or stdin (`tcpdump -w -`), and decoded to packets.
 */
import { createReadStream } from 'node:fs';
import { ByteSource } from './byte-source.ts';
import { decodePacket } from './decode.ts';
import { CaptureError } from './errors.ts';
import { type CapturedFrame, LINKTYPE_ETHERNET } from './frame.ts';
import type { Packet } from './packet.ts';
import { isPcapMagic, readPcapFrames } from './pcap-classic.ts';
import { isPcapngMagic, readPcapngFrames } from './pcapng.ts';

export type { CapturedFrame } from './frame.ts';

/** Counts kept while reading packets; frames that do not decode are counted, not fatal. */
export interface CaptureStats {
  frames: number;
  packets: number;
  undecodable: number;
}

/** The frames of a pcap or pcapng stream, read as they arrive. */
export async function* readFrames(source: AsyncIterable<Uint8Array>): AsyncGenerator<CapturedFrame> {
  const src = new ByteSource(source);
  try {
    const have = await src.fill(4);
    if (have < 4) throw new CaptureError('ERR_CAPTURE_TRUNCATED', 0, `${have} octets, too short for a capture file`);
    const head = src.peek(4);
    if (isPcapMagic(head)) yield* readPcapFrames(src);
    else if (isPcapngMagic(head)) yield* readPcapngFrames(src);
    else throw new CaptureError('ERR_CAPTURE_FORMAT', 0, `magic 0x${Buffer.from(head).toString('hex')} is neither pcap nor pcapng`);
  } finally {
    await src.close();
  }
}

/** Chunks of a file, or of stdin for `-`; a read failure becomes ERR_CAPTURE_READ. */
export async function* captureChunks(path: string): AsyncGenerator<Uint8Array> {
  const stream = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (cause) {
    throw new CaptureError('ERR_CAPTURE_READ', 0, `cannot read ${path === '-' ? 'stdin' : path}: ${(cause as Error).message}`, { cause });
  } finally {
    if (path !== '-') stream.destroy();
  }
}

/** Decoded packets of frames; only Ethernet is decoded, another link type is ERR_CAPTURE_LINKTYPE. */
export async function* decodeFrames(frames: AsyncIterable<CapturedFrame>, stats?: CaptureStats): AsyncGenerator<Packet> {
  for await (const frame of frames) {
    if (stats !== undefined) stats.frames++;
    if (frame.linktype !== LINKTYPE_ETHERNET) {
      throw new CaptureError(
        'ERR_CAPTURE_LINKTYPE',
        0,
        `link type ${frame.linktype} is not decoded, only Ethernet (1); capture on one interface (tcpdump -i <iface>) rather than -i any`,
      );
    }
    const packet = decodePacket(frame);
    if (packet === undefined) {
      if (stats !== undefined) stats.undecodable++;
      continue;
    }
    if (stats !== undefined) stats.packets++;
    yield packet;
  }
}

/** The packets of a capture file, or of stdin when `path` is `-`. */
export function readPackets(path: string, stats?: CaptureStats): AsyncGenerator<Packet> {
  return decodeFrames(readFrames(captureChunks(path)), stats);
}
