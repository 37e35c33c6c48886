table api_keys
  workspace_id text not null
  id text not null
  kind text not null
  name text not null
  prefix text not null
  key_hash text not null
  created_at bigint not null
  revoked_at bigint

table audit_log
  workspace_id text not null
  id text not null
  at bigint not null
  actor_type text not null
  actor_id text
  actor_label text
  action text not null
  method text
  route text
  resource_id text
  status integer
  ip text
  summary text

table channel_settings
  workspace_id text not null
  channel text not null
  config text not null
  updated_at bigint not null

table computed_traits
  workspace_id text not null
  id text not null
  name text not null
  definition text not null
  created_at bigint not null
  updated_at bigint not null

table consents
  workspace_id text not null
  profile_id text not null
  channel text not null
  group_id text not null
  state text not null
  reason text not null
  source text not null
  updated_at bigint not null

table content_blocks
  workspace_id text not null
  name text not null
  description text
  variants text not null
  updated_at bigint not null

table cursors
  workspace_id text not null
  consumer text not null
  position bigint not null
  updated_at bigint not null

table deliveries
  workspace_id text not null
  id text not null
  profile_id text
  channel text not null
  category text not null
  template_id text
  group_id text
  process_id text
  instance_id text
  node text
  status text not null
  reason text
  locale text
  provider text
  provider_message_id text
  created_at bigint not null
  opened_at bigint
  clicked_at bigint

table erasures
  workspace_id text not null
  id text not null
  profile_id text not null
  events_deleted bigint not null
  identities_deleted bigint not null
  requested_by text not null
  created_at bigint not null

table events
  seq bigint not null default nextval('events_seq_seq'::regclass)
  workspace_id text not null
  message_id text not null
  type text not null
  name text
  user_id text
  anonymous_id text
  profile_id text
  channel text not null
  touchpoint text
  timestamp bigint not null
  received_at bigint not null
  payload text not null

table feedback
  workspace_id text not null
  id text not null
  source text not null
  channel text not null
  touchpoint text
  text text not null
  rating double precision
  rating_min integer
  rating_max integer
  language text not null
  profile_id text
  identifier_type text
  identifier_value text
  external_id text
  survey_id text
  response_id text
  question_id text
  sentiment_label text not null
  sentiment_score double precision not null
  analysis text not null
  metadata text not null default '{}'::text
  followup_status text
  followup text not null default '[]'::text
  occurred_at bigint not null
  received_at bigint not null

table identities
  workspace_id text not null
  type text not null
  value text not null
  profile_id text not null
  created_at bigint not null

table identity_conflicts
  workspace_id text not null
  id text not null
  profile_id text not null
  event_seq bigint
  identifier_type text not null
  identifier_value text not null
  reason text not null
  other_profile_id text
  detail text not null
  created_at bigint not null

table invitations
  workspace_id text not null
  id text not null
  email text not null
  role text not null
  token_hash text not null
  invited_by text
  created_at bigint not null
  expires_at bigint not null
  accepted_at bigint

table jobs
  workspace_id text not null
  id text not null
  kind text not null
  key text not null
  run_at bigint not null
  payload text not null default '{}'::text
  attempts integer not null default 0
  locked_by text
  locked_until bigint
  last_error text
  created_at bigint not null

table merges
  workspace_id text not null
  id text not null
  target_profile_id text not null
  source_profile_id text not null
  event_seq bigint
  reason text not null
  created_at bigint not null

table omnicx_migrations
  name character varying not null
  timestamp character varying not null

table omnicx_migrations_lock
  id character varying not null
  is_locked integer not null default 0

table outbox
  workspace_id text not null
  id text not null
  key text not null
  kind text not null
  profile_id text
  process_id text
  instance_id text
  node text
  payload text not null
  status text not null
  attempts integer not null default 0
  next_attempt_at bigint not null
  locked_by text
  locked_until bigint
  last_error text
  result text
  created_at bigint not null
  updated_at bigint not null

table personas
  workspace_id text not null
  id text not null
  name text not null
  description text not null default ''::text
  goals text not null default '[]'::text
  critical_needs text not null default '[]'::text
  preferred_channels text not null default '[]'::text
  image_url text
  segment_id text not null
  created_at bigint not null
  updated_at bigint not null

table process_bulk_starts
  workspace_id text not null
  id text not null
  process_id text not null
  source text not null
  status text not null
  total bigint not null default 0
  done bigint not null default 0
  started bigint not null default 0
  skipped bigint not null default 0
  cursor text
  created_at bigint not null
  updated_at bigint not null

table process_entries
  workspace_id text not null
  process_id text not null
  profile_id text not null
  total integer not null
  running integer not null
  recent text not null default '[]'::text
  last_entered_at bigint not null

