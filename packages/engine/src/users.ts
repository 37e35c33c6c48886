import {
  createHash,
  createHmac,
  randomBytes,
  scrypt,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';
import {
  auditSummary,
  checkName,
  checkPassword,
  err,
  isLocale,
  isRole,
  normalizeAccountEmail,
  ok,
  permissionsOf,
  type DomainError,
  type Locale,
  type Result,
  type Role,
} from '@omnicx/core';
import type {
  AuditFilter,
  AuditRecord,
  InvitationRecord,
  SessionRecord,
  Store,
  UserRecord,
} from '@omnicx/store';
import type { Clock } from './ports';
import { newId } from './ids';

// ---- passwords ----

/**
 * scrypt parameters for new hashes: N = 2^15, r = 8, p = 1 needs 128·N·r = 32 MiB per hash (memory-hard, about
 * 50–100 ms on a server core). Stored with the hash, so raising them later only affects new hashes; a login
 * with an older hash rehashes it.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, keylen: 32, saltBytes: 16 } as const;

const scryptAsync = (password: string, salt: Buffer, keylen: number, o: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keylen, o, (e, key) => (e ? reject(e) : resolve(key))),
  );
const maxmem = (N: number, r: number, p: number) => 128 * N * r * p + 32 * 1024 * 1024;

/** Hashes a password as `scrypt$N$r$p$salt$hash` (salt and hash base64). */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keylen, saltBytes } = SCRYPT_PARAMS;
  const salt = randomBytes(saltBytes);
  const key = await scryptAsync(password, salt, keylen, { N, r, p, maxmem: maxmem(N, r, p) });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Checks a password against a stored hash in constant time. `rehash` says the hash was made with other
 * parameters than today's (hash it again after a successful sign-in). A malformed hash never matches.
 */
export async function verifyPassword(
  password: string,
  stored: string,
): Promise<{ match: boolean; rehash: boolean }> {
  const parts = stored.split('$');
  const [scheme, n, r, p, salt, hash] = parts;
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  if (
    parts.length !== 6 ||
    scheme !== 'scrypt' ||
    !Number.isInteger(N) ||
    !Number.isInteger(R) ||
    !Number.isInteger(P) ||
    N < 2 ||
    N > 2 ** 20 ||
    R < 1 ||
    R > 32 ||
    P < 1 ||
    P > 16
  ) {
    return { match: false, rehash: false };
  }
  const expected = Buffer.from(hash!, 'base64');
  if (expected.length < 16) return { match: false, rehash: false };
  const key = await scryptAsync(password, Buffer.from(salt!, 'base64'), expected.length, {
    N,
    r: R,
    p: P,
    maxmem: maxmem(N, R, P),
  });
  const match = timingSafeEqual(key, expected);
  const { N: n0, r: r0, p: p0, keylen } = SCRYPT_PARAMS;
  return { match, rehash: match && (N !== n0 || R !== r0 || P !== p0 || expected.length !== keylen) };
}

// ---- tokens ----

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

/**
 * The CSRF token of a session, derived from its cookie token (HMAC-SHA256), so nothing more is stored: only
 * a holder of the cookie's value (the server; never script, as the cookie is HttpOnly) can compute it, and
 * the page learns it from /api/v1/auth/me or the sign-in answer.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('omnicx-csrf-v1').digest('base64url');
}

/** Constant-time comparison of two tokens. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---- lifetimes and limits ----

export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_ABSOLUTE_MS = 7 * 86_400_000;
export const INVITATION_TTL_MS = 7 * 86_400_000;
/** A session's last use is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60_000;
export const LOGIN_MAX_FAILURES = 10;
export const LOGIN_WINDOW_MS = 15 * 60_000;

/**
 * Failed sign-ins per (email, ip) in a sliding window. After {@link LOGIN_MAX_FAILURES} failures within
 * {@link LOGIN_WINDOW_MS}, further attempts — right or wrong — are refused until the oldest failure leaves
 * the window. In memory, per process (one process serves the API today; see ARCHITECTURE "Not yet").
 */
