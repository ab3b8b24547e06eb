/**
 * `iotopia up --demo` as a user starts it: a child process on a free port, its console URL and
 * login token read from its output. Once its status says ready (within 60 s), the seeded state is
 * checked through the management API: four products and their onboarded devices, signed MUD files,
 * intent devices with violations and exactly one quarantined, a campaign the engine paused on
 * failures, matched vulnerabilities, assessments for two markets; then that the fleet keeps moving;
 * then SIGTERM, after which its throwaway data directory is gone.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/iotopia.js', import.meta.url));
const READY_MS = 60_000;

interface Page<T> {
  items: T[];
  next?: string;
}

describe('iotopia up --demo', () => {
  let child: ChildProcess;
  let stdout = '';
  let stderr = '';
  let url = '';
  let token = '';
  let dataDir = '';
  let exited: Promise<number | null>;
  const started = Date.now();

  const api = async <T>(path: string): Promise<T> => {
    const r = await fetch(`${url}api/v1${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    assert.equal(r.status, 200, `GET ${path}: ${r.status} ${await r.clone().text()}`);
    return (await r.json()) as T;
  };
  const demo = () => api<{ demo: boolean; intentMode: string; phase: string; seededAt?: string; counts: Record<string, number> }>('/demo');

  before(async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('IOTOPIA_')));
    child = spawn(process.execPath, [BIN, 'up', '--demo', '--listen', '127.0.0.1:0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    while (url === '' || token === '' || dataDir === '') {
      if (Date.now() - started > 20_000 || child.exitCode !== null) assert.fail(`no console URL and token:\n${stdout}\n${stderr}`);
      url = /console: +(http:\/\/\S+\/)/.exec(stdout)?.[1] ?? '';
      token = /login token: +(\S+)/.exec(stdout)?.[1] ?? '';
      dataDir = /data: +(\S+) \(throwaway/.exec(stdout)?.[1] ?? '';
      await sleep(100);
    }
    assert.ok(existsSync(dataDir), 'the throwaway data directory exists while the demo runs');
    for (;;) {
      if ((await demo()).phase === 'ready') break;
      if (Date.now() - started > READY_MS) assert.fail(`not ready within ${READY_MS / 1000} s:\n${stdout}\n${stderr}`);
      await sleep(250);
    }
  });

  after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  test('prints a ready line, and GET /demo says ready, simulated, with its counts', async () => {
    assert.match(stdout, /demo ready in [\d.]+ s/);
    const d = await demo();
    assert.equal(d.demo, true);
    assert.equal(d.intentMode, 'simulated');
    assert.ok(d.seededAt !== undefined && !Number.isNaN(Date.parse(d.seededAt)));
    assert.ok((d.counts.devices ?? 0) >= 40, JSON.stringify(d.counts));
  });

  test('at least three products, with their devices onboarded through FDO', async () => {
    const products = await api<Page<{ model: string }>>('/products');
    assert.ok(products.items.length >= 3, JSON.stringify(products.items));
    const devices = await api<Page<{ model?: string; state: string; voucherState: string }>>('/devices?limit=1000');
    assert.ok(devices.items.length >= 40, `${devices.items.length} devices`);
    const models = new Set(devices.items.map((d) => d.model));
    for (const p of products.items) assert.ok(models.has(p.model), `no device of ${p.model}`);
    assert.deepEqual(
      devices.items.filter((d) => d.voucherState !== 'onboarded'),
      [],
      'every device onboarded (TO2)',
    );
  });

  test('signed MUD files published, one per product', async () => {
    const files = await api<Page<{ name: string; signer: string }>>('/mud-files');
    assert.ok(files.items.length >= 3);
    for (const f of files.items) assert.match(f.signer, /MUD signer/);
  });

  test('intent devices enforced from their MUD files, with violations, and exactly one quarantined', async () => {
    const devices = await api<Page<{ mac: string; state: string; mud?: { signed: boolean } }>>('/intent/devices?limit=1000');
    assert.ok(devices.items.length >= 40);
    assert.equal(devices.items.filter((d) => d.state === 'quarantined').length, 1, 'one quarantined');
    assert.equal(devices.items.filter((d) => d.state !== 'enforced' && d.state !== 'quarantined').length, 0);
    assert.ok(devices.items.every((d) => d.mud?.signed === true));
    const violations = await api<Page<{ mac: string }>>('/intent/violations?limit=1000');
    assert.ok(new Set(violations.items.map((v) => v.mac)).size >= 2, 'violations of several devices');
    const actions = await api<Page<{ action: string; actor: string }>>('/intent/quarantine-actions');
    assert.ok(
      actions.items.some((a) => a.action === 'quarantine' && a.actor === 'system'),
      'quarantined past the threshold',
    );
    const registry = await api<Page<{ guid: string }>>('/devices?state=quarantined');
    assert.equal(registry.items.length, 1, 'its device record is quarantined too');
  });

  test("every device's recent flows: its cloud service allowed by an ACE; the quarantined device's drops", async () => {
    type Flow = { verdict: string; rule: string; peerPort: number; count: number };
    const devices = await api<Page<{ mac: string; guid?: string; state: string }>>('/intent/devices?limit=1000');
    for (const d of devices.items.filter((x) => x.state === 'enforced')) {
      const flows = (await api<{ items: Flow[] }>(`/intent/devices/${d.mac}/flows`)).items;
      assert.ok(
        flows.some((f) => f.verdict === 'accept' && f.rule.includes('/')),
        `${d.mac}: ${JSON.stringify(flows)}`,
      );
    }
    const quarantined = devices.items.find((x) => x.state === 'quarantined');
    assert.ok(quarantined?.guid !== undefined);
    const intent = await api<{ items: { flows: Flow[] }[] }>(`/devices/${quarantined.guid}/intent`);
    assert.ok(
      intent.items[0]?.flows.some((f) => f.verdict === 'drop'),
      JSON.stringify(intent.items[0]?.flows),
    );
  });

  test('a campaign paused by the campaign engine after failed installs', async () => {
    const campaigns = await api<Page<{ id: string; state: string }>>('/campaigns');
    const paused = campaigns.items.find((c) => c.state === 'paused');
    assert.ok(paused !== undefined, JSON.stringify(campaigns.items));
    const failed = await api<Page<{ state: string; reason?: string }>>(`/campaigns/${paused.id}/actions?state=failed`);
    assert.ok(failed.items.length >= 1);
    assert.ok(
      failed.items.every((a) => a.reason?.includes('ERR_FLEET_INJECTED')),
      JSON.stringify(failed.items),
    );
    const audit = await api<Page<{ action: string; actor: string }>>(`/audit?subject=${paused.id}`);
    assert.ok(
      audit.items.some((a) => a.action === 'campaign.paused' && a.actor === 'campaign-engine'),
      JSON.stringify(audit.items),
    );
  });

  test("vulnerabilities matched to the products' SBOMs", async () => {
    const products = await api<Page<{ model: string }>>('/products');
    for (const p of products.items) {
      const v = await api<{ items: unknown[] }>(`/products/${p.model}/releases/1.0.0/vulnerabilities`);
      assert.ok(v.items.length >= 1, `${p.model}: no vulnerability matched`);
    }
  });

  test('one product assessed for two markets', async () => {
    const products = await api<Page<{ model: string }>>('/products');
    const markets = new Map<string, Set<string>>();
    for (const p of products.items) {
      const a = await api<Page<{ market?: string }>>(`/assessments?product=${p.model}`);
      markets.set(p.model, new Set(a.items.flatMap((x) => (x.market === undefined ? [] : [x.market]))));
    }
    assert.ok(
      [...markets.values()].some((m) => m.has('eu') && m.has('uk')),
      JSON.stringify([...markets].map(([k, v]) => [k, [...v]])),
    );
  });

  test('the fleet keeps moving: flows judged, device polls and the quarantined device’s violations grow', async () => {
    const quarantined = (await api<Page<{ mac: string; state: string }>>('/intent/devices?limit=1000')).items.find(
      (d) => d.state === 'quarantined',
    );
    assert.ok(quarantined !== undefined);
    const count = async () =>
      (await api<Page<{ count: number }>>(`/intent/devices/${quarantined.mac}/violations`)).items.reduce((n, v) => n + v.count, 0);
    const before = { status: (await demo()).counts, violations: await count() };
    const deadline = Date.now() + 15_000;
    let now = before;
    while (Date.now() < deadline) {
      await sleep(1000);
      now = { status: (await demo()).counts, violations: await count() };
      if (
        (now.status.flowsJudged ?? 0) > (before.status.flowsJudged ?? 0) &&
        (now.status.devicePolls ?? 0) > (before.status.devicePolls ?? 0) &&
        now.violations > before.violations
      )
        break;
    }
    assert.ok((now.status.flowsJudged ?? 0) > (before.status.flowsJudged ?? 0), 'flows judged');
    assert.ok((now.status.devicePolls ?? 0) > (before.status.devicePolls ?? 0), 'device polls');
    assert.ok(now.violations > before.violations, 'violations of the quarantined device');
  });

  test('SIGTERM stops it and removes the throwaway data directory', async () => {
    child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(20_000, 'timeout' as const, { ref: false })]);
    assert.equal(code, 0, `exit ${String(code)}: ${stderr}`);
    assert.equal(existsSync(dataDir), false, `${dataDir} is left`);
  });
});
