import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, Database, InvitationsTable, SessionsTable, UsersTable } from '../schema';

/** A console user. The password hash is included: the engine never lets it leave the server. */
export interface UserRecord {
  workspaceId: string;
  id: string;
  email: string;
  name: string;
  role: string;
  locale: string;
  passwordHash: string;
  disabledAt: number | null;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
}

/** A signed-in session (the token itself is never stored, only its hash). */
export interface SessionRecord {
  workspaceId: string;
  id: string;
  userId: string;
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  userAgent: string | null;
  ip: string | null;
}

/** An invitation to join a workspace with a role. */
export interface InvitationRecord {
  workspaceId: string;
  id: string;
  email: string;
  role: string;
  tokenHash: string;
  invitedBy: string | null;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
}

/** One audit log entry. */
export interface AuditRecord {
  workspaceId: string;
  id: string;
  at: number;
  actorType: 'user' | 'key' | 'system';
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  method: string | null;
  route: string | null;
  resourceId: string | null;
  status: number | null;
  ip: string | null;
  summary: unknown;
}

/** Filters of the audit list; `actor` matches the actor's id or label (email, key name). */
export interface AuditFilter {
  actor?: string;
  /** An exact action (`segments.create`), or an area (`segments`) matching every `segments.*` action. */
  action?: string;
  since?: number;
}

const toUser = (r: Selectable<UsersTable>): UserRecord => ({
  workspaceId: r.workspace_id,
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  locale: r.locale,
  passwordHash: r.password_hash,
  disabledAt: r.disabled_at === null ? null : Number(r.disabled_at),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  lastLoginAt: r.last_login_at === null ? null : Number(r.last_login_at),
});

const toSession = (r: Selectable<SessionsTable>): SessionRecord => ({
  workspaceId: r.workspace_id,
  id: r.id,
  userId: r.user_id,
  tokenHash: r.token_hash,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  lastSeenAt: Number(r.last_seen_at),
  userAgent: r.user_agent,
  ip: r.ip,
});

const toInvitation = (r: Selectable<InvitationsTable>): InvitationRecord => ({
  workspaceId: r.workspace_id,
  id: r.id,
  email: r.email,
  role: r.role,
  tokenHash: r.token_hash,
  invitedBy: r.invited_by,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  acceptedAt: r.accepted_at === null ? null : Number(r.accepted_at),
});

const toAudit = (r: Selectable<AuditLogTable>): AuditRecord => ({
  workspaceId: r.workspace_id,
  id: r.id,
  at: Number(r.at),
  actorType: r.actor_type,
  actorId: r.actor_id,
  actorLabel: r.actor_label,
  action: r.action,
  method: r.method,
  route: r.route,
  resourceId: r.resource_id,
  status: r.status === null ? null : Number(r.status),
  ip: r.ip,
  summary: r.summary === null ? null : (JSON.parse(r.summary) as unknown),
});

/** Console users. */
export function usersRepo(db: Kysely<Database>) {
  return {
    async insert(u: UserRecord): Promise<void> {
      await db
        .insertInto('users')
        .values({
          workspace_id: u.workspaceId,
          id: u.id,
          email: u.email,
          name: u.name,
          role: u.role,
          locale: u.locale,
          password_hash: u.passwordHash,
          disabled_at: u.disabledAt,
          created_at: u.createdAt,
          updated_at: u.updatedAt,
          last_login_at: u.lastLoginAt,
        })
        .execute();
    },
    async get(workspaceId: string, id: string): Promise<UserRecord | undefined> {
      const r = await db
        .selectFrom('users')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toUser(r);
    },
    async byEmail(workspaceId: string, email: string): Promise<UserRecord | undefined> {
      const r = await db
        .selectFrom('users')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('email', '=', email)
        .executeTakeFirst();
      return r && toUser(r);
    },
    /** Every account with this (lower-cased) email, in any workspace: sign-in does not name a workspace. */
    async findByEmail(email: string): Promise<UserRecord[]> {
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', email)
        .orderBy('id')
        .execute();
      return rows.map(toUser);
    },
    /** A workspace's users, oldest first. */
    async list(workspaceId: string): Promise<UserRecord[]> {
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toUser);
    },
    async count(workspaceId: string): Promise<number> {
      const r = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    /** Active (not disabled) users with the role. */
    async countActive(workspaceId: string, role: string): Promise<number> {
      const r = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('role', '=', role)
        .where('disabled_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async update(
      workspaceId: string,
      id: string,
      patch: Partial<
        Pick<UserRecord, 'name' | 'role' | 'locale' | 'passwordHash' | 'disabledAt' | 'lastLoginAt'>
      > & { updatedAt: number },
    ): Promise<void> {
      await db
        .updateTable('users')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.role !== undefined ? { role: patch.role } : {}),
          ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
          ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
          ...(patch.disabledAt !== undefined ? { disabled_at: patch.disabledAt } : {}),
          ...(patch.lastLoginAt !== undefined ? { last_login_at: patch.lastLoginAt } : {}),
          updated_at: patch.updatedAt,
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
    },
  };
}

