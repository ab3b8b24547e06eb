/**
 * The agent's config report: built from the identity DI recorded and the components it installed,
 * within the device API's schema, and sent only when it changed since the last send to that endpoint.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Value } from 'typebox/value';
import { configReporter, deviceConfig, reportConfig } from '../../src/agent/config-report.ts';
import { readIdentity, saveIdentity } from '../../src/agent/device-identity.ts';
import { recordInstall } from '../../src/agent/suit-state.ts';
import type { ManagementProvision } from '../../src/fdo/serviceinfo/ports.ts';
import { DeviceConfigBody } from '../../src/server/device-api/device-config.ts';

const root = mkdtempSync(join(tmpdir(), 'iotopia-config-report-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dataDir = () => {
  const d = join(root, `d${n++}`);
  mkdirSync(join(d, 'components'), { recursive: true });
  return d;
};
const provision = (endpoint = 'http://127.0.0.1:1/device/v1'): ManagementProvision => ({
  endpoint,
  credential: { type: 'bearer', token: 'a'.repeat(43) },
  trustAnchors: [],
});

/** A device API that records each PUT /config and answers with `status`. */
function server(status = 200) {
  const puts: { url: string; body: unknown }[] = [];
  const api = {
    puts,
    status,
    fetch: (async (url: string | URL | Request, init?: RequestInit) => {
      assert.equal(init?.method, 'PUT');
      puts.push({ url: String(url), body: JSON.parse(String(init?.body)) });
      return new Response(JSON.stringify(api.status === 200 ? {} : { code: 'ERR_X' }), { status: api.status });
    }) as typeof fetch,
  };
  return api;
}

test('the report names each installed component with the release version and sequence that wrote it', async () => {
  const d = dataDir();
  writeFileSync(join(d, 'components', '6677'), 'a');
  writeFileSync(join(d, 'components', '01_02'), 'b');
  writeFileSync(join(d, 'components', 'notes.txt'), 'not a component');
  await recordInstall(d, 2, ['6677'], '1.4.0');
  await recordInstall(d, 3, ['01_02']);
  assert.deepEqual(await deviceConfig(d, { model: 'bulb-x1', serial: 'SN-1' }), {
    model: 'bulb-x1',
    serial: 'SN-1',
    firmware: [
      { component: '01_02', version: 'sequence 3' },
      { component: '6677', version: '1.4.0 (sequence 2)' },
    ],
  });
  const none = dataDir();
  writeFileSync(join(none, 'components', 'aa'), 'x');
  assert.deepEqual(await deviceConfig(none, {}), { firmware: [{ component: 'aa', version: 'unknown' }] });
  assert.deepEqual(await deviceConfig(join(root, 'missing'), {}), {});
});

test('the report stays within the route schema: long versions shortened, at most 32 components', async () => {
  const d = dataDir();
  const names = Array.from({ length: 40 }, (_, i) => i.toString(16).padStart(4, '0'));
  for (const f of names) writeFileSync(join(d, 'components', f), 'x');
  writeFileSync(join(d, 'components', 'ab'.repeat(70)), 'too long a name');
  await recordInstall(d, 123456789, names, 'v'.repeat(64));
  const config = await deviceConfig(d, { model: 'm', serial: 's' });
  assert.equal(config.firmware?.length, 32);
  const version = config.firmware?.[0]?.version ?? '';
  assert.equal(version.length, 64);
  assert.match(version, / \(sequence 123456789\)$/);
  assert.ok(Value.Check(DeviceConfigBody, config), 'the device API would accept it');
});

test('sent once; again only after something changed or for another endpoint', async () => {
  const d = dataDir();
  const api = server();
  const o = { provision: provision(), dataDir: d, identity: { model: 'm', serial: 's' }, fetch: api.fetch };
  assert.equal(await reportConfig(o), 'sent');
  assert.deepEqual(api.puts, [{ url: 'http://127.0.0.1:1/device/v1/config', body: { model: 'm', serial: 's' } }]);
  assert.equal(await reportConfig(o), 'unchanged');
  assert.equal(api.puts.length, 1);
  writeFileSync(join(d, 'components', 'aa'), 'x');
  await recordInstall(d, 1, ['aa'], '1.0.0');
  assert.equal(await reportConfig(o), 'sent');
  assert.deepEqual(api.puts.at(-1)?.body, { model: 'm', serial: 's', firmware: [{ component: 'aa', version: '1.0.0 (sequence 1)' }] });
  assert.equal(await reportConfig(o), 'unchanged');
  assert.equal(await reportConfig({ ...o, identity: { model: 'm', serial: 'other' } }), 'sent');
  assert.equal(
    await reportConfig({ ...o, identity: { model: 'm', serial: 'other' }, provision: provision('http://127.0.0.1:2/d') }),
    'sent',
  );
  assert.equal(api.puts.length, 4);
});

test('a refused report is thrown and sent again next time', async () => {
  const d = dataDir();
  const api = server(500);
  const o = { provision: provision(), dataDir: d, identity: { model: 'm' }, fetch: api.fetch };
  await assert.rejects(reportConfig(o), { code: 'ERR_X' });
  api.status = 200;
  assert.equal(await reportConfig(o), 'sent');
  assert.equal(api.puts.length, 2);
});

test('the reporter sends on the first poll and after an install, retries after a failure, never throws', async () => {
  const d = dataDir();
  const api = server(500);
  const errors: string[] = [];
  let sent = 0;
  const r = configReporter({
    provision: () => provision(),
    dataDir: d,
    identity: { model: 'm' },
    fetch: api.fetch,
    onError: (e) => errors.push((e as { code?: string }).code ?? ''),
    onSent: () => sent++,
  });
  await r.afterPoll();
  assert.deepEqual(errors, ['ERR_X']);
  api.status = 200;
  await r.afterPoll();
  assert.equal(sent, 1, 'tried again after the failure');
  await r.afterPoll();
  assert.equal(api.puts.length, 2, 'later polls send nothing');
  await r.afterUpdate('failed');
  assert.equal(api.puts.length, 2, 'a failed update changes nothing');
  writeFileSync(join(d, 'components', 'aa'), 'x');
  await recordInstall(d, 1, ['aa']);
  await r.afterUpdate('succeeded');
  assert.equal(sent, 2);
  assert.deepEqual(api.puts.at(-1)?.body, { model: 'm', firmware: [{ component: 'aa', version: 'sequence 1' }] });
});

test('the identity file gives model and serial; fields out of bounds and unreadable credentials are dropped', async () => {
  const d = dataDir();
  await saveIdentity(d, { model: 'bulb-x1', serial: 'x'.repeat(129) });
  assert.deepEqual(await readIdentity(d), { model: 'bulb-x1' });
  writeFileSync(join(d, 'c.cbor'), 'not a credential');
  const bare = dataDir();
  assert.deepEqual(await readIdentity(bare, join(d, 'c.cbor')), {});
});
