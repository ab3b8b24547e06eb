/**
 * The intent manager of a worker that is not the lead (ADR 0032): its changing calls run in the
 * lead (carried by `forward`), their answers and errors come back as if run here; reads stay here;
 * without a lead the call runs here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IntentError } from '../../../src/intent/errors.ts';
import type { IntentManager } from '../../../src/intent/manager/types.ts';
import { type IntentForward, relayedManager, runForwarded } from '../../../src/server/platform/roles/intent-relay.ts';

function fakeManager(where: string, events: string[]): IntentManager {
  const call =
    (name: string) =>
    async (...args: unknown[]) => {
      events.push(`${where}:${name}`);
      if (args[0] === 'unknown') throw new IntentError('ERR_INTENT_DEVICE_UNKNOWN', 'mac', 'no device unknown');
      return { name, args } as never;
    };
  return {
    observe: call('observe'),
    refresh: call('refresh'),
    remove: call('remove'),
    decommission: call('decommission'),
    reportViolations: call('reportViolations'),
    recordFlows: call('recordFlows'),
    quarantine: call('quarantine'),
    release: call('release'),
    tick: call('tick'),
    learnNames: call('learnNames'),
    policies: call('policies'),
    reconcile: call('reconcile'),
    close: call('close'),
  };
}

/** Two processes in one: the lead's manager behind a forward that clones as IPC would. */
function pair(events: string[], leadAlive = true) {
  const lead = fakeManager('lead', events);
  const forward: IntentForward = async (name, args) =>
    leadAlive ? structuredClone(await runForwarded(lead, name, structuredClone(args))) : undefined;
  return relayedManager(fakeManager('worker', events), forward);
}

test('changing calls run in the lead and answer what the lead answered', async () => {
  const events: string[] = [];
  const m = pair(events);
  assert.deepEqual(await m.release('aa:bb:cc:dd:ee:ff', 'admin', 'done'), {
    name: 'release',
    args: ['aa:bb:cc:dd:ee:ff', 'admin', 'done'],
  });
  await m.observe({ source: 'api', mudUrl: 'https://example.com/x.json', ipv4: '192.0.2.1' });
  await m.quarantine('aa:bb:cc:dd:ee:ff', 'admin', 'r');
  assert.deepEqual(events, ['lead:release', 'lead:observe', 'lead:quarantine']);
});

test("the lead's IntentError comes back an IntentError with its code and field", async () => {
  const m = pair([]);
  await assert.rejects(m.remove('unknown'), (e: unknown) => {
    assert.ok(e instanceof IntentError);
    assert.equal(e.code, 'ERR_INTENT_DEVICE_UNKNOWN');
    assert.equal(e.where, 'mac');
    return true;
  });
});

test('reads, ticks and close stay in this process', async () => {
  const events: string[] = [];
  const m = pair(events);
  await m.policies();
  await m.tick();
  await m.close();
  assert.deepEqual(events, ['worker:policies', 'worker:tick', 'worker:close']);
});

test('without a lead, the call runs here (stored as due by a manager that holds no lease)', async () => {
  const events: string[] = [];
  await pair(events, false).refresh('aa:bb:cc:dd:ee:ff');
  assert.deepEqual(events, ['worker:refresh']);
});