/** Signed-in sessions. */
export function sessionsRepo(db: Kysely<Database>) {
  return {
    async insert(s: SessionRecord): Promise<void> {
      await db
        .insertInto('sessions')
        .values({
          workspace_id: s.workspaceId,
          id: s.id,
          user_id: s.userId,
          token_hash: s.tokenHash,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
          last_seen_at: s.lastSeenAt,
          user_agent: s.userAgent,
          ip: s.ip,
        })
        .execute();
    },
    async byTokenHash(hash: string): Promise<SessionRecord | undefined> {
      const r = await db.selectFrom('sessions').selectAll().where('token_hash', '=', hash).executeTakeFirst();
      return r && toSession(r);
    },
    /** Records a use: the new last-seen time and expiry. */
    async touch(workspaceId: string, id: string, lastSeenAt: number, expiresAt: number): Promise<void> {
      await db
        .updateTable('sessions')
        .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
    },
    async delete(workspaceId: string, id: string): Promise<void> {
      await db.deleteFrom('sessions').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    },
    /** Ends every session of a user except `keep` (the one changing its password). Returns how many. */
    async deleteForUser(workspaceId: string, userId: string, keep?: string): Promise<number> {
      let q = db.deleteFrom('sessions').where('workspace_id', '=', workspaceId).where('user_id', '=', userId);
      if (keep !== undefined) q = q.where('id', '!=', keep);
      const r = await q.executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    /** Removes sessions expired before `now`, in every workspace. */
    async deleteExpired(now: number): Promise<number> {
      const r = await db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

/** Invitations to join a workspace. */
export function invitationsRepo(db: Kysely<Database>) {
  return {
    async insert(i: InvitationRecord): Promise<void> {
      await db
        .insertInto('invitations')
        .values({
          workspace_id: i.workspaceId,
          id: i.id,
          email: i.email,
          role: i.role,
          token_hash: i.tokenHash,
          invited_by: i.invitedBy,
          created_at: i.createdAt,
          expires_at: i.expiresAt,
          accepted_at: i.acceptedAt,
        })
        .execute();
    },
    async byTokenHash(hash: string): Promise<InvitationRecord | undefined> {
      const r = await db
        .selectFrom('invitations')
        .selectAll()
        .where('token_hash', '=', hash)
        .executeTakeFirst();
      return r && toInvitation(r);
    },
    /** Invitations not accepted yet (expired ones included), newest first. */
    async listPending(workspaceId: string): Promise<InvitationRecord[]> {
      const rows = await db
        .selectFrom('invitations')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('accepted_at', 'is', null)
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toInvitation);
    },
    /** Deletes the pending invitations of an email (a new invitation replaces them). Returns how many. */
    async deletePendingFor(workspaceId: string, email: string): Promise<number> {
      const r = await db
        .deleteFrom('invitations')
        .where('workspace_id', '=', workspaceId)
        .where('email', '=', email)
        .where('accepted_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    /** Deletes a pending invitation; false when there is none with this id. */
    async deletePending(workspaceId: string, id: string): Promise<boolean> {
      const r = await db
        .deleteFrom('invitations')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('accepted_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    /** Marks an invitation used; false when it was used already (single use under concurrency). */
    async markAccepted(workspaceId: string, id: string, at: number): Promise<boolean> {
      const r = await db
        .updateTable('invitations')
        .set({ accepted_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('accepted_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}

/** The audit log: append and page newest first. */
export function auditRepo(db: Kysely<Database>) {
  return {
    async insert(a: AuditRecord): Promise<void> {
      await db
        .insertInto('audit_log')
        .values({
          workspace_id: a.workspaceId,
          id: a.id,
          at: a.at,
          actor_type: a.actorType,
          actor_id: a.actorId,
          actor_label: a.actorLabel,
          action: a.action,
          method: a.method,
          route: a.route,
          resource_id: a.resourceId,
          status: a.status,
          ip: a.ip,
          summary: a.summary === null || a.summary === undefined ? null : JSON.stringify(a.summary),
        })
        .execute();
    },
    /** Entries newest first, after the cursor (an entry id) when given. */
    async list(
      workspaceId: string,
      f: AuditFilter,
      page: { limit: number; before?: string },
    ): Promise<AuditRecord[]> {
      let q = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId);
      if (f.actor !== undefined) {
        const actor = f.actor;
        q = q.where((eb) =>
          eb.or([eb('actor_id', '=', actor), eb('actor_label', 'in', [actor, actor.toLowerCase()])]),
        );
      }
      if (f.action !== undefined) {
        const action = f.action;
        q = action.includes('.')
          ? q.where('action', '=', action)
          : q.where((eb) => eb.or([eb('action', '=', action), eb('action', 'like', `${action}.%`)]));
      }
      if (f.since !== undefined) q = q.where('at', '>=', f.since);
      if (page.before !== undefined) q = q.where('id', '<', page.before);
      const rows = await q.orderBy('id', 'desc').limit(page.limit).execute();
      return rows.map(toAudit);
    },
  };
}
