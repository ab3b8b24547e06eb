import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { CaptureError } from '../../../src/intent/capture/errors.ts';
import { type CaptureStats, decodeFrames, readFrames, readPackets } from '../../../src/intent/capture/read-capture.ts';
import { vectorPath, vectorsMissing } from '../../helpers/vectors.ts';
import { chunked, collect, concat, customBlock, epb, ether, idb, ipv4, pcapFile, pcapngFile, type Rec, shb, spb, udp } from './build.ts';

const frameA = ether(
  '02:00:00:00:00:01',
  '02:00:00:00:00:02',
  0x0800,
  ipv4('192.0.2.10', '198.51.100.1', 17, udp(40000, 123, new Uint8Array(48))),
);
const frameB = ether('02:00:00:00:00:02', '02:00:00:00:00:01', 0x88cc, new Uint8Array(30).fill(7));
const recs: Rec[] = [
  { timeUs: 1_700_000_000_123_456, data: frameA },
  { timeUs: 1_700_000_001_000_001, data: frameB, wireLength: 1000 },
];

async function frames(bytes: Uint8Array, chunk = 4096) {
  return collect(readFrames(chunked(bytes, chunk)));
}

async function rejectsWith(bytes: Uint8Array, code: string): Promise<void> {
  await assert.rejects(frames(bytes, 5), (e: unknown) => e instanceof CaptureError && e.code === code);
}

function checkFrames(got: Awaited<ReturnType<typeof frames>>): void {
  assert.equal(got.length, 2);
  assert.equal(got[0]!.timeUs, 1_700_000_000_123_456);
  assert.equal(got[1]!.timeUs, 1_700_000_001_000_001);
  assert.deepEqual(got[0]!.data, frameA);
  assert.deepEqual(got[1]!.data, frameB);
  assert.equal(got[0]!.wireLength, frameA.length);
  assert.equal(got[1]!.wireLength, 1000);
  assert.ok(got.every((f) => f.linktype === 1));
}

describe('classic pcap', () => {
  for (const little of [true, false]) {
    for (const nano of [false, true]) {
      it(`reads ${little ? 'little' : 'big'}-endian ${nano ? 'nanosecond' : 'microsecond'} files, across chunk edges`, async () => {
        const bytes = pcapFile(recs, { little, nano });
        checkFrames(await frames(bytes));
        checkFrames(await frames(bytes, 1));
        checkFrames(await frames(bytes, 7));
      });
    }
  }

  it('reports the link type of the file header', async () => {
    const got = await frames(pcapFile(recs, { linktype: 113 }));
    assert.equal(got[0]!.linktype, 113);
  });

  it('refuses truncated files and oversize records', async () => {
    const bytes = pcapFile(recs);
    await rejectsWith(bytes.subarray(0, 20), 'ERR_CAPTURE_TRUNCATED');
    await rejectsWith(bytes.subarray(0, 24 + 10), 'ERR_CAPTURE_TRUNCATED');
    await rejectsWith(bytes.subarray(0, bytes.length - 1), 'ERR_CAPTURE_TRUNCATED');
    const big = pcapFile([{ timeUs: 0, data: new Uint8Array(8) }]);
    new DataView(big.buffer).setUint32(24 + 8, 300_000, true);
    await rejectsWith(big, 'ERR_CAPTURE_LIMIT');
  });

  it('reads a file holding only its header as no frames', async () => {
    assert.deepEqual(await frames(pcapFile([])), []);
  });
});

describe('pcapng', () => {
  for (const le of [true, false]) {
    it(`reads ${le ? 'little' : 'big'}-endian sections with EPBs, across chunk edges`, async () => {
      const bytes = pcapngFile(recs, le);
      checkFrames(await frames(bytes));
      checkFrames(await frames(bytes, 3));
    });
  }

  it('applies if_tsresol per interface (10^-9 and 2^-20) and the link type of each interface', async () => {
    const le = true;
    const t = 1_700_000_000_123_456n;
    const bytes = concat([
      shb(le),
      idb(le, 1, 9),
      idb(le, 113, 0x80 | 20),
      epb(le, t * 1000n + 999n, frameA, 0),
      epb(le, ((t / 1_000_000n) << 20n) | (1n << 19n), frameB, 1),
    ]);
    const got = await frames(bytes);
    assert.equal(got[0]!.timeUs, 1_700_000_000_123_456);
    assert.equal(got[0]!.linktype, 1);
    assert.equal(got[1]!.timeUs, 1_700_000_000_500_000);
    assert.equal(got[1]!.linktype, 113);
  });

  it('skips unknown and obsolete blocks by length, reads SPBs, and follows a second section in the other byte order', async () => {
    const bytes = concat([
      shb(true),
      idb(true),
      customBlock(true, 0x00000bad, 40),
      customBlock(true, 2, 40),
      epb(true, 5_000_000n, frameA),
      spb(true, frameB),
      shb(false),
      idb(false),
      epb(false, 7_000_000n, frameB),
    ]);
    const got = await frames(bytes, 11);
    assert.deepEqual(
      got.map((f) => [f.timeUs, f.data.length]),
      [
        [5_000_000, frameA.length],
        [5_000_000, frameB.length],
        [7_000_000, frameB.length],
      ],
    );
    assert.deepEqual(got[1]!.data, frameB);
  });

  it('refuses broken blocks with typed errors', async () => {
    const good = pcapngFile(recs);
    await rejectsWith(good.subarray(0, good.length - 3), 'ERR_CAPTURE_TRUNCATED');
    await rejectsWith(good.subarray(0, 30), 'ERR_CAPTURE_TRUNCATED');
    const badBom = good.slice();
    badBom[8] = 0;
    await rejectsWith(badBom, 'ERR_CAPTURE_FORMAT');
    const badTrailer = good.slice();
    badTrailer[good.length - 4] = 0xff;
    await rejectsWith(badTrailer, 'ERR_CAPTURE_FORMAT');
    const odd = good.slice();
    new DataView(odd.buffer).setUint32(4, 29, true);
    await rejectsWith(odd, 'ERR_CAPTURE_FORMAT');
    await rejectsWith(concat([shb(true), epb(true, 0n, frameA, 0)]), 'ERR_CAPTURE_FORMAT');
    const huge = concat([shb(true), customBlock(true, 0xbad, 300_000)]);
    await rejectsWith(huge, 'ERR_CAPTURE_LIMIT');
  });
});

