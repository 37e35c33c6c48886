-- index api_keys_workspace
CREATE INDEX "api_keys_workspace" on "api_keys" ("workspace_id", "kind");

-- index audit_log_action
CREATE INDEX "audit_log_action" on "audit_log" ("workspace_id", "action", "id");

-- index audit_log_actor
CREATE INDEX "audit_log_actor" on "audit_log" ("workspace_id", "actor_id", "id");

-- index audit_log_actor_label
CREATE INDEX "audit_log_actor_label" on "audit_log" ("workspace_id", "actor_label", "id");

-- index deliveries_profile
CREATE INDEX "deliveries_profile" on "deliveries" ("workspace_id", "profile_id", "channel", "created_at");

-- index deliveries_provider
CREATE INDEX "deliveries_provider" on "deliveries" ("workspace_id", "provider_message_id");

-- index events_log
CREATE INDEX "events_log" on "events" ("workspace_id", "seq");

-- index events_message_id
CREATE UNIQUE INDEX "events_message_id" on "events" ("workspace_id", "message_id");

-- index events_timeline
CREATE INDEX "events_timeline" on "events" ("workspace_id", "profile_id", "timestamp", "seq");

-- index feedback_external
CREATE UNIQUE INDEX "feedback_external" on "feedback" ("workspace_id", "source", "external_id");

-- index feedback_profile
CREATE INDEX "feedback_profile" on "feedback" ("workspace_id", "profile_id");

-- index feedback_time
CREATE INDEX "feedback_time" on "feedback" ("workspace_id", "occurred_at");

-- index identities_profile
CREATE INDEX "identities_profile" on "identities" ("workspace_id", "profile_id");

-- index identities_value
CREATE INDEX "identities_value" on "identities" ("workspace_id", "value");

-- index identity_conflicts_profile
CREATE INDEX "identity_conflicts_profile" on "identity_conflicts" ("workspace_id", "profile_id");

-- index invitations_email
CREATE INDEX "invitations_email" on "invitations" ("workspace_id", "email");

-- index invitations_token
CREATE UNIQUE INDEX "invitations_token" on "invitations" ("token_hash");

-- index jobs_due
CREATE INDEX "jobs_due" on "jobs" ("run_at");

-- index jobs_key
CREATE UNIQUE INDEX "jobs_key" on "jobs" ("workspace_id", "kind", "key");

-- index merges_target
CREATE INDEX "merges_target" on "merges" ("workspace_id", "target_profile_id");

-- index outbox_due
CREATE INDEX "outbox_due" on "outbox" ("status", "next_attempt_at");

-- index outbox_instance
CREATE INDEX "outbox_instance" on "outbox" ("workspace_id", "instance_id");

-- index outbox_key
CREATE UNIQUE INDEX "outbox_key" on "outbox" ("workspace_id", "key");

-- index process_instances_process
CREATE INDEX "process_instances_process" on "process_instances" ("workspace_id", "process_id", "running", "node");

-- index process_instances_profile
CREATE INDEX "process_instances_profile" on "process_instances" ("workspace_id", "profile_id", "running");

-- index profiles_last_seen
CREATE INDEX "profiles_last_seen" on "profiles" ("workspace_id", "last_seen_at");

-- index profiles_merged_into
CREATE INDEX "profiles_merged_into" on "profiles" ("workspace_id", "merged_into");

-- index push_subscriptions_profile
CREATE INDEX "push_subscriptions_profile" on "push_subscriptions" ("workspace_id", "profile_id");

-- index segment_members_profile
CREATE INDEX "segment_members_profile" on "segment_members" ("workspace_id", "profile_id");

-- index sessions_expires
CREATE INDEX "sessions_expires" on "sessions" ("expires_at");

-- index sessions_token
CREATE UNIQUE INDEX "sessions_token" on "sessions" ("token_hash");

-- index sessions_user
CREATE INDEX "sessions_user" on "sessions" ("workspace_id", "user_id");

-- index survey_displays_survey
CREATE INDEX "survey_displays_survey" on "survey_displays" ("workspace_id", "survey_id", "shown_at");

