// Who may do what in the admin console and API. Pure data and functions: the server maps each route to a
// permission and asks `can`; the console asks the same table (through /api/v1/auth/me) to hide what a role
// may not use.

/** The roles a console user can have. A secret API key acts as `admin`. */
export const ROLES = ['admin', 'marketer', 'analyst', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** The areas of the product a permission is about. */
export const AREAS = [
  'profiles',
  'segments',
  'processes',
  'templates',
  'channels',
  'surveys',
  'feedback',
  'tasks',
  'outbox',
  'analytics',
  'settings',
  'keys',
  'users',
  'audit',
] as const;
export type Area = (typeof AREAS)[number];

/**
 * Every permission: `area:read` / `area:write` for each area (analytics and audit are read-only), plus two
 * finer profile permissions: `profiles:erase` (delete a person and their history) and `profiles:import`
 * (bulk contact import), which an agent's `profiles:write` (editing one person's traits) does not include.
 * `keys` is split from `settings` so a role can read workspace settings without seeing the API keys.
 */
export const PERMISSIONS = [
  ...AREAS.filter((a) => a !== 'analytics' && a !== 'audit').flatMap((a) => [`${a}:read`, `${a}:write`]),
  'analytics:read',
  'audit:read',
  'profiles:erase',
  'profiles:import',
] as const as readonly string[];
export type Permission = `${Area}:${'read' | 'write'}` | 'profiles:erase' | 'profiles:import';

const rw = (...areas: Area[]): Permission[] => areas.flatMap((a) => [`${a}:read`, `${a}:write`] as const);
const ro = (...areas: Area[]): Permission[] => areas.map((a) => `${a}:read` as const);

const MARKETING: Area[] = [
  'profiles',
  'segments',
  'processes',
  'templates',
  'channels',
  'surveys',
  'feedback',
  'tasks',
  'outbox',
];

/**
 * The policy. admin: everything. marketer: every marketing area read and write (erase and import
 * included), analytics, settings read; not keys, settings write, users or the audit log. analyst: read-only
 * on everything except keys, users and the audit log. agent: people work only: profiles (read, edit traits),
 * tasks, feedback follow-up, and reading surveys and segments.
 */
const POLICY: Record<Role, ReadonlySet<string>> = {
  admin: new Set(PERMISSIONS),
  marketer: new Set<string>([
    ...rw(...MARKETING),
    'profiles:erase',
    'profiles:import',
    'analytics:read',
    'settings:read',
  ]),
  analyst: new Set<string>([...ro(...MARKETING), 'analytics:read', 'settings:read']),
  agent: new Set<string>([...rw('profiles', 'tasks', 'feedback'), ...ro('surveys', 'segments')]),
};

/** True when `role` holds `permission`. Unknown roles and permissions hold nothing (fail closed). */
export function can(role: string | null | undefined, permission: string): boolean {
  if (!role || !isRole(role)) return false;
  return POLICY[role].has(permission);
}

/** Every permission of a role, in a stable order (what the console receives). */
export function permissionsOf(role: Role): string[] {
  return PERMISSIONS.filter((p) => POLICY[role].has(p));
}

/** True for a known role name. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The area and verb of a permission string: `segments:write` → segments, write. */
export function splitPermission(permission: string): { area: string; verb: string } {
  const i = permission.indexOf(':');
  return i < 0
    ? { area: permission, verb: '' }
    : { area: permission.slice(0, i), verb: permission.slice(i + 1) };
}

const VERB_TEXT: Record<string, string> = {
  read: 'see',
  write: 'change',
  erase: 'erase',
  import: 'import',
};

/** The message of a refusal: "your role (analyst) may not change segments; ask an admin". */
export function deniedMessage(role: string | null | undefined, permission: string | undefined): string {
  if (!permission) {
    return `your role (${role ?? 'none'}) may not use this route; ask an admin`;
  }
  const { area, verb } = splitPermission(permission);
  return `your role (${role ?? 'none'}) may not ${VERB_TEXT[verb] ?? verb} ${area}; ask an admin`;
}
