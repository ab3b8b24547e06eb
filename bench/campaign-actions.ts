/**
 * Listing a large campaign's actions (SQLite in a temporary directory): 100,000 actions in two
 * waves, one in a thousand failed with a refused report. Measured, each the mean of 20 pages of
 * 100: the first page, a page from the middle (a cursor), the failed ones (a state filter that
 * walks the campaign's (campaign_id, guid) index), the second wave, and one device by GUID.
 * BENCH_SECONDS below 1 scales the count down.
 */

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open-store.ts';
import { encodeCursor } from '../src/store/sql/rows.ts';
import type { Store } from '../src/store/store.ts';
import { meanMs as mean } from './measure.ts';

const guidOf = (i: number) => i.toString(16).padStart(32, '0');

async function campaign(store: Store, actions: number): Promise<string> {
  const id = randomUUID();
  await store.campaigns.create({
    id,
    name: 'bench',
    releaseId: 'r',
    targetQuery: 'state==active',
    waves: [{ percent: 50 }, { percent: 100 }],
    actionType: 'forced',
    confirm: false,
    errorThreshold: 100,
    timeoutSeconds: 60,
    retries: { attempts: 0, backoffSeconds: 60 },
  });
  const rows = Array.from({ length: actions }, (_, i) => ({ id: randomUUID(), guid: guidOf(i), wave: i < actions / 2 ? 0 : 1 }));
  await store.transaction((r) => r.campaigns.addActions(id, rows));
  for (let i = 0; i < actions; i += 1000) {
    const a = rows[i];
    if (a === undefined) continue;
    await store.campaigns.updateAction(a.id, ['scheduled'], { state: 'failed', reason: 'no space' });
    await store.campaigns.setReportError(a.id, 'the report names another manifest');
  }
  return id;
}

export async function campaignActionsBench(seconds: number): Promise<unknown> {
  const actions = Math.max(2000, Math.round(100_000 * Math.min(1, seconds)));
  const dir = mkdtempSync(join(tmpdir(), 'iotopia-bench-actions-'));
  const store = await openStore(join(dir, 'iotopia.db'), { kek: new Uint8Array(randomBytes(32)) });
  try {
    const id = await campaign(store, actions);
    const list = store.campaigns.listActions.bind(store.campaigns, id);
    const failed = (await list({ state: 'failed', limit: 1000 })).items.length;
    return {
      actions,
      failed,
      firstPageMs: await mean(20, () => list({ limit: 100 })),
      middlePageMs: await mean(20, () => list({ limit: 100, after: encodeCursor(guidOf(actions / 2)) })),
      failedPageMs: await mean(20, () => list({ limit: 100, state: 'failed' })),
      secondWavePageMs: await mean(20, () => list({ limit: 100, wave: 1 })),
      oneDeviceMs: await mean(20, () => list({ guid: guidOf(actions - 1) })),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