-- index survey_displays_visitor
CREATE INDEX "survey_displays_visitor" on "survey_displays" ("workspace_id", "visitor_key", "shown_at");

-- index survey_links_id
CREATE INDEX "survey_links_id" on "survey_links" ("id");

-- index survey_links_survey
CREATE INDEX "survey_links_survey" on "survey_links" ("workspace_id", "survey_id", "created_at");

-- index survey_responses_anonymous
CREATE INDEX "survey_responses_anonymous" on "survey_responses" ("workspace_id", "anonymous_id");

-- index survey_responses_link
CREATE INDEX "survey_responses_link" on "survey_responses" ("workspace_id", "link_id");

-- index survey_responses_profile
CREATE INDEX "survey_responses_profile" on "survey_responses" ("workspace_id", "profile_id");

-- index survey_responses_survey
CREATE INDEX "survey_responses_survey" on "survey_responses" ("workspace_id", "survey_id", "started_at");

-- index surveys_id
CREATE INDEX "surveys_id" on "surveys" ("id");

-- index tasks_profile
CREATE INDEX "tasks_profile" on "tasks" ("workspace_id", "profile_id");

-- index tasks_status
CREATE INDEX "tasks_status" on "tasks" ("workspace_id", "status");

-- index users_email
CREATE UNIQUE INDEX "users_email" on "users" ("workspace_id", "email");

-- index users_email_any
CREATE INDEX "users_email_any" on "users" ("email");

-- index users_id
CREATE INDEX "users_id" on "users" ("id");

-- table api_keys
CREATE TABLE "api_keys" ("workspace_id" text not null references "workspaces" ("workspace_id"), "id" text primary key, "kind" text not null, "name" text not null, "prefix" text not null, "key_hash" text not null unique, "created_at" bigint not null, "revoked_at" bigint);

-- table audit_log
CREATE TABLE "audit_log" ("workspace_id" text not null, "id" text not null, "at" bigint not null, "actor_type" text not null, "actor_id" text, "actor_label" text, "action" text not null, "method" text, "route" text, "resource_id" text, "status" integer, "ip" text, "summary" text, constraint "audit_log_pk" primary key ("workspace_id", "id"));

-- table channel_settings
CREATE TABLE "channel_settings" ("workspace_id" text not null, "channel" text not null, "config" text not null, "updated_at" bigint not null, constraint "channel_settings_pk" primary key ("workspace_id", "channel"));

-- table computed_traits
CREATE TABLE "computed_traits" ("workspace_id" text not null, "id" text not null, "name" text not null, "definition" text not null, "created_at" bigint not null, "updated_at" bigint not null, constraint "computed_traits_pk" primary key ("workspace_id", "id"));

-- table consents
CREATE TABLE "consents" ("workspace_id" text not null, "profile_id" text not null, "channel" text not null, "group_id" text not null, "state" text not null, "reason" text not null, "source" text not null, "updated_at" bigint not null, constraint "consents_pk" primary key ("workspace_id", "profile_id", "channel", "group_id"));

-- table content_blocks
CREATE TABLE "content_blocks" ("workspace_id" text not null, "name" text not null, "description" text, "variants" text not null, "updated_at" bigint not null, constraint "content_blocks_pk" primary key ("workspace_id", "name"));

-- table cursors
CREATE TABLE "cursors" ("workspace_id" text not null, "consumer" text not null, "position" bigint not null, "updated_at" bigint not null, constraint "cursors_pk" primary key ("workspace_id", "consumer"));

-- table deliveries
CREATE TABLE "deliveries" ("workspace_id" text not null, "id" text not null, "profile_id" text, "channel" text not null, "category" text not null, "template_id" text, "group_id" text, "process_id" text, "instance_id" text, "node" text, "status" text not null, "reason" text, "locale" text, "provider" text, "provider_message_id" text, "created_at" bigint not null, "opened_at" bigint, "clicked_at" bigint, constraint "deliveries_pk" primary key ("workspace_id", "id"));

