// Test helper: a tiny in-memory identity store that replays events through extract → resolve → apply, the way
// the engine does, so the specifications can be written as event sequences.
import assert from 'node:assert/strict';
import { DEFAULT_IDENTITY_CONFIG } from '../../src/identity/config';
import { extractIdentifiers } from '../../src/identity/extract';
import { resolveIdentity } from '../../src/identity/resolve';
import {
  USER_ID,
  type DroppedIdentifier,
  type Identifier,
  type IdentityConfig,
  type ProfileIdentities,
  type Resolution,
} from '../../src/identity/types';
import type { IncomingEvent } from '../../src/ingest/types';
import { applyEvent, mergeProfileStates, newProfileState } from '../../src/profile/apply';
import type { ProfileState } from '../../src/profile/types';

let seq = 0;

/** Builds a complete IncomingEvent from the fields a test cares about. */
export function makeEvent(partial: Partial<IncomingEvent> = {}): IncomingEvent {
  seq += 1;
  const timestamp = partial.timestamp ?? 1_700_000_000_000 + seq;
  return {
    messageId: `m-${seq}`,
    type: 'track',
    name: null,
    userId: null,
    anonymousId: null,
    previousId: null,
    groupId: null,
    traits: {},
    properties: {},
    context: {},
    integrations: {},
    timestamp,
    receivedAt: timestamp,
    sentAt: null,
    originalTimestamp: null,
    channel: 'web',
    touchpoint: null,
    json: '{}',
    ...partial,
  };
}

export interface StoredProfile {
  id: string;
  identifiers: Identifier[];
  state: ProfileState;
}

export interface IngestOutcome {
  profileId: string;
  resolution: Resolution;
  /** Identifiers refused at extraction (blocked, invalid) and at resolution. */
  dropped: DroppedIdentifier[];
}

const keyOf = (i: Identifier): string => `${i.type}\u0000${i.value}`;

/** Profiles and identifier ownership in memory; applies each Resolution exactly as the engine would. */
export class MemoryIdentityStore {
  readonly profiles = new Map<string, StoredProfile>();
  private readonly owner = new Map<string, string>();
  private nextId = 1;

  constructor(readonly config: IdentityConfig = DEFAULT_IDENTITY_CONFIG) {}

  /** Seeds a profile directly (for limit tests that need a big profile without thousands of events). */
  seed(identifiers: Identifier[], at = 0): string {
    const id = `p${this.nextId++}`;
    this.profiles.set(id, { id, identifiers: [], state: newProfileState(id, at) });
    for (const i of identifiers) this.attach(id, i);
    return id;
  }

  ingest(event: IncomingEvent): IngestOutcome {
    // Like the engine: an alias's previousId is a user_id when it is a known one.
    const previousIdType =
      event.type === 'alias' &&
      event.previousId !== null &&
      this.owner.has(keyOf({ type: USER_ID, value: event.previousId }))
        ? USER_ID
        : undefined;
    const extracted = extractIdentifiers(event, this.config, previousIdType ? { previousIdType } : {});
    const ownerIds = [
      ...new Set(extracted.identifiers.map((i) => this.owner.get(keyOf(i))).filter((p) => p !== undefined)),
    ];
    const owners: ProfileIdentities[] = ownerIds.map((profileId) => ({
      profileId,
      identifiers: [...(this.profiles.get(profileId)?.identifiers ?? [])],
    }));
    const resolution = resolveIdentity(extracted.identifiers, owners, this.config);

    let target: StoredProfile;
    if (resolution.profileId === null) {
      const id = `p${this.nextId++}`;
      target = { id, identifiers: [], state: newProfileState(id, event.timestamp) };
      this.profiles.set(id, target);
    } else {
      target = this.get(resolution.profileId);
    }
    for (const sourceId of resolution.merge) {
      assert.notEqual(sourceId, target.id, 'merge never contains the target');
      const source = this.get(sourceId);
      for (const i of source.identifiers) {
        target.identifiers.push(i);
        this.owner.set(keyOf(i), target.id);
      }
      target.state = mergeProfileStates(target.state, source.state);
      this.profiles.delete(sourceId);
    }
    for (const i of resolution.attach) this.attach(target.id, i);
    target.state = applyEvent(target.state, event);
    this.checkInvariants();
    return { profileId: target.id, resolution, dropped: [...extracted.dropped, ...resolution.dropped] };
  }

  /** The profile owning an identifier (already normalized), if any. */
  profileOf(type: string, value: string): StoredProfile | undefined {
    const id = this.owner.get(keyOf({ type, value }));
    return id === undefined ? undefined : this.profiles.get(id);
  }

  get(id: string): StoredProfile {
    const p = this.profiles.get(id);
    assert.ok(p, `profile ${id} exists`);
    return p;
  }

  private attach(profileId: string, i: Identifier): void {
    assert.equal(this.owner.has(keyOf(i)), false, `${i.type} ${i.value} is attached only once`);
    this.get(profileId).identifiers.push(i);
    this.owner.set(keyOf(i), profileId);
  }

  /** Every identifier has exactly one owner, and no profile exceeds a limit. */
  checkInvariants(): void {
    let total = 0;
    for (const p of this.profiles.values()) {
      total += p.identifiers.length;
      assert.ok(
        p.identifiers.length <= this.config.maxIdentitiesPerProfile,
        `${p.id} within maxIdentitiesPerProfile`,
      );
      for (const rule of this.config.rules) {
        const n = p.identifiers.filter((i) => i.type === rule.type).length;
        assert.ok(n <= rule.limit, `${p.id} holds ${n} ${rule.type} (limit ${rule.limit})`);
      }
      for (const i of p.identifiers) assert.equal(this.owner.get(keyOf(i)), p.id);
    }
    assert.equal(total, this.owner.size, 'no identifier is owned twice or orphaned');
  }
}