class Throttle {
  #failures = new Map<string, number[]>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until the key may try again, or 0. */
  blockedFor(key: string, now: number): number {
    const list = this.#live(key, now);
    return list.length >= this.max ? list[0]! + this.windowMs - now : 0;
  }
  fail(key: string, now: number): void {
    const list = this.#live(key, now);
    list.push(now);
    this.#failures.set(key, list);
    if (this.#failures.size > 50_000) {
      for (const [k, v] of this.#failures)
        if (v[v.length - 1]! <= now - this.windowMs) this.#failures.delete(k);
    }
  }
  clear(key: string): void {
    this.#failures.delete(key);
  }
  #live(key: string, now: number): number[] {
    const list = (this.#failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length === 0) this.#failures.delete(key);
    return list;
  }
}

// ---- views ----

/** A user as the API shows it: never the password hash. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: Locale;
  workspaceId: string;
  disabled: boolean;
  createdAt: number;
  lastLoginAt: number | null;
}

export const userView = (u: UserRecord): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role as Role,
  locale: (isLocale(u.locale) ? u.locale : 'en') as Locale,
  workspaceId: u.workspaceId,
  disabled: u.disabledAt !== null,
  createdAt: u.createdAt,
  lastLoginAt: u.lastLoginAt,
});

/** An invitation as the API shows it: never the token or its hash. */
export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  invitedBy: string | null;
  createdAt: number;
  expiresAt: number;
  expired: boolean;
}

/** A new session: the cookie token (shown to the client once, stored as a hash) and its CSRF token. */
export interface SignedIn {
  user: UserView;
  token: string;
  csrfToken: string;
  expiresAt: number;
}

/** The signed-in user of a request. */
export interface SessionUser {
  user: UserRecord;
  session: SessionRecord;
  csrfToken: string;
}

/** Who did something, for the audit log. */
export interface Actor {
  type: 'user' | 'key' | 'system';
  id: string | null;
  /** The user's email or the key's name: never a secret. */
  label: string | null;
}

/** One audit entry to record; `summary` is redacted and bounded here, whatever the caller passes. */
export interface AuditInput {
  workspaceId: string;
  actor: Actor;
  action: string;
  method?: string | null;
  route?: string | null;
  resourceId?: string | null;
  status?: number | null;
  ip?: string | null;
  summary?: unknown;
}

/** Where a request comes from (sessions and audit entries record it). */
export interface ClientInfo {
  ip?: string | null;
  userAgent?: string | null;
}

/** An error with the seconds a client should wait (too_many_attempts). */
export type AccessError = DomainError & { retryAfterSeconds?: number };

const INVALID_CREDENTIALS: AccessError = {
  code: 'invalid_credentials',
  message: 'the email or password is wrong, or the account is disabled',
};

/**
 * People and access: console users, password sign-in, sessions, invitations, the first admin, and the
 * audit log. Roles and the permission table are core's (`can`, `permissionsOf`).
 */
export class AccessService {
  readonly #throttle = new Throttle(LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS);
  #dummyHash: Promise<string> | undefined;
  #lastSweep = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Every permission of a role (what the console is told). */
  permissions(role: Role): string[] {
    return permissionsOf(role);
  }

  // ---- the first admin ----

