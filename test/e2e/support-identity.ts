// Helpers shared by the identity and Segment-client end-to-end tests: a server per dialect, typed calls to the
// profile API, and a barrier that waits until the asynchronous pipeline has processed everything sent so far.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ProfileView, TimelineEntry } from '@omnicx/engine';
import type { TestDialect } from '@omnicx/store/testing';
import { adminGet, eventually, ingest, startServer, type RunningServer } from '../support/server';

export type { ProfileView, TimelineEntry };

/** The API's error body. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** One merge as identity-history shows it. */
export interface MergeView {
  id: string;
  targetProfileId: string;
  sourceProfileId: string;
  eventSeq: number | null;
  linkedBy: { type: string; value: string }[];
}

/** One refused identifier as identity-history shows it. */
export interface ConflictView {
  profileId: string;
  identifierType: string;
  identifierValue: string;
  reason: string;
  otherProfileId: string | null;
  detail: string;
}

export interface TimelinePage {
  profileId: string;
  events: TimelineEntry[];
  next: string | null;
}

/** A server running on a fresh database of one dialect; `stop` stops it and drops the database. */
export interface DialectServer {
  s: RunningServer;
  stop(): Promise<void>;
}

/**
 * Opens a fresh database of `dialect`, closes the test's own connection (SQLite locks the file), and starts
 * `omnicx start` on it. `stop` always kills the process and always drops the database, even after a failure.
 */
export async function startOnDialect(dialect: TestDialect): Promise<DialectServer> {
  const db = await dialect.open();
  await db.store.close();
  let s: RunningServer;
  try {
    s = await startServer({ ...db.config, timeoutMs: 30000 });
  } catch (e) {
    await db.cleanup();
    throw e;
  }
  return {
    s,
    async stop() {
      try {
        const code = await s.stop();
        assert.equal(code, 0, `the server should exit cleanly on SIGTERM:\n${s.output()}`);
      } finally {
        await s.kill9();
        await db.cleanup();
      }
    },
  };
}

/** A unique id for one test, so tests sharing a server never touch each other's profiles. */
export function uid(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Sends one ingestion request and asserts it was accepted. */
export async function send(s: RunningServer, route: string, body: unknown): Promise<void> {
  const r = await ingest(s, route, body);
  assert.equal(r.status, 200, `POST /v1/${route} should be accepted: ${JSON.stringify(r.body)}`);
}

/** Looks a profile up by one identifier (`userId=...`, `email=...`); 200 → the profile, otherwise the error. */
export async function lookup(
  s: RunningServer,
  param: 'userId' | 'anonymousId' | 'email' | 'phone',
  value: string,
) {
  return adminGet<ProfileView & ErrorBody>(
    s,
    `/api/v1/profiles/lookup?${param}=${encodeURIComponent(value)}`,
  );
}

/** Waits until an identifier resolves to a profile for which `ready` holds, and returns that profile. */
export async function lookupWhen(
  s: RunningServer,
  param: 'userId' | 'anonymousId' | 'email' | 'phone',
  value: string,
  ready: (p: ProfileView) => boolean = () => true,
): Promise<ProfileView> {
  return eventually(async () => {
    const r = await lookup(s, param, value);
    return r.status === 200 && ready(r.body) && (r.body as ProfileView);
  });
}

/** A profile by id (a merged-away id resolves to the survivor). */
export async function getProfile(s: RunningServer, id: string) {
  return adminGet<ProfileView & ErrorBody>(s, `/api/v1/profiles/${encodeURIComponent(id)}`);
}

/** One page of a profile's timeline, newest first. */
export async function timeline(s: RunningServer, id: string, query = ''): Promise<TimelinePage> {
  const r = await adminGet<TimelinePage & ErrorBody>(
    s,
    `/api/v1/profiles/${encodeURIComponent(id)}/events${query ? `?${query}` : ''}`,
  );
  assert.equal(r.status, 200, `timeline of ${id}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Every event of a profile's timeline, following `next` (newest first). */
export async function fullTimeline(s: RunningServer, id: string, pageSize = 500): Promise<TimelineEntry[]> {
  const out: TimelineEntry[] = [];
  let before: string | null = null;
  for (;;) {
    const page = await timeline(
      s,
      id,
      `limit=${pageSize}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
    );
    out.push(...page.events);
    if (!page.next) return out;
    before = page.next;
  }
}

/** Merges into a profile and identifiers refused for it. */
export async function identityHistory(
  s: RunningServer,
  id: string,
): Promise<{ merges: MergeView[]; conflicts: ConflictView[] }> {
  const r = await adminGet<{ merges: MergeView[]; conflicts: ConflictView[] } & ErrorBody>(
    s,
    `/api/v1/profiles/${encodeURIComponent(id)}/identity-history`,
  );
  assert.equal(r.status, 200, `identity-history of ${id}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Waits until the pipeline has processed everything accepted so far: sends a marker event with a fresh user
 * id and waits until it has a profile. The pipeline processes the log in order, so every event accepted
 * before the marker has been processed too. Used before asserting that something did NOT happen.
 */
export async function settled(s: RunningServer): Promise<void> {
  const marker = uid('settle-marker');
  await send(s, 'track', { userId: marker, event: 'Pipeline Marker' });
  await lookupWhen(s, 'userId', marker);
}

/** A POST with an arbitrary Authorization header (or none). */
export async function postWith(s: RunningServer, path: string, authorization: string | null, body: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  const res = await fetch(s.url + path, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as ErrorBody };
}

/** HTTP Basic with the key as user name and an empty password, as Segment SDKs authenticate. */
export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
