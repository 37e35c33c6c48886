import type { IncomingEvent } from '../ingest/types';
import { normalizeIdentifier } from './normalize';
import { ANONYMOUS_ID, USER_ID, type DroppedIdentifier, type Identifier, type IdentityConfig } from './types';

/** Identifiers found in one event, normalized, deduplicated and sorted by rule priority, plus the refused ones. */
export interface ExtractedIdentifiers {
  identifiers: Identifier[];
  dropped: DroppedIdentifier[];
}

/** Options for {@link extractIdentifiers}. */
export interface ExtractOptions {
  /** Type of an alias event's previousId: the engine passes 'user_id' when previousId is a known user id. */
  previousIdType?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ownValue(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** A human-readable copy of a raw value for the dropped record (the raw value may be any JSON). */
function rawText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw);
  }
}

/** Collects every identifier an event carries (userId, anonymousId, alias previousId, configured traits, context.externalIds). */
export function extractIdentifiers(
  event: IncomingEvent,
  config: IdentityConfig,
  opts?: ExtractOptions,
): ExtractedIdentifiers {
  const priority = new Map<string, number>();
  for (const rule of config.rules) if (!priority.has(rule.type)) priority.set(rule.type, rule.priority);

  const candidates: { type: string; raw: unknown }[] = [];
  const add = (type: string, raw: unknown): void => {
    // Custom types are only recognised when configured; null/undefined simply means "not sent".
    if (!priority.has(type) || raw === null || raw === undefined) return;
    candidates.push({ type, raw });
  };

  add(USER_ID, event.userId);
  add(ANONYMOUS_ID, event.anonymousId);
  if (event.type === 'alias') add(opts?.previousIdType ?? ANONYMOUS_ID, event.previousId);

  const traitSources: Record<string, unknown>[] = [];
  if (isObject(event.traits)) traitSources.push(event.traits);
  const context: unknown = event.context;
  const contextTraits = isObject(context) ? ownValue(context, 'traits') : undefined;
  if (isObject(contextTraits)) traitSources.push(contextTraits);
  for (const rule of config.rules) {
    for (const name of rule.traits ?? []) {
      for (const source of traitSources) {
        const value = ownValue(source, name);
        // A list (e.g. several emails) gives several identifiers of the same type.
        if (Array.isArray(value)) for (const item of value) add(rule.type, item);
        else add(rule.type, value);
      }
    }
  }

  // Segment's format: context.externalIds = [{ id, type, collection, encoding }].
  const externalIds = isObject(context) ? ownValue(context, 'externalIds') : undefined;
  if (Array.isArray(externalIds)) {
    for (const ext of externalIds) {
      if (!isObject(ext)) continue;
      const type = ownValue(ext, 'type');
      if (typeof type !== 'string') continue;
      add(type.trim().toLowerCase(), ownValue(ext, 'id'));
    }
  }

  const identifiers: Identifier[] = [];
  const dropped: DroppedIdentifier[] = [];
  const seen = new Set<string>();
  const seenDropped = new Set<string>();
  for (const { type, raw } of candidates) {
    const result = normalizeIdentifier(type, raw, config);
    if (result.ok) {
      const key = `${result.identifier.type}\u0000${result.identifier.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      identifiers.push(result.identifier);
    } else {
      const value = rawText(raw);
      const key = `${type}\u0000${value}\u0000${result.reason}`;
      if (seenDropped.has(key)) continue;
      seenDropped.add(key);
      dropped.push({ identifier: { type, value }, reason: result.reason, detail: result.detail });
    }
  }

  // Array.prototype.sort is stable, so equal priorities keep the order above (userId before previousId).
  identifiers.sort((a, b) => (priority.get(a.type) ?? Infinity) - (priority.get(b.type) ?? Infinity));
  return { identifiers, dropped };
}