  /**
   * On a workspace without users, creates an admin: from `email`/`password` when given (OMNICX_ADMIN_EMAIL /
   * OMNICX_ADMIN_PASSWORD), else `admin@localhost` with a generated password returned once for printing.
   * Does nothing when the workspace has users. Throws an operator-readable Error on an invalid email/password.
   */
  async bootstrapAdmin(
    workspaceId: string,
    given: { email?: string | undefined; password?: string | undefined } = {},
  ): Promise<{ created: boolean; email?: string; password?: string }> {
    if ((await this.store.users.count(workspaceId)) > 0) return { created: false };
    const email = normalizeAccountEmail(given.email ?? 'admin@localhost', 'OMNICX_ADMIN_EMAIL');
    if (!email.ok) throw new Error(email.error.message);
    const generated = given.password ? undefined : randomBytes(18).toString('base64url');
    const password = checkPassword(given.password ?? generated, email.value, 'OMNICX_ADMIN_PASSWORD');
    if (!password.ok) throw new Error(password.error.message);
    const user = await this.#insertUser(workspaceId, {
      email: email.value,
      name: 'Admin',
      role: 'admin',
      locale: 'en',
      password: password.value,
    });
    await this.audit({
      workspaceId,
      actor: { type: 'system', id: null, label: 'omnicx start' },
      action: 'users.bootstrap',
      resourceId: user.id,
      summary: { email: user.email, role: 'admin', passwordFrom: generated ? 'generated' : 'environment' },
    });
    return { created: true, email: email.value, ...(generated ? { password: generated } : {}) };
  }

  // ---- users ----

  /** A workspace's users. */
  async listUsers(workspaceId: string): Promise<UserView[]> {
    return (await this.store.users.list(workspaceId)).map(userView);
  }

  /** A user, or undefined. */
  async getUser(workspaceId: string, id: string): Promise<UserView | undefined> {
    const u = await this.store.users.get(workspaceId, id);
    return u && userView(u);
  }

  /**
   * Creates a user directly (the CLI; the console invites instead). Without a password one is generated and
   * returned once.
   */
  async createUser(
    workspaceId: string,
    input: { email: unknown; role: unknown; name?: unknown; password?: string | undefined; locale?: unknown },
    actor: Actor,
  ): Promise<Result<{ user: UserView; password?: string }>> {
    const email = normalizeAccountEmail(input.email);
    if (!email.ok) return email;
    if (!isRole(input.role)) return err(roleError(input.role));
    const locale = input.locale ?? 'en';
    if (!isLocale(locale)) return err(localeError(locale));
    const name = checkName(input.name ?? email.value.slice(0, email.value.indexOf('@')));
    if (!name.ok) return name;
    const generated = input.password === undefined ? randomBytes(18).toString('base64url') : undefined;
    const password = checkPassword(input.password ?? generated, email.value);
    if (!password.ok) return password;
    if (await this.store.users.byEmail(workspaceId, email.value)) return err(memberError(email.value));
    const user = await this.#insertUser(workspaceId, {
      email: email.value,
      name: name.value,
      role: input.role,
      locale,
      password: password.value,
    });
    await this.audit({
      workspaceId,
      actor,
      action: 'users.create',
      resourceId: user.id,
      summary: { email: user.email, role: user.role },
    });
    return ok({ user: userView(user), ...(generated ? { password: generated } : {}) });
  }

  /**
   * Changes a user's role or disables/enables them. The last active admin can be neither demoted nor
   * disabled (`last_admin`). Disabling ends the user's sessions at once.
   */
  async updateUser(
    workspaceId: string,
    id: string,
    patch: { role?: unknown; disabled?: unknown },
  ): Promise<Result<UserView>> {
    if (patch.role !== undefined && !isRole(patch.role)) return err(roleError(patch.role, 'role'));
    if (patch.disabled !== undefined && typeof patch.disabled !== 'boolean') {
      return err({ code: 'invalid_field', field: 'disabled', message: 'disabled must be true or false' });
    }
    const now = this.clock.now();
    return this.store.transaction(async (tx): Promise<Result<UserView>> => {
      const user = await tx.users.get(workspaceId, id);
      if (!user) return err({ code: 'not_found', message: `no user ${id} in this workspace` });
      const role = (patch.role as Role | undefined) ?? (user.role as Role);
      const disabled = (patch.disabled as boolean | undefined) ?? user.disabledAt !== null;
      const activeAdminNow = user.role === 'admin' && user.disabledAt === null;
      const activeAdminAfter = role === 'admin' && !disabled;
      if (activeAdminNow && !activeAdminAfter && (await tx.users.countActive(workspaceId, 'admin')) <= 1) {
        return err({
          code: 'last_admin',
          message: `${user.email} is the last active admin: make another user admin first`,
        });
      }
      const disabledAt = disabled ? (user.disabledAt ?? now) : null;
      await tx.users.update(workspaceId, id, { role, disabledAt, updatedAt: now });
      if (disabled) await tx.sessions.deleteForUser(workspaceId, id);
      return ok(userView({ ...user, role, disabledAt, updatedAt: now }));
    });
  }

  // ---- sign-in and sessions ----

  /**
   * Signs in with email and password. Unknown email, wrong password and disabled account give the same
   * answer in about the same time (a dummy hash is checked when there is no account). After 10 failures for
   * one email from one address within 15 minutes, attempts are refused with `too_many_attempts`.
   * `workspaceId` picks the account when one email has accounts in several workspaces.
   */
  async login(
    input: { email: string; password: string; workspaceId?: string | undefined },
    client: ClientInfo = {},
  ): Promise<Result<SignedIn, AccessError>> {
    const now = this.clock.now();
    const normalized = normalizeAccountEmail(input.email);
    const email = normalized.ok ? normalized.value : String(input.email).trim().toLowerCase();
    const key = `${email}\u0000${client.ip ?? ''}`;
    const wait = this.#throttle.blockedFor(key, now);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      return err({
        code: 'too_many_attempts',
        message: `too many failed sign-ins for this email: try again in ${Math.ceil(seconds / 60)} minute(s)`,
        retryAfterSeconds: seconds,
      });
    }
    const candidates = normalized.ok
      ? (await this.store.users.findByEmail(email)).filter(
          (u) => input.workspaceId === undefined || u.workspaceId === input.workspaceId,
        )
      : [];
    let matched: UserRecord | undefined;
    let rehash = false;
    if (candidates.length === 0) {
      // Same work as a real check, so timing does not tell whether the email has an account.
      await verifyPassword(input.password, await this.#dummy());
    }
    for (const u of candidates) {
      const v = await verifyPassword(input.password, u.passwordHash);
      if (v.match) {
        matched = u;
        rehash = v.rehash;
        break;
      }
    }
    if (!matched || matched.disabledAt !== null) {
      this.#throttle.fail(key, now);
      const where = matched ?? candidates[0];
      const workspaceId = where?.workspaceId ?? (await this.store.workspaces.list())[0]?.id;
      if (workspaceId) {
        await this.audit({
          workspaceId,
          actor: { type: 'user', id: where?.id ?? null, label: email },
          action: 'auth.login_failed',
          method: 'POST',
          route: '/api/v1/auth/login',
          status: 401,
          ip: client.ip ?? null,
          summary: {
            reason: matched ? 'disabled' : candidates.length ? 'wrong_password' : 'unknown_email',
          },
        });
      }
      return err(INVALID_CREDENTIALS);
    }
    this.#throttle.clear(key);
    await this.store.users.update(matched.workspaceId, matched.id, {
      lastLoginAt: now,
      updatedAt: now,
      ...(rehash ? { passwordHash: await hashPassword(input.password) } : {}),
    });
    const user = { ...matched, lastLoginAt: now };
    const signedIn = await this.#createSession(user, client);
    await this.audit({
      workspaceId: user.workspaceId,
      actor: { type: 'user', id: user.id, label: user.email },
      action: 'auth.login',
      method: 'POST',
      route: '/api/v1/auth/login',
      resourceId: user.id,
      status: 200,
      ip: client.ip ?? null,
    });
    return ok(signedIn);
  }

  /**
   * The user of a session cookie token, or null when the token is unknown, expired (12 h idle or 7 days
   * after sign-in) or its user is disabled or gone. A use extends the idle expiry.
   */
  async authenticate(token: string): Promise<SessionUser | null> {
    if (!token || token.length > 200) return null;
    const now = this.clock.now();
    const session = await this.store.sessions.byTokenHash(sha256(token));
    if (!session) return null;
    if (session.expiresAt <= now) {
      await this.store.sessions.delete(session.workspaceId, session.id);
      return null;
    }
    const user = await this.store.users.get(session.workspaceId, session.userId);
    if (!user || user.disabledAt !== null) return null;
    if (now - session.lastSeenAt >= TOUCH_EVERY_MS) {
      const expiresAt = Math.min(now + SESSION_IDLE_MS, session.createdAt + SESSION_ABSOLUTE_MS);
      await this.store.sessions.touch(session.workspaceId, session.id, now, expiresAt);
      session.lastSeenAt = now;
      session.expiresAt = expiresAt;
    }
    return { user, session, csrfToken: csrfTokenFor(token) };
  }

  /** Ends the session of a cookie token (if any); returns its user for the audit log. */
  async logout(token: string, client: ClientInfo = {}): Promise<UserRecord | null> {
    const current = await this.authenticate(token);
    const session =
      current?.session ?? (token ? await this.store.sessions.byTokenHash(sha256(token)) : undefined);
    if (!session) return null;
    await this.store.sessions.delete(session.workspaceId, session.id);
    if (current) {
      await this.audit({
        workspaceId: current.user.workspaceId,
        actor: { type: 'user', id: current.user.id, label: current.user.email },
        action: 'auth.logout',
        method: 'POST',
        route: '/api/v1/auth/logout',
        resourceId: current.user.id,
        status: 204,
        ip: client.ip ?? null,
      });
    }
    return current?.user ?? null;
  }

  /**
   * Changes the signed-in user's own name, locale or password. A new password needs the current one and
   * ends the user's other sessions.
   */
  async updateMe(
    me: SessionUser,
    patch: { name?: unknown; locale?: unknown; password?: { current?: unknown; next?: unknown } | undefined },
    client: ClientInfo = {},
  ): Promise<Result<UserView, AccessError>> {
    const now = this.clock.now();
    const changes: { name?: string; locale?: string; passwordHash?: string } = {};
    if (patch.name !== undefined) {
      const n = checkName(patch.name);
      if (!n.ok) return n;
      changes.name = n.value;
    }
    if (patch.locale !== undefined) {
      if (!isLocale(patch.locale)) return err(localeError(patch.locale, 'locale'));
      changes.locale = patch.locale;
    }
    if (patch.password !== undefined) {
      const key = `me\u0000${me.user.id}`;
      const wait = this.#throttle.blockedFor(key, now);
      if (wait > 0) {
        return err({
          code: 'too_many_attempts',
          message: 'too many wrong current passwords: try again later',
          retryAfterSeconds: Math.ceil(wait / 1000),
        });
      }
      const current = typeof patch.password.current === 'string' ? patch.password.current : '';
      if (!(await verifyPassword(current, me.user.passwordHash)).match) {
        this.#throttle.fail(key, now);
        return err({
          code: 'wrong_password',
          field: 'password.current',
          message: 'password.current is not your current password',
        });
      }
      const next = checkPassword(patch.password.next, me.user.email, 'password.next');
      if (!next.ok) return next;
      this.#throttle.clear(key);
      changes.passwordHash = await hashPassword(next.value);
    }
    await this.store.users.update(me.user.workspaceId, me.user.id, { ...changes, updatedAt: now });
    if (changes.passwordHash) {
      await this.store.sessions.deleteForUser(me.user.workspaceId, me.user.id, me.session.id);
    }
    await this.audit({
      workspaceId: me.user.workspaceId,
      actor: { type: 'user', id: me.user.id, label: me.user.email },
      action: changes.passwordHash ? 'auth.password_change' : 'auth.profile_update',
      method: 'PATCH',
      route: '/api/v1/auth/me',
      resourceId: me.user.id,
      status: 200,
      ip: client.ip ?? null,
      summary: patch,
    });
    const updated = await this.store.users.get(me.user.workspaceId, me.user.id);
    return ok(userView(updated!));
  }

  // ---- invitations ----

  /**
   * Invites an email with a role: returns the one-time token (shown once; only its hash is stored), valid
   * for 7 days. A new invitation to the same email replaces the pending one.
   */
  async invite(
    workspaceId: string,
    input: { email: unknown; role: unknown },
    actor: Actor,
  ): Promise<Result<{ invitation: InvitationView; token: string }>> {
    const email = normalizeAccountEmail(input.email);
    if (!email.ok) return email;
    if (!isRole(input.role)) return err(roleError(input.role, 'role'));
    if (await this.store.users.byEmail(workspaceId, email.value)) return err(memberError(email.value));
    const now = this.clock.now();
    const token = newToken();
    const rec: InvitationRecord = {
      workspaceId,
      id: newId('inv'),
      email: email.value,
      role: input.role,
      tokenHash: sha256(token),
      invitedBy: actor.id,
      createdAt: now,
      expiresAt: now + INVITATION_TTL_MS,
      acceptedAt: null,
    };
    await this.store.transaction(async (tx) => {
      await tx.invitations.deletePendingFor(workspaceId, email.value);
      await tx.invitations.insert(rec);
    });
    return ok({ invitation: this.#invitationView(rec, now), token });
  }

  /** Invitations not accepted yet, expired ones flagged. */
  async listInvitations(workspaceId: string): Promise<InvitationView[]> {
    const now = this.clock.now();
    return (await this.store.invitations.listPending(workspaceId)).map((i) => this.#invitationView(i, now));
  }

  /** Withdraws a pending invitation; false when there is none with this id. */
  revokeInvitation(workspaceId: string, id: string): Promise<boolean> {
    return this.store.invitations.deletePending(workspaceId, id);
  }

  /**
   * Accepts an invitation: creates the user with the invited email and role and signs them in. Single use;
   * an expired token gives `invitation_expired`, an unknown or used one `invalid_invitation`.
   */
  async acceptInvite(
    input: { token: string; name: unknown; password: unknown; locale?: unknown },
    client: ClientInfo = {},
  ): Promise<Result<SignedIn>> {
    const now = this.clock.now();
    const inv = input.token ? await this.store.invitations.byTokenHash(sha256(input.token)) : undefined;
    if (!inv || inv.acceptedAt !== null) {
      return err({
        code: 'invalid_invitation',
        message: 'this invitation link is not valid or was already used: ask an admin for a new one',
      });
    }
    if (inv.expiresAt <= now) {
      return err({
        code: 'invitation_expired',
        message: 'this invitation has expired (they last 7 days): ask an admin to invite you again',
      });
    }
    const name = checkName(input.name);
    if (!name.ok) return name;
    const locale = input.locale ?? 'en';
    if (!isLocale(locale)) return err(localeError(locale, 'locale'));
    const password = checkPassword(input.password, inv.email);
    if (!password.ok) return password;
    const passwordHash = await hashPassword(password.value);
    const user: UserRecord = {
      workspaceId: inv.workspaceId,
      id: newId('usr'),
      email: inv.email,
      name: name.value,
      role: inv.role,
      locale,
      passwordHash,
      disabledAt: null,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: now,
    };
    const r = await this.store.transaction(async (tx): Promise<Result<true>> => {
      if (!(await tx.invitations.markAccepted(inv.workspaceId, inv.id, now))) {
        return err({ code: 'invalid_invitation', message: 'this invitation link was already used' });
      }
      if (await tx.users.byEmail(inv.workspaceId, inv.email)) return err(memberError(inv.email));
      await tx.users.insert(user);
      return ok(true);
    });
    if (!r.ok) return r;
    const signedIn = await this.#createSession(user, client);
    await this.audit({
      workspaceId: user.workspaceId,
      actor: { type: 'user', id: user.id, label: user.email },
      action: 'auth.accept_invite',
      method: 'POST',
      route: '/api/v1/auth/accept-invite',
      resourceId: user.id,
      status: 200,
      ip: client.ip ?? null,
      summary: { invitationId: inv.id, role: user.role, invitedBy: inv.invitedBy },
    });
    return ok(signedIn);
  }

  // ---- audit ----

  /** Records an audit entry; the summary is redacted (passwords, tokens, keys) and size-bounded here. */
  async audit(a: AuditInput): Promise<void> {
    const rec: AuditRecord = {
      workspaceId: a.workspaceId,
      id: newId('aud'),
      at: this.clock.now(),
      actorType: a.actor.type,
      actorId: a.actor.id,
      actorLabel: a.actor.label,
      action: a.action,
      method: a.method ?? null,
      route: a.route ?? null,
      resourceId: a.resourceId ?? null,
      status: a.status ?? null,
      ip: a.ip ?? null,
      summary: auditSummary(a.summary),
    };
    await this.store.audit.insert(rec);
  }

  /** Audit entries newest first; `next` is the cursor of the following page, null at the end. */
  async listAudit(
    workspaceId: string,
    filter: AuditFilter,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ entries: AuditRecord[]; next: string | null }> {
    const limit = Math.min(Math.max(page.limit, 1), 500);
    const rows = await this.store.audit.list(workspaceId, filter, {
      limit: limit + 1,
      ...(page.cursor ? { before: page.cursor } : {}),
    });
    const entries = rows.slice(0, limit);
    return { entries, next: rows.length > limit ? entries[entries.length - 1]!.id : null };
  }

  // ---- internals ----

  async #insertUser(
    workspaceId: string,
    u: { email: string; name: string; role: Role; locale: Locale; password: string },
  ): Promise<UserRecord> {
    const now = this.clock.now();
    const rec: UserRecord = {
      workspaceId,
      id: newId('usr'),
      email: u.email,
      name: u.name,
      role: u.role,
      locale: u.locale,
      passwordHash: await hashPassword(u.password),
      disabledAt: null,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
    };
    await this.store.users.insert(rec);
    return rec;
  }

  async #createSession(user: UserRecord, client: ClientInfo): Promise<SignedIn> {
    const now = this.clock.now();
    if (now - this.#lastSweep > 3600_000) {
      this.#lastSweep = now;
      await this.store.sessions.deleteExpired(now);
    }
    const token = newToken();
    const expiresAt = Math.min(now + SESSION_IDLE_MS, now + SESSION_ABSOLUTE_MS);
    await this.store.sessions.insert({
      workspaceId: user.workspaceId,
      id: newId('ses'),
      userId: user.id,
      tokenHash: sha256(token),
      createdAt: now,
      expiresAt,
      lastSeenAt: now,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
      ip: client.ip ?? null,
    });
    return { user: userView(user), token, csrfToken: csrfTokenFor(token), expiresAt };
  }

  #invitationView(i: InvitationRecord, now: number): InvitationView {
    return {
      id: i.id,
      email: i.email,
      role: i.role as Role,
      invitedBy: i.invitedBy,
      createdAt: i.createdAt,
      expiresAt: i.expiresAt,
      expired: i.expiresAt <= now,
    };
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    return this.#dummyHash;
  }
}

const roleError = (role: unknown, field = 'role'): DomainError => ({
  code: 'invalid_role',
  field,
  message: `${field} must be admin, marketer, analyst or agent (got ${JSON.stringify(role)})`,
});
const localeError = (locale: unknown, field = 'locale'): DomainError => ({
  code: 'invalid_locale',
  field,
  message: `${field} must be fa, ar or en (got ${JSON.stringify(locale)})`,
});
const memberError = (email: string): DomainError => ({
  code: 'already_member',
  field: 'email',
  message: `${email} already has an account in this workspace`,
});
