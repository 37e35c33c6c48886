import type { ColumnType, Generated } from 'kysely';

// Table shapes as Kysely sees them. Every table carries workspace_id (one install serves several brands).
// Times are epoch milliseconds; JSON is stored as text so both dialects read it the same way.

export interface WorkspacesTable {
  workspace_id: string;
  name: string;
  settings: string;
  created_at: number;
}

export interface ApiKeysTable {
  workspace_id: string;
  id: string;
  kind: 'write' | 'secret';
  name: string;
  /** The first characters of the key, shown so people can tell keys apart; never enough to use. */
  prefix: string;
  /** SHA-256 of the whole key (keys are 256-bit random, so a fast hash is sufficient). */
  key_hash: string;
  created_at: number;
  revoked_at: number | null;
}

export interface EventsTable {
  seq: Generated<number>;
  workspace_id: string;
  message_id: string;
  type: string;
  name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  profile_id: string | null;
  channel: string;
  touchpoint: string | null;
  timestamp: number;
  received_at: number;
  payload: string;
}

export interface ProfilesTable {
  workspace_id: string;
  id: string;
  merged_into: string | null;
  traits: string;
  trait_times: string;
  channels: string;
  first_seen_at: number;
  last_seen_at: number;
  event_count: number;
  created_at: number;
  updated_at: number;
  /** Per-profile segment aggregates (JSON, core's AggregateState). */
  aggregates: string;
  /** Ids of the segments and lists the profile is in now (JSON array). */
  memberships: string;
}

export interface IdentitiesTable {
  workspace_id: string;
  type: string;
  value: string;
  profile_id: string;
  created_at: number;
}

export interface MergesTable {
  workspace_id: string;
  id: string;
  target_profile_id: string;
  source_profile_id: string;
  event_seq: number | null;
  /** JSON: the identifiers that linked the two profiles. */
  reason: string;
  created_at: number;
}

export interface IdentityConflictsTable {
  workspace_id: string;
  id: string;
  profile_id: string;
  event_seq: number | null;
  identifier_type: string;
  identifier_value: string;
  reason: string;
  other_profile_id: string | null;
  detail: string;
  created_at: number;
}

export interface CursorsTable {
  workspace_id: string;
  consumer: string;
  position: number;
  updated_at: number;
}

export interface ErasuresTable {
  workspace_id: string;
  id: string;
  profile_id: string;
  events_deleted: number;
  identities_deleted: number;
  requested_by: string;
  created_at: number;
}

export interface Database {
  workspaces: WorkspacesTable;
  api_keys: ApiKeysTable;
  events: EventsTable;
  profiles: ProfilesTable;
  identities: IdentitiesTable;
  merges: MergesTable;
  identity_conflicts: IdentityConflictsTable;
  cursors: CursorsTable;
  erasures: ErasuresTable;
  segments: SegmentsTable;
  segment_members: SegmentMembersTable;
  segment_sizes: SegmentSizesTable;
  computed_traits: DefinitionsTable;
  score_models: DefinitionsTable;
  personas: PersonasTable;
  jobs: JobsTable;
}

export interface SegmentsTable {
  workspace_id: string;
  id: string;
  kind: 'dynamic' | 'list';
  name: string;
  description: string;
  rule: string | null;
  status: 'building' | 'ready';
  version: number;
  build_done: number;
  build_total: number;
  build_cursor: string | null;
  size: number;
  created_at: number;
  updated_at: number;
}

export interface SegmentMembersTable {
  workspace_id: string;
  segment_id: string;
  profile_id: string;
  since: number;
}

export interface SegmentSizesTable {
  workspace_id: string;
  segment_id: string;
  hour: number;
  size: number;
}

/** Computed traits and score models: a named JSON definition validated by core. */
export interface DefinitionsTable {
  workspace_id: string;
  id: string;
  name: string;
  definition: string;
  created_at: number;
  updated_at: number;
}

export interface PersonasTable {
  workspace_id: string;
  id: string;
  name: string;
  description: string;
  goals: string;
  critical_needs: string;
  preferred_channels: string;
  image_url: string | null;
  segment_id: string;
  created_at: number;
  updated_at: number;
}

export interface JobsTable {
  workspace_id: string;
  id: string;
  kind: string;
  key: string;
  run_at: number;
  payload: string;
  attempts: Generated<number>;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
}

/** Used by code that reads `COUNT(*)`-style aggregates whose driver type differs by dialect. */
export type Numeric = ColumnType<number, number, number>;
