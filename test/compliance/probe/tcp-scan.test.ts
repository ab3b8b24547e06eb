/** The TCP connect scan against real listeners on loopback (no traffic leaves the machine). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ProbeError } from '../../../src/compliance/probe/errors.ts';
import { type ScanProgress, scanTcp } from '../../../src/compliance/probe/tcp-scan.ts';
import { closedPort, type Listeners, listen } from './loopback.ts';

const code = (c: string) => (e: unknown) => e instanceof ProbeError && e.code === c;

describe('scanTcp on 127.0.0.1', () => {
  let open: Listeners;
  let closed: number;
  before(async () => {
    open = await listen(1);
    closed = await closedPort();
  });
  after(() => open.close());

  test('an open port and a closed one, each counted once', async () => {
    const port = open.ports[0] as number;
    for (const p of [port, closed]) {
      const r = await scanTcp('127.0.0.1', { from: p, to: p });
      assert.deepEqual(r.open, p === port ? [port] : []);
      assert.equal(r.closed, p === port ? 0 : 1);
      assert.equal(r.filtered, 0);
    }
  });

  test('a range around the open port: everything else is closed, progress reaches the total', async () => {
    const port = open.ports[0] as number;
    const from = Math.max(1, port - 20);
    const to = Math.min(65535, port + 20);
    const seen: ScanProgress[] = [];
    const r = await scanTcp('127.0.0.1', { from, to }, { concurrency: 8, onProgress: (p) => seen.push(p) });
    const total = to - from + 1;
    // Another test process may listen in the range; the port opened here must be among the open ones.
    assert.ok(r.open.includes(port));
    assert.equal(r.open.length + r.closed + r.filtered, total);
    assert.equal(seen.length, total);
    assert.deepEqual(seen.at(-1), { done: total, total, open: r.open.length });
    assert.deepEqual(r.ports, { from, to });
  });

  test('IPv6 loopback', async (t) => {
    let v6: Listeners;
    try {
      v6 = await listen(1, '::1');
    } catch {
      t.skip('no IPv6 loopback here');
      return;
    }
    try {
      const p = v6.ports[0] as number;
      const r = await scanTcp('::1', { from: p, to: p });
      assert.deepEqual(r.open, [p]);
    } finally {
      await v6.close();
    }
  });

  test('an abort stops the scan with the signal reason', async () => {
    const ac = new AbortController();
    const reason = new Error('stop');
    const scan = scanTcp(
      '127.0.0.1',
      { from: 1, to: 65535 },
      {
        concurrency: 4,
        signal: ac.signal,
        onProgress: (p) => {
          if (p.done === 10) ac.abort(reason);
        },
      },
    );
    await assert.rejects(scan, (e) => e === reason);
    await assert.rejects(scanTcp('127.0.0.1', { from: 1, to: 1 }, { signal: ac.signal }), (e) => e === reason);
  });
});

describe('scanTcp refuses what it cannot probe', () => {
  test('host names and non-addresses', async () => {
    for (const a of ['localhost', 'device.example.com', '', '127.1', '1.2.3.4:80', '[::1]'])
      await assert.rejects(scanTcp(a, { from: 1, to: 1 }), code('ERR_PROBE_ADDRESS'), a);
  });

  test('the unspecified addresses', async () => {
    for (const a of ['0.0.0.0', '::', '0:0::0']) await assert.rejects(scanTcp(a, { from: 1, to: 1 }), code('ERR_PROBE_ADDRESS'), a);
  });

  test('port ranges outside 1..65535 or backwards', async () => {
    for (const r of [
      { from: 0, to: 10 },
      { from: 1, to: 65536 },
      { from: 10, to: 9 },
      { from: 1.5, to: 2 },
      { from: Number.NaN, to: 2 },
    ])
      await assert.rejects(scanTcp('127.0.0.1', r), code('ERR_PROBE_PORTS'), JSON.stringify(r));
  });

  test('concurrency 1..1024 and timeout 1..60000 ms', async () => {
    for (const o of [{ concurrency: 0 }, { concurrency: 1025 }, { concurrency: 2.5 }, { timeoutMs: 0 }, { timeoutMs: 60_001 }])
      await assert.rejects(scanTcp('127.0.0.1', { from: 1, to: 1 }, o), code('ERR_PROBE_OPTION'), JSON.stringify(o));
  });
});
