import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_TARGET_DEPTH, targetPredicate } from '../../../src/lifecycle/campaigns/target.ts';
import type { DeviceRecord, DeviceState } from '../../../src/store/device-repository.ts';

const at = new Date(0);
function device(n: number, state: DeviceState, tags: string[], groups: string[], mudUrl?: string): DeviceRecord {
  const guid = new Uint8Array(16);
  guid[15] = n;
  return { guid, state, tags, groups, createdAt: at, updatedAt: at, ...(mudUrl === undefined ? {} : { mudUrl }) };
}

const fleet = [
  device(1, 'active', ['floor-1', 'lamp'], ['canary'], 'https://mud.example.com/lamp.json'),
  device(2, 'active', ['floor-2', 'lamp'], [], 'https://mud.example.com/lamp.json'),
  device(3, 'onboarded', ['floor-2'], ['canary', 'lab'], 'https://other.example.net/cam.json'),
  device(4, 'suspended', [], ['lab']),
];
const pick = (q: string) => fleet.filter(targetPredicate(q)).map((d) => d.guid[15]);

describe('campaign target queries (RSQL)', () => {
  test('comparisons on single fields and on tags and groups', () => {
    assert.deepEqual(pick('state==active'), [1, 2]);
    assert.deepEqual(pick('state!=active'), [3, 4]);
    assert.deepEqual(pick('tag==lamp'), [1, 2]);
    assert.deepEqual(pick('tag!=lamp'), [3, 4], 'has no such tag');
    assert.deepEqual(pick('group=in=(lab,nothing)'), [3, 4]);
    assert.deepEqual(pick('group=out=(canary)'), [2, 4]);
    assert.deepEqual(pick('guid==00000000-0000-0000-0000-000000000003'), [3]);
    assert.deepEqual(pick('mudUrl==https://mud.example.com/*'), [1, 2]);
    assert.deepEqual(pick('mudUrl==*'), [1, 2, 3], 'a device without the field never matches ==');
  });
  test('and, or and parentheses, canonical and verbose', () => {
    assert.deepEqual(pick('state==active;group==canary'), [1]);
    assert.deepEqual(pick('state==active and group==canary'), [1]);
    assert.deepEqual(pick('group==canary,tag==floor-2'), [1, 2, 3]);
    assert.deepEqual(pick('(state==active,state==onboarded);tag==floor-2'), [2, 3]);
    assert.deepEqual(pick('state==active;tag=="floor-1"'), [1], 'quoted values');
  });
  test('faults are ERR_CAMPAIGN_TARGET naming them', () => {
    const refused = (q: string, re: RegExp) =>
      assert.throws(
        () => targetPredicate(q),
        (e: { code?: string; message: string }) => e.code === 'ERR_CAMPAIGN_TARGET' && re.test(e.message),
        q,
      );
    refused('', /1 to/);
    refused('x'.repeat(3000), /1 to/);
    refused('model==lamp', /unknown field "model"/);
    refused('state=gt=active', /not supported/);
    refused('state==', /not a target query/);
    refused('state==(a,b)', /=in=/);
    refused(`${'('.repeat(MAX_TARGET_DEPTH + 1)}state==active${')'.repeat(MAX_TARGET_DEPTH + 1)}`, /nests/);
  });
});
