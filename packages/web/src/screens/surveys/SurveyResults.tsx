// Results: NPS / CSAT / CES / rating over time with sample sizes and margins of error, answer distribution,
// breakdowns by segment / persona / channel / touchpoint, themes of the text answers, and the follow-up status
// of responses (closed loop). Uses GET /surveys/:id/metrics, /feedback/themes and /surveys/:id/responses.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { BarChart, LineChart } from '../../ui/charts';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Select } from '../../ui/Field';
import { EmptyState, ErrorBanner, Spinner } from '../../ui/States';
import { Table } from '../../ui/Table';
import { SCALE_TYPES, type Survey } from './model';

interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
  marginOfError: number | null;
}
interface Metric extends Estimate {
  metric: string;
  n: number;
  ignored: number;
  smallSample: boolean;
  counts: Record<string, number>;
  secondary: (Estimate & { label: string }) | null;
}
interface Metrics {
  question: { id: string; type: string };
  metric: string;
  from: string;
  to: string;
  overall: Metric;
  responseRate: Estimate & { responses: number; distributed: number; smallSample: boolean };
  series?: { start: string; result: Metric }[];
  breakdown?: { group: string; label: string; result: Metric }[];
}
interface Theme {
  id: string;
  kind: string;
  label: string;
  aspect?: string;
  count: number;
  topKeywords: ({ term?: string; text?: string; stem?: string } | string)[];
  sentiment: { average: number; positive: number; negative: number; neutral: number };
}
interface Response {
  id: string;
  profileId: string | null;
  language: string;
  answers: Record<string, { type: string; value: unknown }>;
  completed: boolean;
  nps: number | null;
  followupStatus: 'open' | 'contacted' | 'resolved' | null;
  followup: { status: string; by: string; at: string; note?: string }[];
  completedAt: string | null;
  startedAt: string;
}

const RANGES = [30, 90, 365];

