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
  processes: ProcessesTable;
  process_versions: ProcessVersionsTable;
  process_instances: ProcessInstancesTable;
  process_entries: ProcessEntriesTable;
  process_history: ProcessHistoryTable;
  process_node_stats: ProcessNodeStatsTable;
  outbox: OutboxTable;
  tasks: TasksTable;
  process_bulk_starts: ProcessBulkStartsTable;
  surveys: SurveysTable;
  survey_secrets: SurveySecretsTable;
  survey_links: SurveyLinksTable;
  survey_responses: SurveyResponsesTable;
  survey_displays: SurveyDisplaysTable;
  feedback: FeedbackTable;
  users: UsersTable;
  sessions: SessionsTable;
  invitations: InvitationsTable;
  audit_log: AuditLogTable;
  templates: TemplatesTable;
  content_blocks: ContentBlocksTable;
  channel_settings: ChannelSettingsTable;
  subscription_groups: SubscriptionGroupsTable;
  consents: ConsentsTable;
  push_subscriptions: PushSubscriptionsTable;
  signing_secrets: SigningSecretsTable;
  deliveries: DeliveriesTable;
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

export interface ProcessesTable {
  workspace_id: string;
  id: string;
  name: string;
  description: string;
  status: 'draft' | 'published' | 'paused' | 'archived';
  draft: string;
  published_version: number | null;
  created_at: number;
  updated_at: number;
}

export interface ProcessVersionsTable {
  workspace_id: string;
  process_id: string;
  version: number;
  definition: string;
  published_at: number;
}

export interface ProcessInstancesTable {
  workspace_id: string;
  id: string;
  process_id: string;
  version: number;
  profile_id: string;
  status: string;
  node: string | null;
  running: number;
  state: string;
  started_at: number;
  updated_at: number;
  ended_at: number | null;
}

export interface ProcessEntriesTable {
  workspace_id: string;
  process_id: string;
  profile_id: string;
  total: number;
  running: number;
  recent: string;
  last_entered_at: number;
}

export interface ProcessHistoryTable {
  workspace_id: string;
  instance_id: string;
  seq: number;
  at: number;
  node: string | null;
  kind: string;
  detail: string | null;
}

export interface ProcessNodeStatsTable {
  workspace_id: string;
  process_id: string;
  version: number;
  node: string;
  counter: string;
  value: number;
}

export interface OutboxTable {
  workspace_id: string;
  id: string;
  key: string;
  kind: string;
  profile_id: string | null;
  process_id: string | null;
  instance_id: string | null;
  node: string | null;
  payload: string;
  status: 'pending' | 'failed' | 'sent' | 'dead' | 'done' | 'cancelled' | 'suppressed';
  attempts: number;
  next_attempt_at: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  result: string | null;
  created_at: number;
  updated_at: number;
}

export interface TasksTable {
  workspace_id: string;
  id: string;
  kind: 'task' | 'callback';
  profile_id: string | null;
  title: string;
  note: string | null;
  status: 'open' | 'done' | 'cancelled';
  assignee: string | null;
  due_at: number | null;
  source: string;
  created_at: number;
  updated_at: number;
}

export interface ProcessBulkStartsTable {
  workspace_id: string;
  id: string;
  process_id: string;
  source: string;
  status: 'running' | 'done' | 'failed';
  total: number;
  done: number;
  started: number;
  skipped: number;
  cursor: string | null;
  created_at: number;
  updated_at: number;
}

/** Used by code that reads `COUNT(*)`-style aggregates whose driver type differs by dialect. */
export type Numeric = ColumnType<number, number, number>;

// ---- voice of the customer (0004_surveys) ----

export interface SurveysTable {
  workspace_id: string;
  id: string;
  name: string;
  status: 'draft' | 'active' | 'closed';
  version: number;
  definition: string;
  settings: string;
  created_at: number;
  updated_at: number;
}

export interface SurveySecretsTable {
  workspace_id: string;
  secret: string;
  created_at: number;
}

export interface SurveyLinksTable {
  workspace_id: string;
  id: string;
  survey_id: string;
  profile_id: string;
  language: string | null;
  channel: string;
  touchpoint: string | null;
  created_at: number;
  expires_at: number;
}