-- table erasures
CREATE TABLE "erasures" ("workspace_id" text not null, "id" text primary key, "profile_id" text not null, "events_deleted" bigint not null, "identities_deleted" bigint not null, "requested_by" text not null, "created_at" bigint not null);

-- table events
CREATE TABLE "events" ("seq" integer primary key autoincrement, "workspace_id" text not null, "message_id" text not null, "type" text not null, "name" text, "user_id" text, "anonymous_id" text, "profile_id" text, "channel" text not null, "touchpoint" text, "timestamp" bigint not null, "received_at" bigint not null, "payload" text not null);

-- table feedback
CREATE TABLE "feedback" ("workspace_id" text not null, "id" text not null, "source" text not null, "channel" text not null, "touchpoint" text, "text" text not null, "rating" double precision, "rating_min" integer, "rating_max" integer, "language" text not null, "profile_id" text, "identifier_type" text, "identifier_value" text, "external_id" text, "survey_id" text, "response_id" text, "question_id" text, "sentiment_label" text not null, "sentiment_score" double precision not null, "analysis" text not null, "metadata" text default '{}' not null, "followup_status" text, "followup" text default '[]' not null, "occurred_at" bigint not null, "received_at" bigint not null, constraint "feedback_pk" primary key ("workspace_id", "id"));

-- table identities
CREATE TABLE "identities" ("workspace_id" text not null, "type" text not null, "value" text not null, "profile_id" text not null, "created_at" bigint not null, constraint "identities_pk" primary key ("workspace_id", "type", "value"));

-- table identity_conflicts
CREATE TABLE "identity_conflicts" ("workspace_id" text not null, "id" text primary key, "profile_id" text not null, "event_seq" bigint, "identifier_type" text not null, "identifier_value" text not null, "reason" text not null, "other_profile_id" text, "detail" text not null, "created_at" bigint not null);

-- table invitations
CREATE TABLE "invitations" ("workspace_id" text not null, "id" text not null, "email" text not null, "role" text not null, "token_hash" text not null, "invited_by" text, "created_at" bigint not null, "expires_at" bigint not null, "accepted_at" bigint, constraint "invitations_pk" primary key ("workspace_id", "id"));

-- table jobs
CREATE TABLE "jobs" ("workspace_id" text not null, "id" text not null primary key, "kind" text not null, "key" text not null, "run_at" bigint not null, "payload" text default '{}' not null, "attempts" integer default 0 not null, "locked_by" text, "locked_until" bigint, "last_error" text, "created_at" bigint not null);

-- table merges
CREATE TABLE "merges" ("workspace_id" text not null, "id" text primary key, "target_profile_id" text not null, "source_profile_id" text not null, "event_seq" bigint, "reason" text not null, "created_at" bigint not null);

-- table omnicx_migrations
CREATE TABLE "omnicx_migrations" ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null);

-- table omnicx_migrations_lock
CREATE TABLE "omnicx_migrations_lock" ("id" varchar(255) not null primary key, "is_locked" integer default 0 not null);

-- table outbox
CREATE TABLE "outbox" ("workspace_id" text not null, "id" text not null primary key, "key" text not null, "kind" text not null, "profile_id" text, "process_id" text, "instance_id" text, "node" text, "payload" text not null, "status" text not null, "attempts" integer default 0 not null, "next_attempt_at" bigint not null, "locked_by" text, "locked_until" bigint, "last_error" text, "result" text, "created_at" bigint not null, "updated_at" bigint not null);

-- table personas
CREATE TABLE "personas" ("workspace_id" text not null, "id" text not null, "name" text not null, "description" text default '' not null, "goals" text default '[]' not null, "critical_needs" text default '[]' not null, "preferred_channels" text default '[]' not null, "image_url" text, "segment_id" text not null, "created_at" bigint not null, "updated_at" bigint not null, constraint "personas_pk" primary key ("workspace_id", "id"));

