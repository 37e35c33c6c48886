import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRecord, KeyKind, Store } from '@omnicx/store';
import type { Role } from '@omnicx/core';
import type { Clock } from './ports';
import { newId } from './ids';

const PREFIX: Record<KeyKind, string> = { write: 'ocx_wk_', secret: 'ocx_sk_' };

/** SHA-256 of a key: keys are 256-bit random strings, so a fast hash cannot be brute-forced. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Generates a new key of the given kind: a recognisable prefix plus 32 random bytes (base64url). */
export function generateKey(kind: KeyKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

/** A key as returned once at creation: the only time the plaintext exists outside the client. */
export interface CreatedKey extends ApiKeyRecord {
  key: string;
}

/**
 * Who a request authenticated as: an API key (`kind` write or secret; a secret key acts as `admin`) or a
 * signed-in console user (`kind` user, with `userId` and the user's role).
 */
export interface Principal {
  workspaceId: string;
  kind: KeyKind | 'user';
  /** The key's id (key principals only). */
  keyId?: string;
  /** The user's id (user principals only). */
  userId?: string;
  /** The role the request acts with; null for write keys, which may only send events. */
  role: Role | null;
  /** The key's name or the user's email, for audit entries; never a secret. */
  label: string;
}

// Authentication results are cached briefly: ingest authenticates every request and must not hit the
// database each time. A revocation made in this process clears the cache at once; one made by another
// process (the CLI) takes effect within CACHE_MS.
const CACHE_MS = 5000;

/** Creates, lists, revokes and authenticates API keys. */
export class KeyService {
  #cache = new Map<string, { principal: Principal | null; at: number }>();
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Creates a key; `plaintext` lets an operator supply one (e.g. from OMNICX_WRITE_KEY). */
  async create(workspaceId: string, kind: KeyKind, name: string, plaintext?: string): Promise<CreatedKey> {
    const key = plaintext ?? generateKey(kind);
    if (key.length < 16) throw new Error('an API key must be at least 16 characters long');
    const rec: ApiKeyRecord = {
      workspaceId,
      id: newId('key'),
      kind,
      name,
      prefix: key.slice(0, Math.min(12, Math.floor(key.length / 3))),
      createdAt: this.clock.now(),
      revokedAt: null,
    };
    await this.store.keys.insert({ ...rec, hash: hashKey(key) });
    return { ...rec, key };
  }

  /** A workspace's keys (no secrets: only prefixes). */
  list(workspaceId: string): Promise<ApiKeyRecord[]> {
    return this.store.keys.list(workspaceId);
  }

  /** Revokes a key; false if it does not exist or was already revoked. */
  async revoke(workspaceId: string, id: string): Promise<boolean> {
    const done = await this.store.keys.revoke(workspaceId, id, this.clock.now());
    this.#cache.clear();
    return done;
  }

  /** True when a key with this plaintext is stored (active or not). */
  async exists(key: string): Promise<boolean> {
    return (await this.store.keys.findByHash(hashKey(key))) !== undefined;
  }

  /** The principal for a presented key, or null for an unknown or revoked key. */
  async authenticate(key: string): Promise<Principal | null> {
    const hash = hashKey(key);
    const now = this.clock.now();
    const hit = this.#cache.get(hash);
    if (hit && now - hit.at < CACHE_MS) return hit.principal;
    const rec = await this.store.keys.findByHash(hash);
    // The lookup is by hash through a unique index: no plaintext comparison that could leak timing.
    const principal: Principal | null =
      rec && rec.revokedAt === null
        ? {
            workspaceId: rec.workspaceId,
            kind: rec.kind,
            keyId: rec.id,
            role: rec.kind === 'secret' ? 'admin' : null,
            label: rec.name,
          }
        : null;
    if (this.#cache.size > 10000) this.#cache.clear();
    this.#cache.set(hash, { principal, at: now });
    return principal;
  }
}