describe('not a capture', () => {
  it('refuses garbage and empty input', async () => {
    await rejectsWith(Buffer.from('{"json": "not a capture"}'), 'ERR_CAPTURE_FORMAT');
    await rejectsWith(new Uint8Array(0), 'ERR_CAPTURE_TRUNCATED');
    await rejectsWith(Uint8Array.of(0xd4, 0xc3), 'ERR_CAPTURE_TRUNCATED');
  });
});

describe('readPackets', () => {
  it('refuses a link type other than Ethernet, naming it and suggesting one interface', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iotopia-cap-'));
    try {
      const path = join(dir, 'sll.pcap');
      await writeFile(path, pcapFile(recs, { linktype: 113 }));
      await assert.rejects(collect(readPackets(path)), (e: unknown) => {
        assert.ok(e instanceof CaptureError);
        assert.equal(e.code, 'ERR_CAPTURE_LINKTYPE');
        assert.match(e.message, /113/);
        assert.match(e.message, /tcpdump -i <iface>/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('counts frames that do not decode and goes on', async () => {
    const stats: CaptureStats = { frames: 0, packets: 0, undecodable: 0 };
    const short = new Uint8Array(10);
    const got = await collect(decodeFrames(readFrames(chunked(pcapFile([{ timeUs: 1, data: short }, ...recs]), 64)), stats));
    assert.equal(got.length, 2);
    assert.deepEqual(stats, { frames: 3, packets: 2, undecodable: 1 });
  });

  it('fails with ERR_CAPTURE_READ for a missing file', async () => {
    await assert.rejects(
      collect(readPackets('/nonexistent/iotopia.pcap')),
      (e: unknown) => e instanceof CaptureError && e.code === 'ERR_CAPTURE_READ',
    );
  });

  const dir = vectorPath('mud', 'pcap', 'SmarterCoffee');
  it('decodes every frame of the SmarterCoffee captures', {
    skip: dir === undefined && vectorsMissing('mud/pcap/SmarterCoffee'),
  }, async () => {
    const stats: CaptureStats = { frames: 0, packets: 0, undecodable: 0 };
    const files = readdirSync(dir!).filter((f) => f.endsWith('.pcap'));
    assert.equal(files.length, 20);
    const macs = new Set<string>();
    for (const f of files) for await (const p of readPackets(join(dir!, f), stats)) macs.add(p.srcMac);
    assert.equal(stats.undecodable, 0);
    assert.equal(stats.frames, stats.packets);
    assert.ok(stats.frames > 200);
    assert.ok(macs.has('5c:cf:7f:07:ae:fb'));
  });

  it('reads stdin when the path is -', { skip: dir === undefined && vectorsMissing('mud/pcap/SmarterCoffee') }, () => {
    const mod = resolve(import.meta.dirname, '../../../src/intent/capture/read-capture.ts');
    const script = `import { readPackets } from ${JSON.stringify(mod)}; let n = 0; for await (const p of readPackets('-')) n++; console.log(n);`;
    const file = join(dir!, 'Setup-A-1-STA.pcap');
    const fromFile = spawnSync(process.execPath, ['--input-type=module', '-e', script.replace("'-'", JSON.stringify(file))], {
      encoding: 'utf8',
    });
    const fromStdin = spawnSync('sh', ['-c', `cat "$1" | "$2" --input-type=module -e "$3"`, 'sh', file, process.execPath, script], {
      encoding: 'utf8',
    });
    assert.equal(fromStdin.status, 0, fromStdin.stderr);
    assert.ok(Number(fromStdin.stdout) > 0);
    assert.equal(fromStdin.stdout, fromFile.stdout);
  });
});