export default function SurveyResults({ survey }: { survey: Survey }) {
  const { t, num, date } = useI18n();
  const scaleQs = survey.definition.questions.filter((q) => SCALE_TYPES.includes(q.type));
  const [question, setQuestion] = useState(scaleQs[0]?.id ?? '');
  const [interval, setInterval_] = useState<'day' | 'week' | 'month'>('day');
  const [days, setDays] = useState(90);
  const [by, setBy] = useState('');
  const [metrics, setMetrics] = useState<Metrics | undefined>();
  const [themes, setThemes] = useState<{ considered: number; themes: Theme[] } | undefined>();
  const [error, setError] = useState<unknown>();
  const { locale } = useI18n();

  const load = useCallback(() => {
    if (!question) return;
    setError(undefined);
    const to = Date.now();
    const from = to - days * 86_400_000;
    const base = {
      question,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      utcOffsetMinutes: -new Date().getTimezoneOffset(),
      ...(locale === 'fa' ? { calendar: 'persian' } : {}),
    };
    Promise.all([
      api.get<Metrics>(`/api/v1/surveys/${encodeURIComponent(survey.id)}/metrics`, { ...base, interval }),
      by
        ? api.get<Metrics>(`/api/v1/surveys/${encodeURIComponent(survey.id)}/metrics`, { ...base, by })
        : Promise.resolve(undefined),
    ])
      .then(([m, b]) => setMetrics(b ? { ...m, breakdown: b.breakdown ?? [] } : m))
      .catch(setError);
  }, [survey.id, question, interval, days, by, locale]);
  useEffect(load, [load]);

  useEffect(() => {
    api
      .get<{ considered: number; themes: Theme[] }>('/api/v1/feedback/themes', { surveyId: survey.id })
      .then(setThemes)
      .catch(() => setThemes({ considered: 0, themes: [] }));
  }, [survey.id]);

  const fmt = (v: number | null, metric: string) =>
    v === null
      ? '—'
      : metric === 'ces' || metric === 'mean'
        ? num(v, { maximumFractionDigits: 2 })
        : num(v, { maximumFractionDigits: 1 });
  const unit = (metric: string) => (metric === 'nps' ? '' : metric === 'ces' ? '' : '%');

  if (scaleQs.length === 0)
    return (
      <>
        <EmptyState title={t('surveys.noScaleQuestions')} />
        <Themes themes={themes} />
        <Followups survey={survey} />
      </>
    );

  const m = metrics?.overall;
  const series = (metrics?.series ?? []).filter((b) => b.result.n > 0);
  return (
    <div className="results">
      <div className="inline-fields results-controls">
        <Select
          label={t('surveys.question')}
          value={question}
          options={scaleQs.map((q) => ({
            value: q.id,
            label: `${q.title[locale] ?? q.title.en ?? q.id} (${t(`surveys.qtype.${q.type}`)})`,
          }))}
          onChange={setQuestion}
        />
        <Select
          label={t('surveys.period')}
          value={String(days)}
          options={RANGES.map((d) => ({ value: String(d), label: t('surveys.lastDays', { n: d }) }))}
          onChange={(s) => setDays(Number(s))}
        />
        <Select
          label={t('surveys.interval')}
          value={interval}
          options={['day', 'week', 'month'].map((x) => ({ value: x, label: t(`surveys.interval.${x}`) }))}
          onChange={(s) => setInterval_(s as 'day' | 'week' | 'month')}
        />
        <a
          className="btn btn-ghost"
          href={`/api/v1/surveys/${encodeURIComponent(survey.id)}/metrics?question=${encodeURIComponent(question)}&interval=${interval}&format=csv`}
        >
          {t('surveys.exportCsv')}
        </a>
      </div>
      <ErrorBanner error={error} onRetry={load} />
      {!metrics && !error && <Spinner />}
      {metrics && m && (
        <>
          <div className="kpis">
            <Card id="kpi-overall" title={t(`surveys.metric.${metrics.metric}`)}>
              <p className="big-count" data-testid="metric-value">
                {fmt(m.value, metrics.metric)}
                {m.value !== null && unit(metrics.metric)}
              </p>
              <p className="small" data-testid="metric-n">
                {t('surveys.sampleSize', { n: m.n })}
                {m.marginOfError !== null && (
                  <> · {t('surveys.moe', { moe: fmt(m.marginOfError, metrics.metric) })}</>
                )}
              </p>
              {m.low !== null && m.high !== null && (
                <p className="muted small">
                  {t('surveys.ci', { low: fmt(m.low, metrics.metric), high: fmt(m.high, metrics.metric) })}
                </p>
              )}
              {m.smallSample && <Badge tone="warn">{t('surveys.smallSample')}</Badge>}
              {m.secondary && (
                <p className="small">
                  {t(m.secondary.label === 'mean' ? 'surveys.secondary.mean' : 'surveys.secondary.agree')}:{' '}
                  {fmt(m.secondary.value, 'mean')}
                  {m.secondary.label === 'mean' ? '' : '%'}
                  {m.secondary.marginOfError !== null && ` ± ${fmt(m.secondary.marginOfError, 'mean')}`}
                </p>
              )}
            </Card>
            <Card id="kpi-rate" title={t('surveys.responseRate')}>
              <p className="big-count">
                {metrics.responseRate.value === null ? '—' : `${fmt(metrics.responseRate.value, 'rate')}%`}
              </p>
              <p className="small">
                {t('surveys.responsesOf', {
                  n: metrics.responseRate.responses,
                  d: metrics.responseRate.distributed,
                })}
              </p>
            </Card>
            <Card id="kpi-dist" title={t('surveys.distribution')}>
              <BarChart
                label={t('surveys.distribution')}
                height={160}
                series={[
                  {
                    label: t('surveys.answers'),
                    points: Object.entries(m.counts).map(([k, v]) => ({ x: t(`surveys.group.${k}`), y: v })),
                  },
                ]}
              />
            </Card>
          </div>
          <Card id="trend" title={t('surveys.trend', { metric: t(`surveys.metric.${metrics.metric}`) })}>
            {series.length === 0 ? (
              <p className="muted">{t('surveys.noAnswersYet')}</p>
            ) : (
              <>
                <LineChart
                  label={t('surveys.trend', { metric: t(`surveys.metric.${metrics.metric}`) })}
                  series={[
                    {
                      label: t(`surveys.metric.${metrics.metric}`),
                      points: series.map((b) => ({ x: Date.parse(b.start), y: b.result.value ?? 0 })),
                    },
                  ]}
                  {...(metrics.metric === 'nps' ? { yMin: -100, yMax: 100 } : {})}
                />
                <Table<{ start: string; result: Metric }>
                  caption={t('surveys.trendTable')}
                  rows={series}
                  rowKey={(b) => b.start}
                  columns={[
                    {
                      key: 'start',
                      header: t('surveys.periodStart'),
                      sortValue: (b) => b.start,
                      render: (b) => date(Date.parse(b.start), { dateStyle: 'medium' }),
                    },
                    {
                      key: 'value',
                      header: t(`surveys.metric.${metrics.metric}`),
                      numeric: true,
                      render: (b) => fmt(b.result.value, metrics.metric),
                    },
                    {
                      key: 'moe',
                      header: t('surveys.moeCol'),
                      numeric: true,
                      render: (b) =>
                        b.result.marginOfError === null
                          ? '—'
                          : `± ${fmt(b.result.marginOfError, metrics.metric)}`,
                    },
                    { key: 'n', header: t('surveys.nCol'), numeric: true, render: (b) => num(b.result.n) },
                  ]}
                />
              </>
            )}
          </Card>
          <Card id="breakdown" title={t('surveys.breakdown')}>
            <Select
              label={t('surveys.breakdownBy')}
              value={by}
              options={[
                { value: '', label: t('surveys.by.none') },
                ...['segment', 'persona', 'channel', 'touchpoint'].map((x) => ({
                  value: x,
                  label: t(`surveys.by.${x}`),
                })),
              ]}
              onChange={setBy}
            />
            {by && metrics.breakdown && (
              <Table<{ group: string; label: string; result: Metric }>
                caption={t('surveys.breakdown')}
                rows={metrics.breakdown}
                rowKey={(b) => b.group}
                empty={<p className="muted">{t('surveys.noGroups')}</p>}
                columns={[
                  {
                    key: 'label',
                    header: t(`surveys.by.${by}`),
                    sortValue: (b) => b.label,
                    render: (b) => b.label,
                  },
                  {
                    key: 'value',
                    header: t(`surveys.metric.${metrics.metric}`),
                    numeric: true,
                    sortValue: (b) => b.result.value ?? -1e9,
                    render: (b) => fmt(b.result.value, metrics.metric),
                  },
                  {
                    key: 'moe',
                    header: t('surveys.moeCol'),
                    numeric: true,
                    render: (b) =>
                      b.result.marginOfError === null
                        ? '—'
                        : `± ${fmt(b.result.marginOfError, metrics.metric)}`,
                  },
                  {
                    key: 'n',
                    header: t('surveys.nCol'),
                    numeric: true,
                    sortValue: (b) => b.result.n,
                    render: (b) => num(b.result.n),
                  },
                ]}
              />
            )}
          </Card>
        </>
      )}
      <Themes themes={themes} />
      <Followups survey={survey} />
    </div>
  );
}

