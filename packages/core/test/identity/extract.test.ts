import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_IDENTITY_CONFIG } from '../../src/identity/config';
import { extractIdentifiers } from '../../src/identity/extract';
import type { IdentityConfig } from '../../src/identity/types';
import { makeEvent } from './replay';

const config = DEFAULT_IDENTITY_CONFIG;

describe('extractIdentifiers', () => {
  it('takes userId and anonymousId from the message', () => {
    const { identifiers, dropped } = extractIdentifiers(
      makeEvent({ userId: 'u-1', anonymousId: 'a-1' }),
      config,
    );
    assert.deepEqual(identifiers, [
      { type: 'user_id', value: 'u-1' },
      { type: 'anonymous_id', value: 'a-1' },
    ]);
    assert.deepEqual(dropped, []);
  });

  it("reads an alias's previousId as an anonymous_id unless told it is a known user_id", () => {
    const alias = makeEvent({ type: 'alias', userId: 'u-2', previousId: 'prev' });
    assert.deepEqual(extractIdentifiers(alias, config).identifiers, [
      { type: 'user_id', value: 'u-2' },
      { type: 'anonymous_id', value: 'prev' },
    ]);
    assert.deepEqual(extractIdentifiers(alias, config, { previousIdType: 'user_id' }).identifiers, [
      { type: 'user_id', value: 'u-2' },
      { type: 'user_id', value: 'prev' },
    ]);
  });

  it('ignores previousId on other message types', () => {
    const track = makeEvent({ type: 'track', anonymousId: 'a', previousId: 'prev' });
    assert.deepEqual(extractIdentifiers(track, config).identifiers, [{ type: 'anonymous_id', value: 'a' }]);
  });

  it('finds configured traits in traits and context.traits, sorted by rule priority', () => {
    const event = makeEvent({
      type: 'identify',
      anonymousId: 'a-1',
      traits: { phone: '0912 123 4567', email: 'Sara@Example.com', name: 'Sara' },
      context: { traits: { mobile: '+971 50 123 4567', email: 'sara@example.com' } },
    });
    assert.deepEqual(extractIdentifiers(event, config).identifiers, [
      { type: 'email', value: 'sara@example.com' },
      { type: 'phone', value: '+989121234567' },
      { type: 'phone', value: '+971501234567' },
      { type: 'anonymous_id', value: 'a-1' },
    ]);
  });

  it('gives several identifiers for an array of values', () => {
    const event = makeEvent({
      type: 'identify',
      userId: 'u',
      traits: { email: ['a@x.com', 'B@x.com', 'a@x.com'] },
    });
    assert.deepEqual(extractIdentifiers(event, config).identifiers, [
      { type: 'user_id', value: 'u' },
      { type: 'email', value: 'a@x.com' },
      { type: 'email', value: 'b@x.com' },
    ]);
  });

  it("adds context.externalIds whose type names a configured rule (Segment's format)", () => {
    const withCard: IdentityConfig = {
      ...config,
      rules: [
        ...config.rules,
        { type: 'loyalty_card', priority: 4, limit: 2, traits: ['loyaltyCard', 'loyalty_card'] },
      ],
    };
    const event = makeEvent({
      userId: 'u',
      context: {
        externalIds: [
          { id: '۱۲۳۴۵', type: 'Loyalty_Card', collection: 'users', encoding: 'none' },
          { id: 'x@y.com', type: 'email', collection: 'users', encoding: 'none' },
          { id: 'ga-1', type: 'ga_client_id', collection: 'users', encoding: 'none' },
          'garbage',
        ],
      },
      traits: { loyaltyCard: 777 },
    });
    assert.deepEqual(extractIdentifiers(event, withCard).identifiers, [
      { type: 'user_id', value: 'u' },
      { type: 'email', value: 'x@y.com' },
      { type: 'loyalty_card', value: '777' },
      { type: 'loyalty_card', value: '12345' },
    ]);
    // Without the rule, the custom type is not recognised at all.
    assert.deepEqual(extractIdentifiers(event, config).identifiers, [
      { type: 'user_id', value: 'u' },
      { type: 'email', value: 'x@y.com' },
    ]);
  });

  it('drops blocked and invalid values with a reason and a detail, and never returns them as identifiers', () => {
    const event = makeEvent({
      type: 'identify',
      userId: 'null',
      anonymousId: '00000000-0000-0000-0000-000000000000',
      traits: { email: 'null', phone: 'call me', mobile: { home: '1' } },
      context: { traits: { email: 'anonymous' } },
    });
    const { identifiers, dropped } = extractIdentifiers(event, config);
    assert.deepEqual(identifiers, []);
    assert.deepEqual(
      dropped.map((d) => [d.identifier.type, d.identifier.value, d.reason]),
      [
        ['user_id', 'null', 'blocked'],
        ['anonymous_id', '00000000-0000-0000-0000-000000000000', 'blocked'],
        ['email', 'null', 'blocked'],
        ['email', 'anonymous', 'blocked'],
        ['phone', 'call me', 'invalid'],
        ['phone', '{"home":"1"}', 'invalid'],
      ],
    );
    assert.equal(dropped[2]?.detail, 'email "null" is on the blocklist');
  });

  it('treats a null trait as "not sent" rather than a bad identifier', () => {
    const event = makeEvent({ type: 'identify', userId: 'u', traits: { email: null, phone: undefined } });
    assert.deepEqual(extractIdentifiers(event, config), {
      identifiers: [{ type: 'user_id', value: 'u' }],
      dropped: [],
    });
  });

  it('does not read inherited properties as traits', () => {
    const withProto: IdentityConfig = {
      ...config,
      rules: [...config.rules, { type: 'ctor', priority: 5, limit: 1, traits: ['constructor', 'toString'] }],
    };
    const event = makeEvent({ userId: 'u' });
    assert.deepEqual(extractIdentifiers(event, withProto).identifiers, [{ type: 'user_id', value: 'u' }]);
  });
});
