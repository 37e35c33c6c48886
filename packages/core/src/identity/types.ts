/** One identifier of a person: a type (user_id, anonymous_id, email, phone, or a custom type) and a value. */
export interface Identifier {
  type: string;
  value: string;
}

/** Well-known identifier types. Custom types (e.g. `loyalty_card`) are configured per workspace. */
export const USER_ID = 'user_id';
export const ANONYMOUS_ID = 'anonymous_id';
export const EMAIL = 'email';
export const PHONE = 'phone';

/** How one identifier type takes part in identity resolution. */
export interface IdentifierRule {
  type: string;
  /** Lower number = higher priority. The highest-priority identifier decides the profile on conflict. */
  priority: number;
  /** Maximum number of distinct values of this type one profile may hold (user_id: 1). */
  limit: number;
  /** Where to find values besides the built-in fields: trait names looked up in traits and context.traits. */
  traits?: string[];
  /**
   * A weak identifier names a device or browser (anonymous_id), not a person. It can attach an anonymous
   * profile to a person, but it never fuses two profiles that each already hold a strong identifier: one
   * shared store tablet must not fuse the strangers who used it.
   */
  weak?: boolean;
}

/** Per-workspace identity resolution settings. */
export interface IdentityConfig {
  rules: IdentifierRule[];
  /** Values never used as identifiers (compared after normalization, case-insensitively). */
  blocklist: string[];
  /** A merge that would leave one profile with more identifiers than this is refused. */
  maxIdentitiesPerProfile: number;
  /** At most this many existing profiles may be fused by a single event. */
  maxProfilesPerMerge: number;
  /** ISO 3166 alpha-2 country used to read national phone numbers (e.g. "IR" reads 0912... as +98912...). */
  defaultCountry: string;
}

/** What identity resolution needs to know about an existing profile. */
export interface ProfileIdentities {
  profileId: string;
  identifiers: Identifier[];
}

/** An identifier that was not used, and why (recorded so merges and refusals are never silent). */
export interface DroppedIdentifier {
  identifier: Identifier;
  reason: 'blocked' | 'invalid' | 'limit' | 'conflict' | 'max_identities' | 'max_profiles';
  /** The profile the identifier belongs to or conflicts with, when there is one. */
  profileId?: string;
  detail: string;
}

/**
 * The decision for one event: which profile it lands on, which profiles are merged into it, which new
 * identifiers are attached, and which were refused.
 */
export interface Resolution {
  /** Existing profile id, or null when a new profile must be created (the caller assigns the id). */
  profileId: string | null;
  /** Existing profiles to merge into `profileId` (never contains profileId). */
  merge: string[];
  /** Identifiers not yet attached to any profile, to attach to the resolved profile. */
  attach: Identifier[];
  dropped: DroppedIdentifier[];
}
