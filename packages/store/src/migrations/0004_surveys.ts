import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../adapter';

/**
 * Voice of the customer (issue 6): surveys, the per-workspace secret that signs personal survey links, the
 * links handed out and the widget displays (the denominators of response rates and the inputs of fatigue
 * rules), responses (partial ones too), and feedback records from every channel with their text analysis.
 * Booleans are integers 0/1; scores are double precision in both dialects.
 */
export async function up(db: Kysely<unknown>, _a: DialectAdapter): Promise<void> {
  await db.schema
    .createTable('surveys')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // draft: not answerable; active; closed: no longer answerable, results kept.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('surveys_pk', ['workspace_id', 'id'])
    .execute();
  // Anonymous survey pages (/s/:surveyId) find the survey by its globally unique id alone.
  await db.schema.createIndex('surveys_id').on('surveys').column('id').execute();

  // One HMAC key per workspace for personal links; never leaves the server.
  await db.schema
    .createTable('survey_secrets')
    .addColumn('workspace_id', 'text', (c) => c.notNull().primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('survey_links')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('touchpoint', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_links_pk', ['workspace_id', 'id'])
    .execute();
  // Personal links are opened by id alone (the token names the link, not the workspace).
  await db.schema.createIndex('survey_links_id').on('survey_links').column('id').execute();
  await db.schema
    .createIndex('survey_links_survey')
    .on('survey_links')
    .columns(['workspace_id', 'survey_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('survey_responses')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'text', (c) => c.notNull())
    .addColumn('survey_version', 'integer', (c) => c.notNull())
    .addColumn('link_id', 'text')
    .addColumn('profile_id', 'text')
    .addColumn('anonymous_id', 'text')
    .addColumn('user_id', 'text')
    // link, anonymous or widget.
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('touchpoint', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('completed', 'integer', (c) => c.notNull())
    .addColumn('end_screen', 'text')
    .addColumn('nps', 'integer')
    // SHA-256 of the key an anonymous respondent's page holds to continue its own response.
    .addColumn('resume_hash', 'text')
    // How many times it was saved: numbers the Survey Responded events so retries dedupe.
    .addColumn('saves', 'integer', (c) => c.notNull())
    .addColumn('followup_status', 'text')
    .addColumn('followup', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .addPrimaryKeyConstraint('survey_responses_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('survey_responses_survey')
    .on('survey_responses')
    .columns(['workspace_id', 'survey_id', 'started_at'])
    .execute();
  await db.schema
    .createIndex('survey_responses_link')
    .on('survey_responses')
    .columns(['workspace_id', 'link_id'])
    .execute();
  await db.schema
    .createIndex('survey_responses_profile')
    .on('survey_responses')
    .columns(['workspace_id', 'profile_id'])
    .execute();
  await db.schema
    .createIndex('survey_responses_anonymous')
    .on('survey_responses')
    .columns(['workspace_id', 'anonymous_id'])
    .execute();

  await db.schema
    .createTable('survey_displays')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'text', (c) => c.notNull())
    // The profile id when known, else "anon:<anonymousId>": what fatigue rules count by.
    .addColumn('visitor_key', 'text', (c) => c.notNull())
    .addColumn('shown_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_displays_pk', ['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('survey_displays_visitor')
    .on('survey_displays')
    .columns(['workspace_id', 'visitor_key', 'shown_at'])
    .execute();
  await db.schema
    .createIndex('survey_displays_survey')
    .on('survey_displays')
    .columns(['workspace_id', 'survey_id', 'shown_at'])
    .execute();

  await db.schema
    .createTable('feedback')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('touchpoint', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('rating', 'double precision')
    .addColumn('rating_min', 'integer')
    .addColumn('rating_max', 'integer')
    // The language given or detected (fa, ar, en, unknown).
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text')
    // The identifier it named the customer by, while no profile holds it yet.
    .addColumn('identifier_type', 'text')
    .addColumn('identifier_value', 'text')
    .addColumn('external_id', 'text')
    .addColumn('survey_id', 'text')
    .addColumn('response_id', 'text')
    .addColumn('question_id', 'text')
    .addColumn('sentiment_label', 'text', (c) => c.notNull())
    .addColumn('sentiment_score', 'double precision', (c) => c.notNull())
    // JSON: { analyzer, keywords, aspects } (what themes are grouped by).
    .addColumn('analysis', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('followup_status', 'text')
    .addColumn('followup', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('feedback_pk', ['workspace_id', 'id'])
    .execute();
  // A repeated (source, externalId) is stored once (NULL external ids never collide).
  await db.schema
    .createIndex('feedback_external')
    .on('feedback')
    .columns(['workspace_id', 'source', 'external_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('feedback_time')
    .on('feedback')
    .columns(['workspace_id', 'occurred_at'])
    .execute();
  await db.schema
    .createIndex('feedback_profile')
    .on('feedback')
    .columns(['workspace_id', 'profile_id'])
    .execute();
}
