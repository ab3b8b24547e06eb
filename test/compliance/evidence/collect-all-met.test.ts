/**
 * A product whose evidence is complete in a real store meets every rule; taking one piece of
 * evidence out of the store flips only the rule that reads it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { collectEvidenceFacts } from '../../../src/compliance/evidence/collect-facts.ts';
import { evaluateRules } from '../../../src/compliance/evidence/evaluate-rules.ts';
import type { EvidenceDeps } from '../../../src/compliance/evidence/evidence-ports.ts';
import type { EvidenceRuleId } from '../../../src/compliance/evidence/rule-ids.ts';
import { guidFromText } from '../../../src/fdo/types/guid.ts';
import { unpublishMudFile } from '../../../src/intent/mud-publication.ts';
import type { IntentDeviceInput } from '../../../src/store/intent-device-repository.ts';
import { MODEL, MUD_URL, makeWorld, publishRelease, publishSignedMud, type World } from './store-world.ts';

const NOW = new Date('2030-06-01T00:00:00Z');
let w: World;
let deps: EvidenceDeps;
let devices: string[];

const intentRecord = (i: number, guid: string, signed: boolean): IntentDeviceInput => ({
  mac: `02:00:00:00:01:0${i}`,
  guid,
  mudUrl: MUD_URL,
  urlSource: 'fdo',
  mud: { json: '{}', digest: 'cd', signed, ...(signed ? { signer: 'CN=mud.example.com' } : {}) },
  names: [],
  state: 'enforced',
  ruleCount: 2,
});

const failing = async (): Promise<EvidenceRuleId[]> =>
  [...evaluateRules(await collectEvidenceFacts(deps, MODEL, NOW)).values()].filter((r) => r.outcome !== 'met').map((r) => r.rule);

before(async () => {
  w = await makeWorld(() => new Date(NOW.getTime()));
  devices = [await w.makeDevice(MODEL), await w.makeDevice(MODEL)];
  for (const [i, g] of devices.entries()) {
    await w.store.devices.markOnboarded(guidFromText(g), guidFromText(g), { mudUrl: MUD_URL });
    await w.store.devices.upsert({ guid: guidFromText(g), state: 'active' });
    await w.store.intentDevices.put(intentRecord(i, g, true));
  }
  await publishSignedMud(w.store, MUD_URL, NOW);
  const ids = [await publishRelease(w, MODEL, '1.0.0', 1), await publishRelease(w, MODEL, '1.1.0', 2)];
  await w.store.campaigns.create({
    id: 'c-all',
    name: 'roll out 1.1.0',
    releaseId: ids[1] as string,
    targetGuids: devices,
    waves: [{ percent: 100 }],
    actionType: 'forced',
    confirm: false,
    errorThreshold: 50,
    timeoutSeconds: 3600,
    retries: { attempts: 0, backoffSeconds: 60 },
  });
  await w.store.campaigns.addActions(
    'c-all',
    devices.map((g, i) => ({ id: `x${i}`, guid: g, wave: 0 })),
  );
  for (const i of devices.keys())
    await w.store.campaigns.updateAction(`x${i}`, ['scheduled'], {
      state: 'succeeded',
      report: new Uint8Array([0xa0]),
      reportVerified: true,
    });
  const base = w.deps();
  deps = {
    ...base,
    products: {
      ...base.products,
      currentRelease: async (model) => ({ model, version: '1.1.0', origin: 'lifecycle', releaseId: ids[1] as string }),
      sbomPresent: async (_model, version) => version === '1.1.0',
    },
    probes: {
      latest: async () => ({
        address: '192.0.2.20',
        mudUrl: MUD_URL,
        protocol: 'tcp',
        ports: { from: 1, to: 65535 },
        open: [],
        allowed: [],
        unexpected: [],
        startedAt: '2030-05-31T00:00:00Z',
        finishedAt: '2030-05-31T00:00:30Z',
      }),
    },
  };
});
after(() => w.close());

test('complete evidence in the store meets every rule', async () => {
  assert.deepEqual(await failing(), []);
});

test('a device whose install failed flips updates-delivered only', async () => {
  await w.store.campaigns.updateAction('x1', ['succeeded'], { state: 'failed', reason: 'test' });
  try {
    assert.deepEqual(await failing(), ['updates-delivered']);
  } finally {
    await w.store.campaigns.updateAction('x1', ['failed'], { state: 'succeeded', report: new Uint8Array([0xa0]), reportVerified: true });
  }
  assert.deepEqual(await failing(), []);
});

test('the MUD file unpublished, and held unsigned by the MUD manager, flips mud-signed-published only', async () => {
  assert.equal(await unpublishMudFile(w.store, 'thermo-1.json', 'test'), true);
  for (const [i, g] of devices.entries()) await w.store.intentDevices.put(intentRecord(i, g, false));
  assert.deepEqual(await failing(), ['mud-signed-published']);
});
