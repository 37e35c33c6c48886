import { parseMessage, type IncomingEvent, type MessageType } from '@omnicx/core';
import type { Store } from '@omnicx/store';
import { buildEngine, newId, type Engine } from '../src/index';

/** A clock the test moves by hand. */
export function manualClock(start = Date.parse('2026-11-23T10:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** Parses a Segment message the way the API does (throws on invalid input: tests send valid messages). */
export function msg(
  type: MessageType,
  raw: Record<string, unknown>,
  receivedAt = Date.parse('2026-11-23T10:00:00Z'),
): IncomingEvent {
  const r = parseMessage(raw, { type, receivedAt, newMessageId: () => newId('msg') });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** An engine over the store with a bootstrapped workspace; returns its id. */
export async function engineWithWorkspace(
  store: Store,
  opts: { batchSize?: number; inline?: boolean } = {},
): Promise<{ engine: Engine; ws: string; clock: ReturnType<typeof manualClock> }> {
  const clock = manualClock();
  const engine = buildEngine({
    store,
    clock,
    pipeline: { batchSize: opts.batchSize ?? 1000, pollMs: 60000, inline: opts.inline },
  });
  const boot = await engine.workspaces.bootstrap({
    writeKey: 'wk_test_0123456789abcdef',
    secretKey: 'sk_test_0123456789abcdef',
  });
  return { engine, ws: boot.workspace.id, clock };
}
