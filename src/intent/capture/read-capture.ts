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
import { isPcapMagic, readPcapBatches } from './pcap-classic.ts';
import { isPcapngMagic, readPcapngBatches } from './pcapng.ts';

export type { CapturedFrame } from './frame.ts';

/** Counts kept while reading packets; frames that do not decode are counted, not fatal. */
export interface CaptureStats {
  frames: number;
  packets: number;
  undecodable: number;
}

/** The frames of a pcap or pcapng stream in batches, each handed over before waiting for more bytes. */
export async function* readFrameBatches(source: AsyncIterable<Uint8Array>): AsyncGenerator<CapturedFrame[]> {
  const src = new ByteSource(source);
  try {
    const have = await src.fill(4);
    if (have < 4) throw new CaptureError('ERR_CAPTURE_TRUNCATED', 0, `${have} octets, too short for a capture file`);
    const head = src.peek(4);
    if (isPcapMagic(head)) yield* readPcapBatches(src);
    else if (isPcapngMagic(head)) yield* readPcapngBatches(src);
    else throw new CaptureError('ERR_CAPTURE_FORMAT', 0, `magic 0x${Buffer.from(head).toString('hex')} is neither pcap nor pcapng`);
  } finally {
    await src.close();
  }
}

/** The frames of a pcap or pcapng stream, read as they arrive. */
export async function* readFrames(source: AsyncIterable<Uint8Array>): AsyncGenerator<CapturedFrame> {
  for await (const batch of readFrameBatches(source)) yield* batch;
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

function decodeOne(frame: CapturedFrame, stats: CaptureStats | undefined): Packet | undefined {
  if (stats !== undefined) stats.frames++;
  if (frame.linktype !== LINKTYPE_ETHERNET) {
    throw new CaptureError(
      'ERR_CAPTURE_LINKTYPE',
      0,
      `link type ${frame.linktype} is not decoded, only Ethernet (1); capture on one interface (tcpdump -i <iface>) rather than -i any`,
    );
  }
  const packet = decodePacket(frame);
  if (stats !== undefined) {
    if (packet === undefined) stats.undecodable++;
    else stats.packets++;
  }
  return packet;
}

/** Decoded packets of frames; only Ethernet is decoded, another link type is ERR_CAPTURE_LINKTYPE. */
export async function* decodeFrames(frames: AsyncIterable<CapturedFrame>, stats?: CaptureStats): AsyncGenerator<Packet> {
  for await (const frame of frames) {
    const packet = decodeOne(frame, stats);
    if (packet !== undefined) yield packet;
  }
}

/**
 * The packets of a pcap or pcapng byte stream in batches (those of the records already buffered):
 * the fastest way through a large capture, one wait per batch instead of per packet.
 */
export async function* readPacketBatches(source: AsyncIterable<Uint8Array>, stats?: CaptureStats): AsyncGenerator<Packet[]> {
  for await (const batch of readFrameBatches(source)) {
    const out: Packet[] = [];
    for (const frame of batch) {
      const packet = decodeOne(frame, stats);
      if (packet !== undefined) out.push(packet);
    }
    if (out.length > 0) yield out;
  }
}

/** The packets of a pcap or pcapng byte stream (frames that do not decode are counted and skipped). */
export async function* readPacketStream(source: AsyncIterable<Uint8Array>, stats?: CaptureStats): AsyncGenerator<Packet> {
  for await (const batch of readFrameBatches(source)) {
    for (const frame of batch) {
      const packet = decodeOne(frame, stats);
      if (packet !== undefined) yield packet;
    }
  }
}

/** The packets of a capture file, or of stdin when `path` is `-`. */
export function readPackets(path: string, stats?: CaptureStats): AsyncGenerator<Packet> {
  return readPacketStream(captureChunks(path), stats);
}