function Themes({ themes }: { themes: { considered: number; themes: Theme[] } | undefined }) {
  const { t, num } = useI18n();
  return (
    <Card id="themes" title={t('surveys.themes')}>
      {!themes ? (
        <Spinner />
      ) : themes.themes.length === 0 ? (
        <p className="muted">{t('surveys.noThemes')}</p>
      ) : (
        <>
          <p className="muted small">{t('surveys.themesConsidered', { n: themes.considered })}</p>
          <Table<Theme>
            caption={t('surveys.themes')}
            rows={themes.themes}
            rowKey={(x) => x.id}
            initialSort={{ key: 'count', desc: true }}
            columns={[
              {
                key: 'label',
                header: t('surveys.theme'),
                sortValue: (x) => x.label,
                render: (x) =>
                  x.kind === 'aspect' && x.aspect
                    ? t(`surveys.aspect.${x.aspect}`)
                    : x.kind === 'other'
                      ? t('surveys.otherTheme')
                      : x.label,
              },
              {
                key: 'count',
                header: t('surveys.mentions'),
                numeric: true,
                sortValue: (x) => x.count,
                render: (x) => num(x.count),
              },
              {
                key: 'sentiment',
                header: t('surveys.sentiment'),
                numeric: true,
                sortValue: (x) => x.sentiment.average,
                render: (x) => (
                  <Badge
                    tone={
                      x.sentiment.average > 0.15 ? 'good' : x.sentiment.average < -0.15 ? 'bad' : 'neutral'
                    }
                  >
                    {num(x.sentiment.average, { maximumFractionDigits: 2, signDisplay: 'exceptZero' })}
                  </Badge>
                ),
              },
              {
                key: 'keywords',
                header: t('surveys.keywords'),
                render: (x) =>
                  x.topKeywords
                    .slice(0, 5)
                    .map((k) => (typeof k === 'string' ? k : (k.text ?? k.term ?? k.stem ?? '')))
                    .filter(Boolean)
                    .join('، '),
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}

function Followups({ survey }: { survey: Survey }) {
  const { t, num, date } = useI18n();
  const { user, can } = useAuth();
  const [status, setStatus] = useState('');
  const [list, setList] = useState<Response[] | undefined>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(() => {
    api
      .get<{ responses: Response[] }>(`/api/v1/surveys/${encodeURIComponent(survey.id)}/responses`, {
        limit: 50,
        ...(status ? { followupStatus: status } : {}),
      })
      .then((r) => setList(r.responses))
      .catch(setError);
  }, [survey.id, status]);
  useEffect(load, [load]);
  const textOf = (r: Response) =>
    Object.values(r.answers)
      .filter((a) => a.type === 'open_text' && typeof a.value === 'string')
      .map((a) => a.value as string)
      .join(' / ');
  const mark = async (r: Response, next: 'contacted' | 'resolved' | 'open') => {
    try {
      await api.post(
        `/api/v1/surveys/${encodeURIComponent(survey.id)}/responses/${encodeURIComponent(r.id)}/followup`,
        {
          status: next,
          by: user?.name || user?.email || 'console',
        },
      );
      load();
    } catch (e) {
      setError(e);
    }
  };
  const canWrite = can('surveys:write') || can('feedback:write');
  return (
    <Card id="followups" title={t('surveys.followups')}>
      <Select
        label={t('surveys.followupFilter')}
        value={status}
        options={[
          { value: '', label: t('surveys.fu.all') },
          ...['open', 'contacted', 'resolved'].map((x) => ({ value: x, label: t(`surveys.fu.${x}`) })),
        ]}
        onChange={setStatus}
      />
      <ErrorBanner error={error} />
      {!list ? (
        <Spinner />
      ) : (
        <Table<Response>
          caption={t('surveys.followups')}
          rows={list}
          rowKey={(r) => r.id}
          empty={<p className="muted">{t('surveys.noResponses')}</p>}
          columns={[
            {
              key: 'at',
              header: t('surveys.answeredAt'),
              sortValue: (r) => r.completedAt ?? r.startedAt,
              render: (r) => date(Date.parse(r.completedAt ?? r.startedAt)),
            },
            {
              key: 'who',
              header: t('surveys.respondent'),
              render: (r) =>
                r.profileId ? (
                  <Link to={`/customers/${encodeURIComponent(r.profileId)}`}>{r.profileId}</Link>
                ) : (
                  t('surveys.anonymousRespondent')
                ),
            },
            {
              key: 'nps',
              header: t('surveys.npsCol'),
              numeric: true,
              sortValue: (r) => r.nps ?? -1,
              render: (r) => (r.nps === null ? '—' : num(r.nps)),
            },
            {
              key: 'text',
              header: t('surveys.comment'),
              render: (r) => <span lang={r.language}>{textOf(r)}</span>,
            },
            {
              key: 'fu',
              header: t('surveys.followupStatus'),
              sortValue: (r) => r.followupStatus ?? '',
              render: (r) =>
                r.followupStatus ? (
                  <Badge
                    tone={
                      r.followupStatus === 'open' ? 'bad' : r.followupStatus === 'contacted' ? 'warn' : 'good'
                    }
                  >
                    {t(`surveys.fu.${r.followupStatus}`)}
                  </Badge>
                ) : (
                  '—'
                ),
            },
            {
              key: 'act',
              header: t('surveys.actions'),
              render: (r) =>
                canWrite && r.followupStatus && r.followupStatus !== 'resolved' ? (
                  <span className="toolbar">
                    {r.followupStatus === 'open' && (
                      <Button variant="ghost" onClick={() => void mark(r, 'contacted')}>
                        {t('surveys.markContacted')}
                      </Button>
                    )}
                    <Button variant="ghost" onClick={() => void mark(r, 'resolved')}>
                      {t('surveys.markResolved')}
                    </Button>
                  </span>
                ) : null,
            },
          ]}
        />
      )}
    </Card>
  );
}
