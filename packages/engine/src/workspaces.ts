import {
  DEFAULT_IDENTITY_CONFIG,
  validateIdentityConfig,
  type IdentityConfig,
  type Result,
} from '@omnicx/core';
import type { Store, WorkspaceRecord } from '@omnicx/store';
import type { Clock } from './ports';
import type { CreatedKey, KeyService } from './keys';
import { newId } from './ids';

/** What the first start created, to print once. */
export interface BootstrapResult {
  workspace: WorkspaceRecord;
  created: boolean;
  /** Keys generated (plaintext shown once) or taken from the environment (plaintext omitted). */
  keys: { kind: 'write' | 'secret'; key?: string; id: string; fromEnv: boolean }[];
}

/** Workspaces and their settings. */
export class WorkspaceService {
  #identity = new Map<string, IdentityConfig>();
  constructor(
    private readonly store: Store,
    private readonly keys: KeyService,
    private readonly clock: Clock,
  ) {}

  /**
   * On an empty store, creates the default workspace with a write key and a secret key: the given ones
   * (OMNICX_WRITE_KEY / OMNICX_SECRET_KEY) or new random ones. On later starts, keys given in the
   * environment that are not stored yet are added to the default workspace, so rotating by env works.
   */
  async bootstrap(env: {
    writeKey?: string | undefined;
    secretKey?: string | undefined;
    name?: string;
  }): Promise<BootstrapResult> {
    const existing = await this.store.workspaces.list();
    let workspace = existing[0];
    const created = !workspace;
    if (!workspace) {
      workspace = { id: newId('ws'), name: env.name ?? 'Default', settings: {}, createdAt: this.clock.now() };
      await this.store.workspaces.create(workspace);
    }
    const out: BootstrapResult['keys'] = [];
    for (const [kind, given] of [
      ['write', env.writeKey],
      ['secret', env.secretKey],
    ] as const) {
      if (given) {
        if (!(await this.keys.exists(given))) {
          const k = await this.keys.create(workspace.id, kind, `${kind} key (from environment)`, given);
          out.push({ kind, id: k.id, fromEnv: true });
        }
      } else if (created) {
        const k: CreatedKey = await this.keys.create(workspace.id, kind, `default ${kind} key`);
        out.push({ kind, id: k.id, key: k.key, fromEnv: false });
      }
    }
    return { workspace, created, keys: out };
  }

  /** A workspace, or undefined. */
  get(id: string): Promise<WorkspaceRecord | undefined> {
    return this.store.workspaces.get(id);
  }

  /** All workspaces. */
  list(): Promise<WorkspaceRecord[]> {
    return this.store.workspaces.list();
  }

  /** Creates a workspace (a brand). */
  async create(name: string): Promise<WorkspaceRecord> {
    const w = { id: newId('ws'), name, settings: {}, createdAt: this.clock.now() };
    await this.store.workspaces.create(w);
    return w;
  }

  /**
   * The workspace's identity resolution rules (defaults when none are configured). Inside a transaction pass
   * its repositories as `reader`: on SQLite the store has one connection, and a read outside the transaction
   * would wait for it to end.
   */
  async identityConfig(
    workspaceId: string,
    reader: Pick<Store, 'workspaces'> = this.store,
  ): Promise<IdentityConfig> {
    const hit = this.#identity.get(workspaceId);
    if (hit) return hit;
    const w = await reader.workspaces.get(workspaceId);
    const raw = w?.settings.identity;
    let config = DEFAULT_IDENTITY_CONFIG;
    if (raw !== undefined) {
      const r = validateIdentityConfig(raw);
      // A stored configuration was valid when saved; if a later version rejects it, keep working on defaults.
      if (r.ok) config = r.value;
    }
    this.#identity.set(workspaceId, config);
    return config;
  }

  /** Validates and saves identity rules; they apply to events processed from now on. */
  async setIdentityConfig(workspaceId: string, input: unknown): Promise<Result<IdentityConfig>> {
    const r = validateIdentityConfig(input);
    if (!r.ok) return r;
    const w = await this.store.workspaces.get(workspaceId);
    if (!w)
      return { ok: false, error: { code: 'not_found', message: `workspace ${workspaceId} does not exist` } };
    await this.store.workspaces.updateSettings(workspaceId, { ...w.settings, identity: r.value });
    this.#identity.set(workspaceId, r.value);
    return r;
  }
}