-- table process_bulk_starts
CREATE TABLE "process_bulk_starts" ("workspace_id" text not null, "id" text not null, "process_id" text not null, "source" text not null, "status" text not null, "total" bigint default 0 not null, "done" bigint default 0 not null, "started" bigint default 0 not null, "skipped" bigint default 0 not null, "cursor" text, "created_at" bigint not null, "updated_at" bigint not null, constraint "process_bulk_starts_pk" primary key ("workspace_id", "id"));

-- table process_entries
CREATE TABLE "process_entries" ("workspace_id" text not null, "process_id" text not null, "profile_id" text not null, "total" integer not null, "running" integer not null, "recent" text default '[]' not null, "last_entered_at" bigint not null, constraint "process_entries_pk" primary key ("workspace_id", "process_id", "profile_id"));

-- table process_history
CREATE TABLE "process_history" ("workspace_id" text not null, "instance_id" text not null, "seq" integer not null, "at" bigint not null, "node" text, "kind" text not null, "detail" text, constraint "process_history_pk" primary key ("workspace_id", "instance_id", "seq"));

-- table process_instances
CREATE TABLE "process_instances" ("workspace_id" text not null, "id" text not null, "process_id" text not null, "version" integer not null, "profile_id" text not null, "status" text not null, "node" text, "running" integer not null, "state" text not null, "started_at" bigint not null, "updated_at" bigint not null, "ended_at" bigint, constraint "process_instances_pk" primary key ("workspace_id", "id"));

-- table process_node_stats
CREATE TABLE "process_node_stats" ("workspace_id" text not null, "process_id" text not null, "version" integer not null, "node" text not null, "counter" text not null, "value" bigint not null, constraint "process_node_stats_pk" primary key ("workspace_id", "process_id", "version", "node", "counter"));

-- table process_versions
CREATE TABLE "process_versions" ("workspace_id" text not null, "process_id" text not null, "version" integer not null, "definition" text not null, "published_at" bigint not null, constraint "process_versions_pk" primary key ("workspace_id", "process_id", "version"));

-- table processes
CREATE TABLE "processes" ("workspace_id" text not null, "id" text not null, "name" text not null, "description" text default '' not null, "status" text not null, "draft" text not null, "published_version" integer, "created_at" bigint not null, "updated_at" bigint not null, constraint "processes_pk" primary key ("workspace_id", "id"));

-- table profiles
CREATE TABLE "profiles" ("workspace_id" text not null, "id" text not null, "merged_into" text, "traits" text not null, "trait_times" text not null, "channels" text not null, "first_seen_at" bigint not null, "last_seen_at" bigint not null, "event_count" bigint not null, "created_at" bigint not null, "updated_at" bigint not null, "aggregates" text default '{}' not null, "memberships" text default '[]' not null, constraint "profiles_pk" primary key ("workspace_id", "id"));

-- table push_subscriptions
CREATE TABLE "push_subscriptions" ("workspace_id" text not null, "id" text not null, "profile_id" text not null, "endpoint" text not null, "keys" text not null, "created_at" bigint not null, "updated_at" bigint not null, constraint "push_subscriptions_pk" primary key ("workspace_id", "id"));

-- table score_models
CREATE TABLE "score_models" ("workspace_id" text not null, "id" text not null, "name" text not null, "definition" text not null, "created_at" bigint not null, "updated_at" bigint not null, constraint "score_models_pk" primary key ("workspace_id", "id"));

-- table segment_members
CREATE TABLE "segment_members" ("workspace_id" text not null, "segment_id" text not null, "profile_id" text not null, "since" bigint not null, constraint "segment_members_pk" primary key ("workspace_id", "segment_id", "profile_id"));

-- table segment_sizes
CREATE TABLE "segment_sizes" ("workspace_id" text not null, "segment_id" text not null, "hour" bigint not null, "size" bigint not null, constraint "segment_sizes_pk" primary key ("workspace_id", "segment_id", "hour"));

-- table segments
CREATE TABLE "segments" ("workspace_id" text not null, "id" text not null, "kind" text not null, "name" text not null, "description" text default '' not null, "rule" text, "status" text not null, "version" integer not null, "build_done" bigint default 0 not null, "build_total" bigint default 0 not null, "build_cursor" text, "size" bigint default 0 not null, "created_at" bigint not null, "updated_at" bigint not null, constraint "segments_pk" primary key ("workspace_id", "id"));