export interface SurveyResponsesTable {
  workspace_id: string;
  id: string;
  survey_id: string;
  survey_version: number;
  link_id: string | null;
  profile_id: string | null;
  anonymous_id: string | null;
  user_id: string | null;
  source: string;
  channel: string;
  touchpoint: string | null;
  language: string;
  answers: string;
  completed: number;
  end_screen: string | null;
  nps: number | null;
  resume_hash: string | null;
  saves: number;
  followup_status: string | null;
  followup: string;
  started_at: number;
  updated_at: number;
  completed_at: number | null;
}

export interface SurveyDisplaysTable {
  workspace_id: string;
  id: string;
  survey_id: string;
  visitor_key: string;
  shown_at: number;
}

export interface FeedbackTable {
  workspace_id: string;
  id: string;
  source: string;
  channel: string;
  touchpoint: string | null;
  text: string;
  rating: number | null;
  rating_min: number | null;
  rating_max: number | null;
  language: string;
  profile_id: string | null;
  identifier_type: string | null;
  identifier_value: string | null;
  external_id: string | null;
  survey_id: string | null;
  response_id: string | null;
  question_id: string | null;
  sentiment_label: string;
  sentiment_score: number;
  analysis: string;
  metadata: string;
  followup_status: string | null;
  followup: string;
  occurred_at: number;
  received_at: number;
}

export interface TemplatesTable {
  workspace_id: string;
  id: string;
  name: string;
  description: string | null;
  category: 'marketing' | 'transactional';
  group_id: string | null;
  default_locale: string | null;
  variants: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface ContentBlocksTable {
  workspace_id: string;
  name: string;
  description: string | null;
  variants: string;
  updated_at: number;
}

export interface ChannelSettingsTable {
  workspace_id: string;
  channel: string;
  config: string;
  updated_at: number;
}

export interface SubscriptionGroupsTable {
  workspace_id: string;
  id: string;
  channel: string;
  labels: string;
  mode: 'opt_in' | 'opt_out';
  created_at: number;
}

export interface ConsentsTable {
  workspace_id: string;
  profile_id: string;
  channel: string;
  group_id: string;
  state: 'subscribed' | 'unsubscribed';
  reason: string;
  source: string;
  updated_at: number;
}

export interface PushSubscriptionsTable {
  workspace_id: string;
  id: string;
  profile_id: string;
  endpoint: string;
  keys: string;
  created_at: number;
  updated_at: number;
}

export interface SigningSecretsTable {
  workspace_id: string;
  purpose: string;
  secret: string;
  created_at: number;
}

export interface DeliveriesTable {
  workspace_id: string;
  id: string;
  profile_id: string | null;
  channel: string;
  category: 'marketing' | 'transactional';
  template_id: string | null;
  group_id: string | null;
  process_id: string | null;
  instance_id: string | null;
  node: string | null;
  status: string;
  reason: string | null;
  locale: string | null;
  provider: string | null;
  provider_message_id: string | null;
  created_at: number;
  opened_at: number | null;
  clicked_at: number | null;
}

export interface UsersTable {
  workspace_id: string;
  id: string;
  /** Lower-cased; unique per workspace. */
  email: string;
  name: string;
  role: string;
  locale: string;
  /** `scrypt$N$r$p$salt$hash`: the parameters travel with the hash so they can change later. */
  password_hash: string;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

export interface SessionsTable {
  workspace_id: string;
  id: string;
  user_id: string;
  /** SHA-256 of the cookie token. */
  token_hash: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  user_agent: string | null;
  ip: string | null;
}

export interface InvitationsTable {
  workspace_id: string;
  id: string;
  email: string;
  role: string;
  /** SHA-256 of the one-time link token. */
  token_hash: string;
  invited_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
}

export interface AuditLogTable {
  workspace_id: string;
  id: string;
  at: number;
  actor_type: 'user' | 'key' | 'system';
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  method: string | null;
  route: string | null;
  resource_id: string | null;
  status: number | null;
  ip: string | null;
  /** JSON text. */
  summary: string | null;
}