table process_history
  workspace_id text not null
  instance_id text not null
  seq integer not null
  at bigint not null
  node text
  kind text not null
  detail text

table process_instances
  workspace_id text not null
  id text not null
  process_id text not null
  version integer not null
  profile_id text not null
  status text not null
  node text
  running integer not null
  state text not null
  started_at bigint not null
  updated_at bigint not null
  ended_at bigint

table process_node_stats
  workspace_id text not null
  process_id text not null
  version integer not null
  node text not null
  counter text not null
  value bigint not null

table process_versions
  workspace_id text not null
  process_id text not null
  version integer not null
  definition text not null
  published_at bigint not null

table processes
  workspace_id text not null
  id text not null
  name text not null
  description text not null default ''::text
  status text not null
  draft text not null
  published_version integer
  created_at bigint not null
  updated_at bigint not null

table profiles
  workspace_id text not null
  id text not null
  merged_into text
  traits text not null
  trait_times text not null
  channels text not null
  first_seen_at bigint not null
  last_seen_at bigint not null
  event_count bigint not null
  created_at bigint not null
  updated_at bigint not null
  aggregates text not null default '{}'::text
  memberships text not null default '[]'::text

table push_subscriptions
  workspace_id text not null
  id text not null
  profile_id text not null
  endpoint text not null
  keys text not null
  created_at bigint not null
  updated_at bigint not null

table score_models
  workspace_id text not null
  id text not null
  name text not null
  definition text not null
  created_at bigint not null
  updated_at bigint not null

table segment_members
  workspace_id text not null
  segment_id text not null
  profile_id text not null
  since bigint not null

table segment_sizes
  workspace_id text not null
  segment_id text not null
  hour bigint not null
  size bigint not null

table segments
  workspace_id text not null
  id text not null
  kind text not null
  name text not null
  description text not null default ''::text
  rule text
  status text not null
  version integer not null
  build_done bigint not null default 0
  build_total bigint not null default 0
  build_cursor text
  size bigint not null default 0
  created_at bigint not null
  updated_at bigint not null

table sessions
  workspace_id text not null
  id text not null
  user_id text not null
  token_hash text not null
  created_at bigint not null
  expires_at bigint not null
  last_seen_at bigint not null
  user_agent text
  ip text

table signing_secrets
  workspace_id text not null
  purpose text not null
  secret text not null
  created_at bigint not null

table subscription_groups
  workspace_id text not null
  id text not null
  channel text not null
  labels text not null
  mode text not null
  created_at bigint not null

table survey_displays
  workspace_id text not null
  id text not null
  survey_id text not null
  visitor_key text not null
  shown_at bigint not null

table survey_links
  workspace_id text not null
  id text not null
  survey_id text not null
  profile_id text not null
  language text
  channel text not null
  touchpoint text
  created_at bigint not null
  expires_at bigint not null

table survey_responses
  workspace_id text not null
  id text not null
  survey_id text not null
  survey_version integer not null
  link_id text
  profile_id text
  anonymous_id text
  user_id text
  source text not null
  channel text not null
  touchpoint text
  language text not null
  answers text not null
  completed integer not null
  end_screen text
  nps integer
  resume_hash text
  saves integer not null
  followup_status text
  followup text not null default '[]'::text
  started_at bigint not null
  updated_at bigint not null
  completed_at bigint

table survey_secrets
  workspace_id text not null
  secret text not null
  created_at bigint not null

table surveys
  workspace_id text not null
  id text not null
  name text not null
  status text not null
  version integer not null
  definition text not null
  settings text not null default '{}'::text
  created_at bigint not null
  updated_at bigint not null

table tasks
  workspace_id text not null
  id text not null
  kind text not null
  profile_id text
  title text not null
  note text
  status text not null
  assignee text
  due_at bigint
  source text not null default '{}'::text
  created_at bigint not null
  updated_at bigint not null

table templates
  workspace_id text not null
  id text not null
  name text not null
  description text
  category text not null
  group_id text
  default_locale text
  variants text not null
  version integer not null
  created_at bigint not null
  updated_at bigint not null

table users
  workspace_id text not null
  id text not null
  email text not null
  name text not null
  role text not null
  locale text not null
  password_hash text not null
  disabled_at bigint
  created_at bigint not null
  updated_at bigint not null
  last_login_at bigint

table workspaces
  workspace_id text not null
  name text not null
  settings text not null default '{}'::text
  created_at bigint not null

