table api_keys
  workspace_id text not null
  id text not null
  kind text not null
  name text not null
  prefix text not null
  key_hash text not null
  created_at bigint not null
  revoked_at bigint

table computed_traits
  workspace_id text not null
  id text not null
  name text not null
  definition text not null
  created_at bigint not null
  updated_at bigint not null

table cursors
  workspace_id text not null
  consumer text not null
  position bigint not null
  updated_at bigint not null

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

table workspaces
  workspace_id text not null
  name text not null
  settings text not null default '{}'::text
  created_at bigint not null

indexes
  CREATE UNIQUE INDEX api_keys_key_hash_key ON public.api_keys USING btree (key_hash);
  CREATE UNIQUE INDEX api_keys_pkey ON public.api_keys USING btree (id);
  CREATE INDEX api_keys_workspace ON public.api_keys USING btree (workspace_id, kind);
  CREATE UNIQUE INDEX computed_traits_pk ON public.computed_traits USING btree (workspace_id, id);
  CREATE UNIQUE INDEX cursors_pk ON public.cursors USING btree (workspace_id, consumer);
  CREATE UNIQUE INDEX erasures_pkey ON public.erasures USING btree (id);
  CREATE INDEX events_log ON public.events USING btree (workspace_id, seq);
  CREATE UNIQUE INDEX events_message_id ON public.events USING btree (workspace_id, message_id);
  CREATE UNIQUE INDEX events_pkey ON public.events USING btree (seq);
  CREATE INDEX events_timeline ON public.events USING btree (workspace_id, profile_id, "timestamp", seq);
  CREATE UNIQUE INDEX identities_pk ON public.identities USING btree (workspace_id, type, value);
  CREATE INDEX identities_profile ON public.identities USING btree (workspace_id, profile_id);
  CREATE INDEX identities_value ON public.identities USING btree (workspace_id, value);
  CREATE UNIQUE INDEX identity_conflicts_pkey ON public.identity_conflicts USING btree (id);
  CREATE INDEX identity_conflicts_profile ON public.identity_conflicts USING btree (workspace_id, profile_id);
  CREATE INDEX jobs_due ON public.jobs USING btree (run_at);
  CREATE UNIQUE INDEX jobs_key ON public.jobs USING btree (workspace_id, kind, key);
  CREATE UNIQUE INDEX jobs_pkey ON public.jobs USING btree (id);
  CREATE UNIQUE INDEX merges_pkey ON public.merges USING btree (id);
  CREATE INDEX merges_target ON public.merges USING btree (workspace_id, target_profile_id);
  CREATE UNIQUE INDEX omnicx_migrations_lock_pkey ON public.omnicx_migrations_lock USING btree (id);
  CREATE UNIQUE INDEX omnicx_migrations_pkey ON public.omnicx_migrations USING btree (name);
  CREATE UNIQUE INDEX personas_pk ON public.personas USING btree (workspace_id, id);
  CREATE INDEX profiles_last_seen ON public.profiles USING btree (workspace_id, last_seen_at);
  CREATE INDEX profiles_merged_into ON public.profiles USING btree (workspace_id, merged_into);
  CREATE UNIQUE INDEX profiles_pk ON public.profiles USING btree (workspace_id, id);
  CREATE UNIQUE INDEX score_models_pk ON public.score_models USING btree (workspace_id, id);
  CREATE UNIQUE INDEX segment_members_pk ON public.segment_members USING btree (workspace_id, segment_id, profile_id);
  CREATE INDEX segment_members_profile ON public.segment_members USING btree (workspace_id, profile_id);
  CREATE UNIQUE INDEX segment_sizes_pk ON public.segment_sizes USING btree (workspace_id, segment_id, hour);
  CREATE UNIQUE INDEX segments_pk ON public.segments USING btree (workspace_id, id);
  CREATE UNIQUE INDEX workspaces_pkey ON public.workspaces USING btree (workspace_id);
