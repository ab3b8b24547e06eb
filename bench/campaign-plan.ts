/**
 * Campaign planning for a large fleet: 100,000 devices in the registry (SQLite in a temporary
 * directory; tags, groups and states spread over them), then what planning a campaign does: read
 * every device record with its labels (pages of 1,000), select the targets with an RSQL query and
 * cut them into waves. Next to it, the floor: the same query over records already in memory.
 * BENCH_SECONDS below 1 scales the device count down.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { targetPredicate } from '../src/lifecycle/campaigns/target.ts';
import { planWaves } from '../src/lifecycle/campaigns/waves.ts';
import type { DeviceRecord, DeviceState } from '../src/store/device-repository.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';

const QUERY = '(state==active,state==onboarded);group=in=(building-a,building-b);tag!=do-not-update';
const STATES: DeviceState[] = ['active', 'active', 'active', 'onboarded', 'suspended'];

async function fill(store: Store, devices: number): Promise<number> {
  const t = performance.now();
  for (let start = 0; start < devices; start += 1000) {
    await store.transaction(async (r) => {
      for (let i = start; i < Math.min(devices, start + 1000); i++) {
        const guid = new Uint8Array(randomBytes(16));
        await r.devices.upsert({ guid, state: STATES[i % STATES.length] as DeviceState });
        await r.devices.setLabels(guid, 'group', [['building-a', 'building-b', 'building-c'][i % 3] as string]);
        if (i % 10 === 0) await r.devices.setLabels(guid, 'tag', ['do-not-update']);
      }
    });
  }
  return Math.round(performance.now() - t);
}

async function readAll(store: Store): Promise<DeviceRecord[]> {
  const out: DeviceRecord[] = [];
  let after: string | undefined;
  do {
    const page = await store.devices.list({ limit: 1000, ...(after === undefined ? {} : { after }) });
    out.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return out;
}

export async function campaignPlanBench(seconds: number): Promise<unknown> {
  const devices = Math.max(1000, Math.round(100_000 * Math.min(1, seconds)));
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-bench-plan-'));
  const store = await openStore(join(dir, 'iotopia.db'), { kek: new Uint8Array(randomBytes(32)) });
  try {
    const fillMs = await fill(store, devices);
    const t0 = performance.now();
    const all = await readAll(store);
    const t1 = performance.now();
    const matches = targetPredicate(QUERY);
    const targets = all.filter(matches).map((d) => Buffer.from(d.guid).toString('hex'));
    const t2 = performance.now();
    const waves = planWaves('bench', targets, [{ count: 100 }, { percent: 10 }, { percent: 40 }, { percent: 50 }]);
    const t3 = performance.now();
    const again = performance.now();
    all.filter(targetPredicate(QUERY));
    const floorMs = performance.now() - again;
    return {
      devices,
      query: QUERY,
      targets: targets.length,
      waves: waves.map((w) => w.length),
      fillMs,
      planMs: {
        readRegistry: Math.round(t1 - t0),
        selectTargets: Math.round(t2 - t1),
        cutWaves: Math.round(t3 - t2),
        total: Math.round(t3 - t0),
      },
      floor: { selectInMemoryMs: Number(floorMs.toFixed(1)) },
      goal: 'plan 100,000 devices in under 2 s',
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