-- table sessions
CREATE TABLE "sessions" ("workspace_id" text not null, "id" text not null, "user_id" text not null, "token_hash" text not null, "created_at" bigint not null, "expires_at" bigint not null, "last_seen_at" bigint not null, "user_agent" text, "ip" text, constraint "sessions_pk" primary key ("workspace_id", "id"));

-- table signing_secrets
CREATE TABLE "signing_secrets" ("workspace_id" text not null, "purpose" text not null, "secret" text not null, "created_at" bigint not null, constraint "signing_secrets_pk" primary key ("workspace_id", "purpose"));

-- table subscription_groups
CREATE TABLE "subscription_groups" ("workspace_id" text not null, "id" text not null, "channel" text not null, "labels" text not null, "mode" text not null, "created_at" bigint not null, constraint "subscription_groups_pk" primary key ("workspace_id", "id"));

-- table survey_displays
CREATE TABLE "survey_displays" ("workspace_id" text not null, "id" text not null, "survey_id" text not null, "visitor_key" text not null, "shown_at" bigint not null, constraint "survey_displays_pk" primary key ("workspace_id", "id"));

-- table survey_links
CREATE TABLE "survey_links" ("workspace_id" text not null, "id" text not null, "survey_id" text not null, "profile_id" text not null, "language" text, "channel" text not null, "touchpoint" text, "created_at" bigint not null, "expires_at" bigint not null, constraint "survey_links_pk" primary key ("workspace_id", "id"));

-- table survey_responses
CREATE TABLE "survey_responses" ("workspace_id" text not null, "id" text not null, "survey_id" text not null, "survey_version" integer not null, "link_id" text, "profile_id" text, "anonymous_id" text, "user_id" text, "source" text not null, "channel" text not null, "touchpoint" text, "language" text not null, "answers" text not null, "completed" integer not null, "end_screen" text, "nps" integer, "resume_hash" text, "saves" integer not null, "followup_status" text, "followup" text default '[]' not null, "started_at" bigint not null, "updated_at" bigint not null, "completed_at" bigint, constraint "survey_responses_pk" primary key ("workspace_id", "id"));

-- table survey_secrets
CREATE TABLE "survey_secrets" ("workspace_id" text not null primary key, "secret" text not null, "created_at" bigint not null);

-- table surveys
CREATE TABLE "surveys" ("workspace_id" text not null, "id" text not null, "name" text not null, "status" text not null, "version" integer not null, "definition" text not null, "settings" text default '{}' not null, "created_at" bigint not null, "updated_at" bigint not null, constraint "surveys_pk" primary key ("workspace_id", "id"));

-- table tasks
CREATE TABLE "tasks" ("workspace_id" text not null, "id" text not null, "kind" text not null, "profile_id" text, "title" text not null, "note" text, "status" text not null, "assignee" text, "due_at" bigint, "source" text default '{}' not null, "created_at" bigint not null, "updated_at" bigint not null, constraint "tasks_pk" primary key ("workspace_id", "id"));

-- table templates
CREATE TABLE "templates" ("workspace_id" text not null, "id" text not null, "name" text not null, "description" text, "category" text not null, "group_id" text, "default_locale" text, "variants" text not null, "version" integer not null, "created_at" bigint not null, "updated_at" bigint not null, constraint "templates_pk" primary key ("workspace_id", "id"));

-- table users
CREATE TABLE "users" ("workspace_id" text not null, "id" text not null, "email" text not null, "name" text not null, "role" text not null, "locale" text not null, "password_hash" text not null, "disabled_at" bigint, "created_at" bigint not null, "updated_at" bigint not null, "last_login_at" bigint, constraint "users_pk" primary key ("workspace_id", "id"));

-- table workspaces
CREATE TABLE "workspaces" ("workspace_id" text primary key, "name" text not null, "settings" text default '{}' not null, "created_at" bigint not null);
