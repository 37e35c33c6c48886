import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSegments, validateDefinitions, validateRule, type RuleError } from '../../src/segments';

/** The errors of definitions that must be rejected. */
function errors(input: unknown): RuleError[] {
  const r = validateDefinitions(input);
  assert.equal(r.ok, false, 'rejected');
  return r.ok ? [] : r.error;
}

const seg = (id: string, rule: unknown) => ({ id, rule });

describe('rule validation', () => {
  it('names the node of an unknown operator by path and id', () => {
    const [e, ...rest] = errors({
      segments: [
        seg('vip', {
          and: [
            { condition: { type: 'trait', trait: 'city', op: 'equals', value: 'تهران' } },
            { not: { id: 'n7', condition: { type: 'trait', trait: 'age', op: 'gtx', value: 3 } } },
          ],
        }),
      ],
    });
    assert.equal(rest.length, 0);
    assert.equal(e!.code, 'unknown_operator');
    assert.equal(e!.field, 'rule.and[1].not.condition.op');
    assert.equal(e!.nodeId, 'n7');
    assert.deepEqual(e!.owner, { kind: 'segment', id: 'vip' });
    assert.match(
      e!.message,
      /^segment "vip": rule\.and\[1\]\.not\.condition \(node "n7"\): unknown operator "gtx"/,
    );
  });

  it('rejects a value of the wrong type for the operator', () => {
    const [e] = errors({
      segments: [seg('s', { condition: { type: 'trait', trait: 'age', op: 'gt', value: 'سی' } })],
    });
    assert.equal(e!.code, 'invalid_value');
    assert.equal(e!.field, 'rule.condition.value');
    assert.match(e!.message, /rule\.condition: "gt" needs a number value \(got "سی"\)/);
    const [f] = errors({
      segments: [seg('s', { condition: { type: 'trait', trait: 'd', op: 'before', value: 'yesterday' } })],
    });
    assert.match(f!.message, /"before" value must be a date/);
    const [g] = errors({
      segments: [seg('s', { condition: { type: 'trait', trait: 'x', op: 'exists', value: 1 } })],
    });
    assert.match(g!.message, /"exists" takes no value/);
  });

  it('rejects an unknown unit', () => {
    const [e] = errors({
      segments: [
        seg('s', {
          condition: { type: 'performed', event: { name: 'x' }, window: { last: 2, unit: 'fortnights' } },
        }),
      ],
    });
    assert.equal(e!.code, 'unknown_unit');
    assert.equal(e!.field, 'rule.condition.window.unit');
    assert.match(e!.message, /unknown unit "fortnights" \(use minutes, hours, days, weeks, months, years\)/);
  });

  it('rejects a cycle of segments, naming the segment and the node that closes it', () => {
    const es = errors({
      segments: [
        seg('a', {
          and: [
            { condition: { type: 'trait', trait: 'x', op: 'exists' } },
            { id: 'ref-b', condition: { type: 'segment', segment: 'b' } },
          ],
        }),
        seg('b', { or: [{ id: 'ref-a', condition: { type: 'segment', segment: 'a' } }] }),
      ],
    });
    assert.equal(es.length, 1);
    const e = es[0]!;
    assert.equal(e.code, 'segment_cycle');
    assert.deepEqual(e.owner, { kind: 'segment', id: 'b' });
    assert.equal(e.nodeId, 'ref-a');
    assert.equal(e.field, 'rule.or[0].condition');
    assert.match(
      e.message,
      /^segment "b": rule\.or\[0\]\.condition \(node "ref-a"\): refers to segment "a", which leads back here \(cycle: segment "a" → segment "b" → segment "a"\)/,
    );
  });

  it('rejects a segment referring to itself and cycles through score models', () => {
    assert.match(
      errors({ segments: [seg('a', { condition: { type: 'segment', segment: 'a' } })] })[0]!.message,
      /cycle: segment "a" → segment "a"/,
    );
    const [e] = errors({
      segments: [seg('hot', { condition: { type: 'score', model: 'm', op: 'gte', value: 10 } })],
      scoreModels: [
        { id: 'm', rules: [{ points: 5, when: { condition: { type: 'segment', segment: 'hot' } } }] },
      ],
    });
    assert.equal(e!.code, 'segment_cycle');
    assert.match(
      e!.message,
      /segment "hot" → score model "m" → segment "hot"|score model "m" → segment "hot" → score model "m"/,
    );
  });

  it('rejects unknown references, fields and condition types', () => {
    const es = errors({
      segments: [
        seg('s', {
          and: [
            { condition: { type: 'segment', segment: 'nope' } },
            { condition: { type: 'computed', trait: 'missing', op: 'gt', value: 1 } },
            { condition: { type: 'trait', trait: 'city', op: 'equals', vlaue: 'تهران' } },
            { condition: { type: 'smell', value: 1 } },
          ],
        }),
      ],
    });
    assert.deepEqual(
      es.map((e) => [e.code, e.field]),
      [
        ['unknown_reference', 'rule.and[0].condition.segment'],
        ['unknown_reference', 'rule.and[1].condition.trait'],
        ['invalid_value', 'rule.and[2].condition.value'],
        ['unknown_field', 'rule.and[2].condition.vlaue'],
        ['unknown_condition', 'rule.and[3].condition.type'],
      ],
    );
  });

  it('allows external segments (static lists) when declared', () => {
    assert.equal(
      validateDefinitions({
        segments: [seg('s', { condition: { type: 'segment', segment: 'list-1' } })],
        externalSegments: ['list-1'],
      }).ok,
      true,
    );
  });

  it('keeps relative dates out of event property filters and type-checks computed trait conditions', () => {
    const es = errors({
      segments: [
        seg('s', {
          and: [
            {
              condition: {
                type: 'performed',
                event: { name: 'x', where: [{ property: 'd', op: 'within_next_days', value: 3 }] },
              },
            },
            { condition: { type: 'computed', trait: 'spend', op: 'before', value: '2026-01-01' } },
            { condition: { type: 'computed', trait: 'rfm', op: 'gte', value: 3 } },
          ],
        }),
      ],
      computedTraits: [
        { id: 'spend', type: 'sum', event: { name: 'خرید' }, property: 'amount' },
        {
          id: 'rfm',
          type: 'rfm',
          event: { name: 'خرید' },
          property: 'amount',
          recencyDays: [1, 2, 3, 4],
          frequency: [1, 2, 3, 4],
          monetary: [4, 3, 2, 1],
        },
      ],
    });
    assert.deepEqual(
      es.map((e) => e.code),
      ['invalid_value', 'invalid_operator', 'invalid_operator', 'invalid_value'],
    );
    assert.match(es[0]!.message, /computed trait "rfm": monetary must be 4 ascending/);
    assert.match(es[1]!.message, /operator "within_next_days" cannot be used on event properties/);
    assert.match(es[3]!.message, /component must be recency, frequency or monetary/);
  });

  it('rejects malformed trees, duplicate ids and out-of-range numbers', () => {
    const es = errors({
      segments: [
        seg('s', { and: [] }),
        seg('s', { condition: { type: 'trait', trait: 'x', op: 'exists' } }),
        seg('t', {
          condition: { type: 'performed', event: { name: 'x' }, count: { op: 'at_least', value: 5000 } },
        }),
        seg('u', { condition: { type: 'bucket', from: 60, to: 40 } }),
        seg('v', { and: [{ condition: { type: 'trait', trait: 'x', op: 'exists' } }], or: [] }),
      ],
    });
    assert.deepEqual(
      es.map((e) => e.code),
      ['duplicate_id', 'invalid_rule', 'invalid_value', 'invalid_value', 'invalid_rule'],
    );
  });

  it('compileSegments returns the same errors; validateRule checks one rule for a preview', () => {
    const r = compileSegments({
      segments: [seg('s', { condition: { type: 'trait', trait: 'x', op: 'gtx' } })],
    });
    assert.equal(r.ok, false);
    const ok = validateRule(
      { condition: { type: 'computed', trait: 'n', op: 'gt', value: 2 } },
      { computedTraits: [{ id: 'n', type: 'count', event: { name: 'x' } }] },
    );
    assert.equal(ok.ok, true);
    const bad = validateRule({
      not: { condition: { type: 'trait', trait: 'x', op: 'between', value: [5, 1] } },
    });
    assert.equal(bad.ok, false);
    if (!bad.ok)
      assert.match(bad.error[0]!.message, /^rule\.not\.condition: "between" needs a value \[min, max\]/);
  });
});