indexes
  CREATE UNIQUE INDEX api_keys_key_hash_key ON public.api_keys USING btree (key_hash);
  CREATE UNIQUE INDEX api_keys_pkey ON public.api_keys USING btree (id);
  CREATE INDEX api_keys_workspace ON public.api_keys USING btree (workspace_id, kind);
  CREATE INDEX audit_log_action ON public.audit_log USING btree (workspace_id, action, id);
  CREATE INDEX audit_log_actor ON public.audit_log USING btree (workspace_id, actor_id, id);
  CREATE INDEX audit_log_actor_label ON public.audit_log USING btree (workspace_id, actor_label, id);
  CREATE UNIQUE INDEX audit_log_pk ON public.audit_log USING btree (workspace_id, id);
  CREATE UNIQUE INDEX channel_settings_pk ON public.channel_settings USING btree (workspace_id, channel);
  CREATE UNIQUE INDEX computed_traits_pk ON public.computed_traits USING btree (workspace_id, id);
  CREATE UNIQUE INDEX consents_pk ON public.consents USING btree (workspace_id, profile_id, channel, group_id);
  CREATE UNIQUE INDEX content_blocks_pk ON public.content_blocks USING btree (workspace_id, name);
  CREATE UNIQUE INDEX cursors_pk ON public.cursors USING btree (workspace_id, consumer);
  CREATE UNIQUE INDEX deliveries_pk ON public.deliveries USING btree (workspace_id, id);
  CREATE INDEX deliveries_profile ON public.deliveries USING btree (workspace_id, profile_id, channel, created_at);
  CREATE INDEX deliveries_provider ON public.deliveries USING btree (workspace_id, provider_message_id);
  CREATE UNIQUE INDEX erasures_pkey ON public.erasures USING btree (id);
  CREATE INDEX events_log ON public.events USING btree (workspace_id, seq);
  CREATE UNIQUE INDEX events_message_id ON public.events USING btree (workspace_id, message_id);
  CREATE UNIQUE INDEX events_pkey ON public.events USING btree (seq);
  CREATE INDEX events_timeline ON public.events USING btree (workspace_id, profile_id, "timestamp", seq);
  CREATE UNIQUE INDEX feedback_external ON public.feedback USING btree (workspace_id, source, external_id);
  CREATE UNIQUE INDEX feedback_pk ON public.feedback USING btree (workspace_id, id);
  CREATE INDEX feedback_profile ON public.feedback USING btree (workspace_id, profile_id);
  CREATE INDEX feedback_time ON public.feedback USING btree (workspace_id, occurred_at);
  CREATE UNIQUE INDEX identities_pk ON public.identities USING btree (workspace_id, type, value);
  CREATE INDEX identities_profile ON public.identities USING btree (workspace_id, profile_id);
  CREATE INDEX identities_value ON public.identities USING btree (workspace_id, value);
  CREATE UNIQUE INDEX identity_conflicts_pkey ON public.identity_conflicts USING btree (id);
  CREATE INDEX identity_conflicts_profile ON public.identity_conflicts USING btree (workspace_id, profile_id);
  CREATE INDEX invitations_email ON public.invitations USING btree (workspace_id, email);
  CREATE UNIQUE INDEX invitations_pk ON public.invitations USING btree (workspace_id, id);
  CREATE UNIQUE INDEX invitations_token ON public.invitations USING btree (token_hash);
  CREATE INDEX jobs_due ON public.jobs USING btree (run_at);
  CREATE UNIQUE INDEX jobs_key ON public.jobs USING btree (workspace_id, kind, key);
  CREATE UNIQUE INDEX jobs_pkey ON public.jobs USING btree (id);
  CREATE UNIQUE INDEX merges_pkey ON public.merges USING btree (id);
  CREATE INDEX merges_target ON public.merges USING btree (workspace_id, target_profile_id);
  CREATE UNIQUE INDEX omnicx_migrations_lock_pkey ON public.omnicx_migrations_lock USING btree (id);
  CREATE UNIQUE INDEX omnicx_migrations_pkey ON public.omnicx_migrations USING btree (name);
  CREATE INDEX outbox_due ON public.outbox USING btree (status, next_attempt_at);
  CREATE INDEX outbox_instance ON public.outbox USING btree (workspace_id, instance_id);
  CREATE UNIQUE INDEX outbox_key ON public.outbox USING btree (workspace_id, key);
  CREATE UNIQUE INDEX outbox_pkey ON public.outbox USING btree (id);
  CREATE UNIQUE INDEX personas_pk ON public.personas USING btree (workspace_id, id);
  CREATE UNIQUE INDEX process_bulk_starts_pk ON public.process_bulk_starts USING btree (workspace_id, id);
  CREATE UNIQUE INDEX process_entries_pk ON public.process_entries USING btree (workspace_id, process_id, profile_id);
  CREATE UNIQUE INDEX process_history_pk ON public.process_history USING btree (workspace_id, instance_id, seq);
  CREATE UNIQUE INDEX process_instances_pk ON public.process_instances USING btree (workspace_id, id);
  CREATE INDEX process_instances_process ON public.process_instances USING btree (workspace_id, process_id, running, node);
  CREATE INDEX process_instances_profile ON public.process_instances USING btree (workspace_id, profile_id, running);
  CREATE UNIQUE INDEX process_node_stats_pk ON public.process_node_stats USING btree (workspace_id, process_id, version, node, counter);
  CREATE UNIQUE INDEX process_versions_pk ON public.process_versions USING btree (workspace_id, process_id, version);
  CREATE UNIQUE INDEX processes_pk ON public.processes USING btree (workspace_id, id);
  CREATE INDEX profiles_last_seen ON public.profiles USING btree (workspace_id, last_seen_at);
  CREATE INDEX profiles_merged_into ON public.profiles USING btree (workspace_id, merged_into);
  CREATE UNIQUE INDEX profiles_pk ON public.profiles USING btree (workspace_id, id);
  CREATE UNIQUE INDEX push_subscriptions_pk ON public.push_subscriptions USING btree (workspace_id, id);
  CREATE INDEX push_subscriptions_profile ON public.push_subscriptions USING btree (workspace_id, profile_id);
  CREATE UNIQUE INDEX score_models_pk ON public.score_models USING btree (workspace_id, id);
  CREATE UNIQUE INDEX segment_members_pk ON public.segment_members USING btree (workspace_id, segment_id, profile_id);
  CREATE INDEX segment_members_profile ON public.segment_members USING btree (workspace_id, profile_id);
  CREATE UNIQUE INDEX segment_sizes_pk ON public.segment_sizes USING btree (workspace_id, segment_id, hour);
  CREATE UNIQUE INDEX segments_pk ON public.segments USING btree (workspace_id, id);
  CREATE INDEX sessions_expires ON public.sessions USING btree (expires_at);
  CREATE UNIQUE INDEX sessions_pk ON public.sessions USING btree (workspace_id, id);
  CREATE UNIQUE INDEX sessions_token ON public.sessions USING btree (token_hash);
  CREATE INDEX sessions_user ON public.sessions USING btree (workspace_id, user_id);
  CREATE UNIQUE INDEX signing_secrets_pk ON public.signing_secrets USING btree (workspace_id, purpose);
  CREATE UNIQUE INDEX subscription_groups_pk ON public.subscription_groups USING btree (workspace_id, id);
  CREATE UNIQUE INDEX survey_displays_pk ON public.survey_displays USING btree (workspace_id, id);
  CREATE INDEX survey_displays_survey ON public.survey_displays USING btree (workspace_id, survey_id, shown_at);
  CREATE INDEX survey_displays_visitor ON public.survey_displays USING btree (workspace_id, visitor_key, shown_at);
  CREATE INDEX survey_links_id ON public.survey_links USING btree (id);
  CREATE UNIQUE INDEX survey_links_pk ON public.survey_links USING btree (workspace_id, id);
  CREATE INDEX survey_links_survey ON public.survey_links USING btree (workspace_id, survey_id, created_at);
  CREATE INDEX survey_responses_anonymous ON public.survey_responses USING btree (workspace_id, anonymous_id);
  CREATE INDEX survey_responses_link ON public.survey_responses USING btree (workspace_id, link_id);
  CREATE UNIQUE INDEX survey_responses_pk ON public.survey_responses USING btree (workspace_id, id);
  CREATE INDEX survey_responses_profile ON public.survey_responses USING btree (workspace_id, profile_id);
  CREATE INDEX survey_responses_survey ON public.survey_responses USING btree (workspace_id, survey_id, started_at);
  CREATE UNIQUE INDEX survey_secrets_pkey ON public.survey_secrets USING btree (workspace_id);
  CREATE INDEX surveys_id ON public.surveys USING btree (id);
  CREATE UNIQUE INDEX surveys_pk ON public.surveys USING btree (workspace_id, id);
  CREATE UNIQUE INDEX tasks_pk ON public.tasks USING btree (workspace_id, id);
  CREATE INDEX tasks_profile ON public.tasks USING btree (workspace_id, profile_id);
  CREATE INDEX tasks_status ON public.tasks USING btree (workspace_id, status);
  CREATE UNIQUE INDEX templates_pk ON public.templates USING btree (workspace_id, id);
  CREATE UNIQUE INDEX users_email ON public.users USING btree (workspace_id, email);
  CREATE INDEX users_email_any ON public.users USING btree (email);
  CREATE INDEX users_id ON public.users USING btree (id);
  CREATE UNIQUE INDEX users_pk ON public.users USING btree (workspace_id, id);
  CREATE UNIQUE INDEX workspaces_pkey ON public.workspaces USING btree (workspace_id);
