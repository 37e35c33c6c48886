import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyMembershipDiff,
  diffMemberships,
  membershipEvents,
  SEGMENT_ENTERED,
  SEGMENT_EXITED,
} from '../../src/segments';

describe('membership diff', () => {
  const results = [
    { id: 'vip', member: true },
    { id: 'churn-risk', member: false },
    { id: 'tehran', member: true },
  ];

  it('lists segments entered and exited; segments not evaluated keep their membership', () => {
    const diff = diffMemberships(new Set(['churn-risk', 'tehran', 'other']), results);
    assert.deepEqual(diff, { entered: ['vip'], exited: ['churn-risk'] });
    assert.deepEqual([...applyMembershipDiff(['churn-risk', 'tehran', 'other'], diff)].sort(), [
      'other',
      'tehran',
      'vip',
    ]);
  });

  it('becomes Segment Exited / Segment Entered events, exits first', () => {
    assert.deepEqual(membershipEvents({ entered: ['vip'], exited: ['churn-risk'] }), [
      { event: SEGMENT_EXITED, properties: { segment_id: 'churn-risk' } },
      { event: SEGMENT_ENTERED, properties: { segment_id: 'vip' } },
    ]);
  });
});
