import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { MUD_URL, mudJson } from './mud-fixture.ts';

const file = JSON.stringify(
  mudJson([
    { ipv4: { protocol: 6, 'ietf-acldns:dst-dnsname': 'cloud.example.com' }, tcp: { 'destination-port': { operator: 'eq', port: 443 } } },
    { 'ietf-mud:mud': { controller: 'urn:example:hub' } },
  ]),
);
const run = (args: string[], stdin = file) => runCli(['intent', 'compile', '-', ...args], process.cwd(), process.env, stdin);

test('intent compile prints the script; --json prints the resolved policy', async () => {
  const args = ['--mac', '02:42:AC:11:00:02', '--resolve', 'cloud.example.com=198.51.100.5', '--controller', 'urn:example:hub=192.0.2.10'];
  const r = await run(args);
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out,
    /^add rule inet iotopia d_0242ac110002_f0 meta nfproto ipv4 meta l4proto 6 ip daddr @a_[0-9a-f]{13} tcp dport 443 accept$/m,
  );
  assert.match(r.out, /^add set inet iotopia a_[0-9a-f]{13} \{ type ipv4_addr; flags interval; elements = \{ 198\.51\.100\.5 \}; \}$/m);
  assert.match(r.out, /^add element inet iotopia from_dev \{ 02:42:ac:11:00:02 : jump d_0242ac110002_from \}$/m);
  const j = await run([...args, '--json']);
  assert.equal(j.code, 0, j.err);
  const policy = JSON.parse(j.out) as { mudUrl: string; fromDevice: { aces: { dst: { origin: string }[] }[] }[] };
  assert.equal(policy.mudUrl, MUD_URL);
  assert.equal(policy.fromDevice[0]?.aces[1]?.dst[0]?.origin, 'controller urn:example:hub');
});

test('an unresolved name exits 2 naming it; --lenient leaves the ACE out with a warning', async () => {
  const r = await run(['--mac', '02:42:ac:11:00:02', '--controller', 'urn:example:hub=192.0.2.10']);
  assert.equal(r.code, 2);
  assert.match(r.err, /ERR_INTENT_UNRESOLVED: .*cloud\.example\.com/);
  const l = await run(['--mac', '02:42:ac:11:00:02', '--controller', 'urn:example:hub=192.0.2.10', '--lenient']);
  assert.equal(l.code, 0, l.err);
  assert.match(l.err, /warning ERR_INTENT_UNRESOLVED/);
  assert.doesNotMatch(l.out, /tcp dport 443/);
});

test('bad input exits 2: a bad MAC, a bad KEY=ADDR pair, a file that is not MUD', async () => {
  assert.equal((await run(['--mac', 'nope'])).code, 2);
  assert.equal((await run(['--mac', '02:42:ac:11:00:02', '--resolve', 'cloud.example.com'])).code, 2);
  assert.equal((await run(['--mac', '02:42:ac:11:00:02'], '{"x":1}')).code, 2);
  assert.equal((await run([])).code, 2);
});

test('--device-interface (repeat) adds a drop rule per interface; a bad name exits 2 for compile and apply', async () => {
  const args = ['--mac', '02:42:ac:11:00:02', '--resolve', 'cloud.example.com=198.51.100.5', '--controller', 'urn:example:hub=192.0.2.10'];
  const r = await run([...args, '--device-interface', 'lan0', '--device-interface', 'wlan0']);
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out,
    /^add rule inet iotopia to_device oifname "lan0" counter drop\nadd rule inet iotopia to_device oifname "wlan0" counter drop$/m,
  );
  assert.doesNotMatch((await run(args)).out, /oifname/);
  for (const bad of ['lan0" accept', 'a-name-of-16-chr']) {
    const b = await run([...args, '--device-interface', bad]);
    assert.equal(b.code, 2, b.err);
    assert.match(b.err, /ERR_INTENT_CONTEXT: device-interface: .* is not an interface name/);
    assert.equal(b.out, '');
  }
  const apply = await runCli(
    ['intent', 'apply', '-', ...args, '--device', 'lamp', '--device-interface', 'eth0;', '--netns', 'iotopia-none'],
    process.cwd(),
    process.env,
    file,
  );
  assert.equal(apply.code, 2, apply.err);
  assert.match(apply.err, /ERR_INTENT_CONTEXT: device-interface/);
});
