// The CX manager's first screen: events per channel over time, active processes, survey score trends with
// their sample sizes, and the newest unhappy comments. Each card loads on its own and shows only what the
// user's role may read.
import { useMemo, useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { useApi } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import {
  Badge,
  BarChart,
  Card,
  EmptyState,
  ErrorBanner,
  LineChart,
  Select,
  Spinner,
  type Series,
} from '../../ui';
import { channelLabel } from '../customers/channels';

interface EventStats {
  days: { start: number; date: string; counts: Record<string, number>; total: number }[];
  channels: { channel: string; total: number }[];
  total: number;
}
interface Process {
  id: string;
  name: string;
  status: string;
}
interface Survey {
  id: string;
  name: string;
  status: string;
}
interface Metric {
  metric: string;
  n: number;
  value: number | null;
  smallSample: boolean;
  marginOfError: number | null;
}
interface Metrics {
  surveyId: string;
  metric: string;
  overall: Metric;
  series?: { start: string; result: Metric }[];
}
interface Feedback {
  id: string;
  source: string;
  channel: string;
  text: string;
  rating: number | null;
  ratingScale: { min: number; max: number } | null;
  sentiment: { label: string; score: number };
  profileId: string | null;
  surveyId: string | null;
  occurredAt: string;
}

const offsetMinutes = () => -new Date().getTimezoneOffset();

function EventsCard() {
  const { t, num } = useI18n();
  const [days, setDays] = useState('30');
  const stats = useApi(
    () => api.get<EventStats>('/api/v1/stats/events', { days, offsetMinutes: offsetMinutes() }),
    [days],
  );
  const series: Series[] = useMemo(() => {
    const d = stats.data;
    if (!d) return [];
    const top = d.channels.slice(0, 6).map((c) => c.channel);
    const rest = d.channels.slice(6).map((c) => c.channel);
    const out: Series[] = top.map((ch) => ({
      label: channelLabel(t, ch),
      points: d.days.map((day) => ({ x: day.start, y: day.counts[ch] ?? 0 })),
    }));
    if (rest.length)
      out.push({
        label: t('dashboard.otherChannels'),
        points: d.days.map((day) => ({
          x: day.start,
          y: rest.reduce((a, ch) => a + (day.counts[ch] ?? 0), 0),
        })),
      });
    return out;
  }, [stats.data, t]);
  return (
    <Card
      title={t('dashboard.events')}
      id="dash-events"
      className="grid-wide"
      actions={
        <Select
          label={t('dashboard.range')}
          hideLabel
          value={days}
          onChange={setDays}
          options={[7, 30, 90].map((n) => ({ value: String(n), label: t('dashboard.lastDays', { n }) }))}
        />
      }
    >
      {stats.loading ? (
        <Spinner />
      ) : stats.error ? (
        <ErrorBanner error={stats.error} onRetry={stats.reload} />
      ) : stats.data && stats.data.total > 0 ? (
        <>
          <p className="muted">{t('dashboard.eventsTotal', { n: stats.data.total })}</p>
          <BarChart series={series} stacked label={t('dashboard.eventsChart', { n: Number(days) })} />
          <ul className="chips" aria-label={t('dashboard.perChannel')}>
            {stats.data.channels.map((c) => (
              <li key={c.channel} className="badge">
                {channelLabel(t, c.channel)}: {num(c.total)}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <EmptyState title={t('dashboard.noEvents')}>{t('dashboard.noEventsHelp')}</EmptyState>
      )}
    </Card>
  );
}

function ProcessesCard() {
  const { t, num } = useI18n();
  const processes = useApi(() => api.get<{ processes: Process[] }>('/api/v1/processes'), []);
  const live = processes.data?.processes.filter((p) => p.status === 'published') ?? [];
  return (
    <Card title={t('dashboard.activeProcesses')} id="dash-processes">
      {processes.loading ? (
        <Spinner />
      ) : processes.error ? (
        <ErrorBanner error={processes.error} onRetry={processes.reload} />
      ) : (
        <>
          <p className="stat" data-testid="active-processes">
            {num(live.length)}
          </p>
          <p className="muted">{t('dashboard.processesOf', { n: processes.data?.processes.length ?? 0 })}</p>
          <ul>
            {live.slice(0, 5).map((p) => (
              <li key={p.id}>
                <Link to={`/automation/${p.id}`}>{p.name}</Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

const METRIC_ORDER = ['nps', 'csat', 'ces'];

function ScoresCard() {
  const { t, num, locale } = useI18n();
  const data = useApi(async () => {
    const { surveys } = await api.get<{ surveys: Survey[] }>('/api/v1/surveys');
    const chosen = surveys.filter((s) => s.status !== 'draft').slice(0, 8);
    const results = await Promise.all(
      chosen.map((s) =>
        api
          .get<Metrics>(`/api/v1/surveys/${encodeURIComponent(s.id)}/metrics`, {
            interval: 'week',
            utcOffsetMinutes: offsetMinutes(),
            calendar: locale === 'fa' ? 'persian' : 'gregorian',
          })
          .then((m) => ({ survey: s, m }))
          .catch(() => null),
      ),
    );
    return results.filter(
      (x): x is { survey: Survey; m: Metrics } => x !== null && METRIC_ORDER.includes(x.m.metric),
    );
  }, [locale]);
  const byMetric = METRIC_ORDER.map((metric) => ({
    metric,
    rows: (data.data ?? []).filter((x) => x.m.metric === metric),
  })).filter((g) => g.rows.length > 0);
  return (
    <Card title={t('dashboard.scores')} id="dash-scores" className="grid-wide">
      {data.loading ? (
        <Spinner />
      ) : data.error ? (
        <ErrorBanner error={data.error} onRetry={data.reload} />
      ) : byMetric.length === 0 ? (
        <EmptyState title={t('dashboard.noScores')}>{t('dashboard.noScoresHelp')}</EmptyState>
      ) : (
        <div className="grid">
          {byMetric.map((g) => (
            <div key={g.metric} data-testid={`trend-${g.metric}`}>
              <h3>{t(`dashboard.metric.${g.metric}`)}</h3>
              <LineChart
                label={t('dashboard.trendChart', { metric: t(`dashboard.metric.${g.metric}`) })}
                series={g.rows.map((r) => ({
                  label: r.survey.name,
                  points: (r.m.series ?? [])
                    .filter((b) => b.result.value !== null)
                    .map((b) => ({ x: Date.parse(b.start), y: Math.round((b.result.value ?? 0) * 10) / 10 })),
                }))}
              />
              <ul className="stack-tight">
                {g.rows.map((r) => (
                  <li key={r.survey.id}>
                    <strong>{r.survey.name}</strong>:{' '}
                    {r.m.overall.value === null ? '—' : num(Math.round(r.m.overall.value * 10) / 10)}{' '}
                    <span className="muted">{t('dashboard.sample', { n: r.m.overall.n })}</span>{' '}
                    {r.m.overall.smallSample && <Badge tone="warn">{t('dashboard.smallSample')}</Badge>}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}

/** Negative sentiment, or a rating in the bottom of its scale (NPS 0–6). */
export function isDetractor(f: Feedback): boolean {
  if (f.rating !== null && f.ratingScale) {
    const span = f.ratingScale.max - f.ratingScale.min;
    if (span > 0 && (f.rating - f.ratingScale.min) / span <= 0.6) return true;
  }
  return f.sentiment.label === 'negative';
}

function DetractorsCard() {
  const { t, date } = useI18n();
  const { can } = useAuth();
  const items = useApi(() => api.get<{ items: Feedback[] }>('/api/v1/feedback', { limit: 100 }), []);
  const list = (items.data?.items ?? []).filter(isDetractor).slice(0, 6);
  return (
    <Card title={t('dashboard.detractors')} id="dash-detractors">
      {items.loading ? (
        <Spinner />
      ) : items.error ? (
        <ErrorBanner error={items.error} onRetry={items.reload} />
      ) : list.length === 0 ? (
        <EmptyState title={t('dashboard.noDetractors')} />
      ) : (
        list.map((f) => (
          <blockquote key={f.id} className="comment">
            <p dir="auto">{f.text}</p>
            <footer className="tl-meta">
              <span>{date(Date.parse(f.occurredAt))}</span>
              <span>{channelLabel(t, f.channel)}</span>
              {f.rating !== null && <span>{t('dashboard.rating', { n: f.rating })}</span>}
              {f.profileId && can('profiles:read') && (
                <Link to={`/customers/${encodeURIComponent(f.profileId)}`}>
                  {t('dashboard.openCustomer')}
                </Link>
              )}
            </footer>
          </blockquote>
        ))
      )}
    </Card>
  );
}

export default function Dashboard() {
  const { t } = useI18n();
  const { can, user } = useAuth();
  const cards = [
    can('analytics:read') && <EventsCard key="events" />,
    can('processes:read') && <ProcessesCard key="processes" />,
    can('feedback:read') && <DetractorsCard key="detractors" />,
    can('surveys:read') && <ScoresCard key="scores" />,
  ].filter(Boolean);
  return (
    <div>
      <h1>{t('dashboard.title')}</h1>
      <p className="muted">{t('dashboard.welcome', { name: user?.name || user?.email || '' })}</p>
      {cards.length ? (
        <div className="grid">{cards}</div>
      ) : (
        <EmptyState title={t('dashboard.nothing')}>
          {can('profiles:read') && <Link to="/customers">{t('dashboard.goCustomers')}</Link>}
        </EmptyState>
      )}
    </div>
  );
}
