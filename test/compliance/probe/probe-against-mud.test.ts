/** probeAgainstMud on loopback: open ports sorted into those the MUD file allows and the unexpected. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ProbeError } from '../../../src/compliance/probe/errors.ts';
import { probeAgainstMud } from '../../../src/compliance/probe/probe-against-mud.ts';
import { closedPort, type Listeners, listen } from './loopback.ts';
import { eq, MUD_URL, mudFile, mudJson, tcpAce } from './mud-fixtures.ts';

const code = (c: string) => (e: unknown) => e instanceof ProbeError && e.code === c;

describe('probeAgainstMud', () => {
  let device: Listeners;
  let a: number;
  let b: number;
  let shut: number;
  before(async () => {
    device = await listen(2);
    [a, b] = device.ports as [number, number];
    shut = await closedPort();
  });
  after(() => device.close());

  test('one open port allowed, one unexpected, a closed one in neither list', async () => {
    const times = [new Date('2026-12-07T10:00:00Z'), new Date('2026-12-07T10:00:02Z')];
    for (const port of [a, b, shut]) {
      const r = await probeAgainstMud({
        address: '127.0.0.1',
        mud: mudJson([[tcpAce('allowed', eq(a), { 'ietf-mud:direction-initiated': 'to-device' })]]),
        ports: { from: port, to: port },
        now: () => times.shift() ?? new Date(0),
      });
      assert.equal(r.mudUrl, MUD_URL);
      assert.equal(r.protocol, 'tcp');
      assert.deepEqual(r.open, port === shut ? [] : [port]);
      assert.deepEqual(r.allowed, port === a ? [a] : []);
      assert.deepEqual(r.unexpected, port === b ? [b] : []);
      assert.equal(r.closed, port === shut ? 1 : 0);
      if (port === a) assert.deepEqual([r.startedAt, r.finishedAt], ['2026-12-07T10:00:00.000Z', '2026-12-07T10:00:02.000Z']);
    }
  });

  test('both open ports allowed by a range; a validated MudFile is taken as it is', async () => {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const mud = mudFile([[tcpAce('range', { 'lower-port': lo, 'upper-port': hi })]]);
    const r = await probeAgainstMud({ address: '127.0.0.1', mud, ports: { from: lo, to: lo } });
    assert.deepEqual([r.allowed, r.unexpected], [[lo], []]);
    const r2 = await probeAgainstMud({ address: '127.0.0.1', mud, ports: { from: hi, to: hi } });
    assert.deepEqual([r2.allowed, r2.unexpected], [[hi], []]);
  });

  test('a MUD file that is not valid, or not JSON, is refused before any connection', async () => {
    const bad = mudJson([[tcpAce('x', eq(80))]]).replace('"mud-version": 1', '"mud-version": 2');
    await assert.rejects(probeAgainstMud({ address: '127.0.0.1', mud: bad, ports: { from: a, to: a } }), (e) => {
      assert.ok(code('ERR_PROBE_MUD_INVALID')(e));
      assert.match((e as ProbeError).details.join('\n'), /mud-version/);
      return true;
    });
    await assert.rejects(probeAgainstMud({ address: '127.0.0.1', mud: '{', ports: { from: a, to: a } }), code('ERR_PROBE_MUD_INVALID'));
    await assert.rejects(
      probeAgainstMud({ address: '127.0.0.1', mud: new Uint8Array([0xff, 0xfe]), ports: { from: a, to: a } }),
      code('ERR_PROBE_MUD_INVALID'),
    );
  });

  test('a MUD URL other than the file says, a bad address or range', async () => {
    const mud = mudJson([[tcpAce('x', eq(80))]]);
    await assert.rejects(
      probeAgainstMud({ address: '127.0.0.1', mud, mudUrl: 'https://other.example.com/m.json', ports: { from: a, to: a } }),
      code('ERR_PROBE_MUD_URL'),
    );
    await assert.rejects(probeAgainstMud({ address: 'localhost', mud }), code('ERR_PROBE_ADDRESS'));
    await assert.rejects(probeAgainstMud({ address: '127.0.0.1', mud, ports: { from: 2, to: 1 } }), code('ERR_PROBE_PORTS'));
  });
});
