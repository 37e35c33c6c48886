// Aggregates for the console dashboard: events per day per channel over the last N days.
import type { Store } from '@omnicx/store';
import type { Clock } from './ports';

export const DAY_MS = 86_400_000;

export interface EventStatsDay {
  /** The instant the (viewer-local) day starts, epoch ms. */
  start: number;
  /** The day as YYYY-MM-DD in the viewer's offset. */
  date: string;
  /** Events per channel that day (channels without events are absent). */
  counts: Record<string, number>;
  total: number;
}

export interface EventStats {
  from: number;
  to: number;
  offsetMinutes: number;
  days: EventStatsDay[];
  /** Every channel seen in the range with its total, most events first. */
  channels: { channel: string; total: number }[];
  total: number;
}

export class StatsService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * Events per day and channel for the last `days` days including today. `offsetMinutes` is the viewer's
   * offset from UTC (Tehran is +210) so days start at the viewer's midnight. Every day is present, empty
   * days with total 0, oldest first.
   */
  async eventsPerDay(workspaceId: string, days: number, offsetMinutes = 0): Promise<EventStats> {
    const offsetMs = Math.trunc(offsetMinutes) * 60_000;
    const today = Math.floor((this.clock.now() + offsetMs) / DAY_MS);
    const first = today - days + 1;
    const from = first * DAY_MS - offsetMs;
    const to = (today + 1) * DAY_MS - offsetMs;
    const rows = await this.store.events.countsByDayAndChannel(workspaceId, from, to, offsetMs);
    const out: EventStatsDay[] = [];
    for (let d = first; d <= today; d++) {
      out.push({
        start: d * DAY_MS - offsetMs,
        date: new Date(d * DAY_MS).toISOString().slice(0, 10),
        counts: {},
        total: 0,
      });
    }
    const totals = new Map<string, number>();
    for (const r of rows) {
      const day = out[r.day - first];
      if (!day) continue;
      day.counts[r.channel] = (day.counts[r.channel] ?? 0) + r.count;
      day.total += r.count;
      totals.set(r.channel, (totals.get(r.channel) ?? 0) + r.count);
    }
    const channels = [...totals.entries()]
      .map(([channel, total]) => ({ channel, total }))
      .sort((a, b) => b.total - a.total || a.channel.localeCompare(b.channel));
    return {
      from,
      to,
      offsetMinutes: Math.trunc(offsetMinutes),
      days: out,
      channels,
      total: channels.reduce((a, c) => a + c.total, 0),
    };
  }
}
