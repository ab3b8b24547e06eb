/** `iotopia mud validate|show|new`: exit codes, text and --json output. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseMud } from '../../src/mud/validate/parse-mud.ts';
import { runCli } from '../helpers/cli.ts';
import { vectorPath, vectorsMissing } from '../helpers/vectors.ts';

const dir = mkdtempSync(join(tmpdir(), 'iotopia-mud-cli-'));
const SPEC_YAML = `# a smart plug
manufacturer: Example Plugs
model: P2
mudUrl: https://plugs.example.net/mud/p2.json
documentation: https://plugs.example.net/p2
supportedUntil: 2032-06-30
ipVersions: [ipv4]
cloud:
  - domain: cloud.plugs.example.net
    protocol: tcp
    port: 8883
local:
  - protocol: tcp
    port: 80
    initiatedBy: peer
sbom:
  localWellKnown: https
vulnerabilities: https://plugs.example.net/csaf/p2.json
`;
writeFileSync(join(dir, 'plug.yaml'), SPEC_YAML);
writeFileSync(join(dir, 'bad.json'), JSON.stringify({ manufacturer: 'X', model: 'Y', mudUrl: 'http://x.example/y' }));
writeFileSync(join(dir, 'broken.json'), '{"ietf-mud:mud": {');
const broken = base();
broken['ietf-mud:mud']['cache-validity'] = 500;
writeFileSync(join(dir, 'cache.json'), JSON.stringify(broken));

function base(): { 'ietf-mud:mud': Record<string, unknown> } {
  return {
    'ietf-mud:mud': { 'mud-version': 1, 'mud-url': 'https://a.example/m', 'last-update': '2026-01-01T00:00:00Z', 'is-supported': true },
  };
}

test('mud new: a YAML description becomes a strictly valid MUD file', async () => {
  const out = join(dir, 'plug.json');
  const r = await runCli(['mud', 'new', join(dir, 'plug.yaml'), '-o', out, '--now', '2026-12-01T00:00:00Z'], dir);
  assert.equal(r.code, 0, r.err);
  const parsed = parseMud(readFileSync(out));
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.mud?.mud.modelName, 'P2');
  assert.equal(parsed.mud?.mud.lastUpdate, '2026-12-01T00:00:00+00:00');
  assert.deepEqual(parsed.mud?.mud.transparency, { sbomLocalWellKnown: 'https', vulnUrl: ['https://plugs.example.net/csaf/p2.json'] });
  // Standard output, without -o, carries the same file.
  const again = await runCli(['mud', 'new', join(dir, 'plug.yaml'), '--now', '2026-12-01T00:00:00Z'], dir);
  assert.equal(again.out, readFileSync(out, 'utf8'));
});

test('mud new: a description that cannot make a valid file exits 1 naming the reason; a bad --now is usage', async () => {
  const r = await runCli(['mud', 'new', join(dir, 'bad.json')], dir);
  assert.equal(r.code, 1);
  assert.match(r.err, /\/ietf-mud:mud\/mud-url: .*https/);
  const u = await runCli(['mud', 'new', join(dir, 'plug.yaml'), '--now', 'yesterday'], dir);
  assert.equal(u.code, 2);
  writeFileSync(join(dir, 'broken.yaml'), 'manufacturer: [oops\n');
  const y = await runCli(['mud', 'new', join(dir, 'broken.yaml')], dir);
  assert.equal(y.code, 1);
  assert.match(y.err, /broken\.yaml: not YAML: .*line 2/);
});

test('mud validate: exit 0 when all are valid, 1 when any is invalid, with path and reason', async () => {
  await runCli(['mud', 'new', join(dir, 'plug.yaml'), '-o', join(dir, 'ok.json')], dir);
  const ok = await runCli(['mud', 'validate', join(dir, 'ok.json')], dir);
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /ok\.json: valid/);
  const bad = await runCli(['mud', 'validate', join(dir, 'ok.json'), join(dir, 'cache.json'), join(dir, 'broken.json')], dir);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /cache\.json: INVALID/);
  assert.match(bad.out, /ERR_MUD_RANGE \/ietf-mud:mud\/cache-validity: 500 is outside 1\.\.168/);
  assert.match(bad.out, /broken\.json: INVALID[^\n]*\n {2}error ERR_MUD_JSON/);
});

test('mud validate --json: one report per file', async () => {
  const r = await runCli(['mud', 'validate', '--json', join(dir, 'cache.json')], dir);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out);
  assert.equal(j.valid, false);
  assert.deepEqual(j.files[0].errors, [{ code: 'ERR_MUD_RANGE', path: '/ietf-mud:mud/cache-validity', reason: '500 is outside 1..168' }]);
});

test('mud validate: usage errors exit 2', async () => {
  assert.equal((await runCli(['mud', 'validate'], dir)).code, 2);
  assert.equal((await runCli(['mud', 'validate', join(dir, 'missing.json')], dir)).code, 2);
  assert.equal((await runCli(['mud', 'validate', '--bogus', join(dir, 'ok.json')], dir)).code, 2);
});

const unsw = vectorPath('mud', 'unsw', 'amazonEchoMud.json');
test('mud validate --lenient accepts the pre-RFC shape that strict mode rejects', {
  skip: unsw === undefined ? vectorsMissing('mud/unsw') : false,
}, async () => {
  const strict = await runCli(['mud', 'validate', unsw as string], dir);
  assert.equal(strict.code, 1);
  assert.match(strict.out, /ERR_MUD_PRE_RFC_SHAPE \/ietf-access-control-list:access-lists:/);
  const lenient = await runCli(['mud', 'validate', '--lenient', unsw as string], dir);
  assert.equal(lenient.code, 0);
  assert.match(lenient.out, /WARN_MUD_NORMALISED/);
  // --normalise writes the RFC shape, which then passes strictly.
  const out = join(dir, 'echo-rfc.json');
  const n = await runCli(['mud', 'validate', '--lenient', '--normalise', out, unsw as string], dir);
  assert.equal(n.code, 0, n.err);
  const strictAgain = await runCli(['mud', 'validate', out], dir);
  assert.equal(strictAgain.code, 0, strictAgain.out);
  assert.equal((await runCli(['mud', 'validate', '--normalise', out, unsw as string, out], dir)).code, 2);
});

test('mud show: sentences and a table; --json gives the rows', async () => {
  const r = await runCli(['mud', 'show', join(dir, 'ok.json')], dir);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /The device may open TCP connections to cloud\.plugs\.example\.net on port 8883 \(IPv4\)\./);
  assert.match(r.out, /The device may accept TCP connections from the local networks on its port 80 \(IPv4\)\./);
  assert.match(r.out, /Vulnerability information: https:\/\/plugs\.example\.net\/csaf\/p2\.json/);
  assert.match(r.out, /POLICY\s+FAMILY\s+PEER\s+PROTOCOL\s+PORTS\s+OPENED BY\s+ACTION/);
  assert.match(r.out, /from-device\s+ipv4\s+cloud\.plugs\.example\.net\s+TCP\s+dst 8883\s+device\s+accept/);
  const j = await runCli(['mud', 'show', '--json', join(dir, 'ok.json')], dir);
  const d = JSON.parse(j.out);
  assert.equal(d.device.model, 'P2');
  assert.equal(d.rows.length, 4);
  assert.deepEqual(
    d.rows.map((x: { policy: string; ports: string }) => `${x.policy} ${x.ports}`),
    ['from-device dst 8883', 'from-device src 80', 'to-device src 8883', 'to-device dst 80'],
  );
  const bad = await runCli(['mud', 'show', join(dir, 'cache.json')], dir);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /cache-validity/);
});
