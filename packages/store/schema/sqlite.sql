-- index api_keys_workspace
CREATE INDEX "api_keys_workspace" on "api_keys" ("workspace_id", "kind");

-- index events_log
CREATE INDEX "events_log" on "events" ("workspace_id", "seq");

-- index events_message_id
CREATE UNIQUE INDEX "events_message_id" on "events" ("workspace_id", "message_id");

-- index events_timeline
CREATE INDEX "events_timeline" on "events" ("workspace_id", "profile_id", "timestamp", "seq");

-- index identities_profile
CREATE INDEX "identities_profile" on "identities" ("workspace_id", "profile_id");

-- index identities_value
CREATE INDEX "identities_value" on "identities" ("workspace_id", "value");

-- index identity_conflicts_profile
CREATE INDEX "identity_conflicts_profile" on "identity_conflicts" ("workspace_id", "profile_id");

-- index jobs_due
CREATE INDEX "jobs_due" on "jobs" ("run_at");

-- index jobs_key
CREATE UNIQUE INDEX "jobs_key" on "jobs" ("workspace_id", "kind", "key");

-- index merges_target
CREATE INDEX "merges_target" on "merges" ("workspace_id", "target_profile_id");

-- index profiles_last_seen
CREATE INDEX "profiles_last_seen" on "profiles" ("workspace_id", "last_seen_at");

-- index profiles_merged_into
CREATE INDEX "profiles_merged_into" on "profiles" ("workspace_id", "merged_into");

-- index segment_members_profile
CREATE INDEX "segment_members_profile" on "segment_members" ("workspace_id", "profile_id");

-- table api_keys
CREATE TABLE "api_keys" ("workspace_id" text not null references "workspaces" ("workspace_id"), "id" text primary key, "kind" text not null, "name" text not null, "prefix" text not null, "key_hash" text not null unique, "created_at" bigint not null, "revoked_at" bigint);

-- table computed_traits
CREATE TABLE "computed_traits" ("workspace_id" text not null, "id" text not null, "name" text not null, "definition" text not null, "created_at" bigint not null, "updated_at" bigint not null, constraint "computed_traits_pk" primary key ("workspace_id", "id"));

-- table cursors
CREATE TABLE "cursors" ("workspace_id" text not null, "consumer" text not null, "position" bigint not null, "updated_at" bigint not null, constraint "cursors_pk" primary key ("workspace_id", "consumer"));

-- table erasures
CREATE TABLE "erasures" ("workspace_id" text not null, "id" text primary key, "profile_id" text not null, "events_deleted" bigint not null, "identities_deleted" bigint not null, "requested_by" text not null, "created_at" bigint not null);

-- table events
CREATE TABLE "events" ("seq" integer primary key autoincrement, "workspace_id" text not null, "message_id" text not null, "type" text not null, "name" text, "user_id" text, "anonymous_id" text, "profile_id" text, "channel" text not null, "touchpoint" text, "timestamp" bigint not null, "received_at" bigint not null, "payload" text not null);

-- table identities
CREATE TABLE "identities" ("workspace_id" text not null, "type" text not null, "value" text not null, "profile_id" text not null, "created_at" bigint not null, constraint "identities_pk" primary key ("workspace_id", "type", "value"));

-- table identity_conflicts
CREATE TABLE "identity_conflicts" ("workspace_id" text not null, "id" text primary key, "profile_id" text not null, "event_seq" bigint, "identifier_type" text not null, "identifier_value" text not null, "reason" text not null, "other_profile_id" text, "detail" text not null, "created_at" bigint not null);

-- table jobs
CREATE TABLE "jobs" ("workspace_id" text not null, "id" text not null primary key, "kind" text not null, "key" text not null, "run_at" bigint not null, "payload" text default '{}' not null, "attempts" integer default 0 not null, "locked_by" text, "locked_until" bigint, "last_error" text, "created_at" bigint not null);

-- table merges
CREATE TABLE "merges" ("workspace_id" text not null, "id" text primary key, "target_profile_id" text not null, "source_profile_id" text not null, "event_seq" bigint, "reason" text not null, "created_at" bigint not null);

-- table omnicx_migrations
CREATE TABLE "omnicx_migrations" ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null);

-- table omnicx_migrations_lock
CREATE TABLE "omnicx_migrations_lock" ("id" varchar(255) not null primary key, "is_locked" integer default 0 not null);

-- table personas
CREATE TABLE "personas" ("workspace_id" text not null, "id" text not null, "name" text not null, "description" text default '' not null, "goals" text default '[]' not null, "critical_needs" text default '[]' not null, "preferred_channels" text default '[]' not null, "image_url" text, "segment_id" text not null, "created_at" bigint not null, "updated_at" bigint not null, constraint "personas_pk" primary key ("workspace_id", "id"));

-- table profiles
CREATE TABLE "profiles" ("workspace_id" text not null, "id" text not null, "merged_into" text, "traits" text not null, "trait_times" text not null, "channels" text not null, "first_seen_at" bigint not null, "last_seen_at" bigint not null, "event_count" bigint not null, "created_at" bigint not null, "updated_at" bigint not null, "aggregates" text default '{}' not null, "memberships" text default '[]' not null, constraint "profiles_pk" primary key ("workspace_id", "id"));

-- table score_models
CREATE TABLE "score_models" ("workspace_id" text not null, "id" text not null, "name" text not null, "definition" text not null, "created_at" bigint not null, "updated_at" bigint not null, constraint "score_models_pk" primary key ("workspace_id", "id"));

-- table segment_members
CREATE TABLE "segment_members" ("workspace_id" text not null, "segment_id" text not null, "profile_id" text not null, "since" bigint not null, constraint "segment_members_pk" primary key ("workspace_id", "segment_id", "profile_id"));

-- table segment_sizes
CREATE TABLE "segment_sizes" ("workspace_id" text not null, "segment_id" text not null, "hour" bigint not null, "size" bigint not null, constraint "segment_sizes_pk" primary key ("workspace_id", "segment_id", "hour"));

-- table segments
CREATE TABLE "segments" ("workspace_id" text not null, "id" text not null, "kind" text not null, "name" text not null, "description" text default '' not null, "rule" text, "status" text not null, "version" integer not null, "build_done" bigint default 0 not null, "build_total" bigint default 0 not null, "build_cursor" text, "size" bigint default 0 not null, "created_at" bigint not null, "updated_at" bigint not null, constraint "segments_pk" primary key ("workspace_id", "id"));

-- table workspaces
CREATE TABLE "workspaces" ("workspace_id" text primary key, "name" text not null, "settings" text default '{}' not null, "created_at" bigint not null);
