import { quoteIdentifierValue } from './normalize';
import type {
  DroppedIdentifier,
  Identifier,
  IdentifierRule,
  IdentityConfig,
  ProfileIdentities,
  Resolution,
} from './types';

const keyOf = (i: Identifier): string => `${i.type}\u0000${i.value}`;

function isIdentifier(v: unknown): v is Identifier {
  if (typeof v !== 'object' || v === null) return false;
  const { type, value } = v as { type?: unknown; value?: unknown };
  return typeof type === 'string' && typeof value === 'string';
}

/** What the event has decided so far: the profiles fused into one, and the identifiers that person would hold. */
interface Accumulator {
  profiles: string[];
  joined: Set<string>;
  keys: Set<string>;
  counts: Map<string, number>;
  total: number;
  /** Holds an identifier whose rule is not weak, i.e. the accumulator is already a known person. */
  strong: boolean;
}

/**
 * Decides which profile an event's identifiers land on, greedily in priority order: the highest-priority
 * identifier wins, and a lower-priority one that would break a limit or fuse two known people is dropped.
 */
export function resolveIdentity(
  identifiers: Identifier[],
  owners: ProfileIdentities[],
  config: IdentityConfig,
): Resolution {
  const rules = new Map<string, IdentifierRule>();
  for (const rule of config.rules) if (!rules.has(rule.type)) rules.set(rule.type, rule);
  // A type without a rule (e.g. a custom type removed from the config) still names a person: count it as strong.
  const isWeak = (type: string): boolean => rules.get(type)?.weak === true;
  const priorityOf = (type: string): number => rules.get(type)?.priority ?? Number.POSITIVE_INFINITY;

  // Index the owners. Sorted by id so that, should the caller ever pass an identifier claimed by two profiles,
  // the choice does not depend on the order the store happened to return rows in.
  const profileIdentifiers = new Map<string, Identifier[]>();
  const ownerOf = new Map<string, string>();
  const validOwners = owners.filter(
    (o): o is ProfileIdentities =>
      typeof o === 'object' && o !== null && typeof o.profileId === 'string' && Array.isArray(o.identifiers),
  );
  validOwners.sort((a, b) => (a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : 0));
  for (const owner of validOwners) {
    let list = profileIdentifiers.get(owner.profileId);
    if (!list) profileIdentifiers.set(owner.profileId, (list = []));
    const own = new Set(list.map(keyOf));
    for (const id of owner.identifiers) {
      if (!isIdentifier(id)) continue;
      const k = keyOf(id);
      if (own.has(k)) continue;
      own.add(k);
      list.push({ type: id.type, value: id.value });
      if (!ownerOf.has(k)) ownerOf.set(k, owner.profileId);
    }
  }

  const dropped: DroppedIdentifier[] = [];
  const attach: Identifier[] = [];

  // Deduplicate and sort defensively; sort is stable, so equal priorities keep the caller's order.
  const queue: Identifier[] = [];
  const queued = new Set<string>();
  for (const id of Array.isArray(identifiers) ? identifiers : []) {
    if (!isIdentifier(id)) continue;
    const k = keyOf(id);
    if (queued.has(k)) continue;
    queued.add(k);
    if (!rules.has(id.type)) {
      dropped.push({
        identifier: { type: id.type, value: id.value },
        reason: 'invalid',
        detail: `${id.type} is not a configured identifier type`,
      });
      continue;
    }
    queue.push({ type: id.type, value: id.value });
  }
  queue.sort((a, b) => priorityOf(a.type) - priorityOf(b.type));

  const acc: Accumulator = {
    profiles: [],
    joined: new Set(),
    keys: new Set(),
    counts: new Map(),
    total: 0,
    strong: false,
  };
  const take = (id: Identifier): void => {
    acc.keys.add(keyOf(id));
    acc.counts.set(id.type, (acc.counts.get(id.type) ?? 0) + 1);
    acc.total += 1;
    if (!isWeak(id.type)) acc.strong = true;
  };

  /** Why profile `q` may not join through `id`, or null when it may. */
  const refuseJoin = (id: Identifier, q: string): Omit<DroppedIdentifier, 'identifier'> | null => {
    const qIds = profileIdentifiers.get(q) ?? [];
    const contribution = qIds.filter((i) => !acc.keys.has(keyOf(i)));
    const label = `${id.type} ${quoteIdentifierValue(id.value)} belongs to profile ${q}`;

    // (d) A device identifier never fuses two known people (the shared store tablet).
    if (isWeak(id.type) && acc.strong && qIds.some((i) => !isWeak(i.type))) {
      return { reason: 'conflict', profileId: q, detail: `${label}, a different known person; not merged` };
    }

    // (a) Per-type limits. A profile already over a limit (the config was tightened) may still be landed on
    // alone, but nothing is added to an over-limit type.
    const qCounts = new Map<string, number>();
    for (const i of contribution) qCounts.set(i.type, (qCounts.get(i.type) ?? 0) + 1);
    const types = [...qCounts.keys()].sort(
      (a, b) => priorityOf(a) - priorityOf(b) || (a < b ? -1 : a > b ? 1 : 0),
    );
    for (const type of types) {
      const rule = rules.get(type);
      const accCount = acc.counts.get(type) ?? 0;
      const union = accCount + (qCounts.get(type) ?? 0);
      if (rule && accCount > 0 && union > rule.limit) {
        return {
          reason: 'conflict',
          profileId: q,
          detail: `${label}; merging would give the profile ${union} ${type} (limit ${rule.limit}); not merged`,
        };
      }
    }

    // (b) Total identifiers.
    const total = acc.total + contribution.length;
    if (acc.total > 0 && total > config.maxIdentitiesPerProfile) {
      return {
        reason: 'max_identities',
        profileId: q,
        detail: `${label}; merging would give the profile ${total} identifiers (max ${config.maxIdentitiesPerProfile}); not merged`,
      };
    }

    // (c) Profiles fused by one event.
    const fused = acc.profiles.length + 1;
    if (acc.profiles.length > 0 && fused > config.maxProfilesPerMerge) {
      return {
        reason: 'max_profiles',
        profileId: q,
        detail: `${label}; merging would fuse ${fused} profiles in one event (max ${config.maxProfilesPerMerge}); not merged`,
      };
    }
    return null;
  };

  for (const id of queue) {
    const owner = ownerOf.get(keyOf(id));
    if (owner !== undefined) {
      if (acc.joined.has(owner)) continue;
      const refusal = refuseJoin(id, owner);
      if (refusal) {
        // Dropped, but keep going: lower-priority identifiers may still be free and attachable.
        dropped.push({ identifier: id, ...refusal });
        continue;
      }
      acc.profiles.push(owner);
      acc.joined.add(owner);
      for (const i of profileIdentifiers.get(owner) ?? []) if (!acc.keys.has(keyOf(i))) take(i);
      continue;
    }

    if (acc.keys.has(keyOf(id))) continue;
    const rule = rules.get(id.type);
    const count = acc.counts.get(id.type) ?? 0;
    const target = acc.profiles[0];
    const label = `${id.type} ${quoteIdentifierValue(id.value)} not attached`;
    if (rule && count >= rule.limit) {
      dropped.push({
        identifier: id,
        reason: 'limit',
        ...(target !== undefined ? { profileId: target } : {}),
        detail: `${label}: profile already holds ${count} ${id.type} (limit ${rule.limit})`,
      });
      continue;
    }
    if (acc.total >= config.maxIdentitiesPerProfile) {
      dropped.push({
        identifier: id,
        reason: 'max_identities',
        ...(target !== undefined ? { profileId: target } : {}),
        detail: `${label}: profile already holds ${acc.total} identifiers (max ${config.maxIdentitiesPerProfile})`,
      });
      continue;
    }
    take(id);
    attach.push(id);
  }

  return { profileId: acc.profiles[0] ?? null, merge: acc.profiles.slice(1), attach, dropped };
}
