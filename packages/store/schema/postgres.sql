table api_keys
  workspace_id text not null
  id text not null
  kind text not null
  name text not null
  prefix text not null
  key_hash text not null
  created_at bigint not null
  revoked_at bigint

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

table workspaces
  workspace_id text not null
  name text not null
  settings text not null default '{}'::text
  created_at bigint not null

indexes
  CREATE UNIQUE INDEX api_keys_key_hash_key ON public.api_keys USING btree (key_hash);
  CREATE UNIQUE INDEX api_keys_pkey ON public.api_keys USING btree (id);
  CREATE INDEX api_keys_workspace ON public.api_keys USING btree (workspace_id, kind);
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
  CREATE UNIQUE INDEX merges_pkey ON public.merges USING btree (id);
  CREATE INDEX merges_target ON public.merges USING btree (workspace_id, target_profile_id);
  CREATE UNIQUE INDEX omnicx_migrations_lock_pkey ON public.omnicx_migrations_lock USING btree (id);
  CREATE UNIQUE INDEX omnicx_migrations_pkey ON public.omnicx_migrations USING btree (name);
  CREATE INDEX profiles_last_seen ON public.profiles USING btree (workspace_id, last_seen_at);
  CREATE INDEX profiles_merged_into ON public.profiles USING btree (workspace_id, merged_into);
  CREATE UNIQUE INDEX profiles_pk ON public.profiles USING btree (workspace_id, id);
  CREATE UNIQUE INDEX workspaces_pkey ON public.workspaces USING btree (workspace_id);
