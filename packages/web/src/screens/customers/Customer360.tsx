// The customer 360: everything known about one person on one page — the page an agent opens when the
// customer calls. Each card loads on its own; cards the role may not read are not shown; consent appears
// only when the consent API exists (a 404 hides the card).
import { useMemo, useState } from 'react';
import { api, ApiError } from '../../api';
import { useAuth } from '../../auth';
import { useApi } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link, setQuery, useRoute } from '../../router';
import { Badge, Button, Card, EmptyState, ErrorBanner, Icon, Select, Spinner } from '../../ui';
import { channelIcon, channelLabel } from './channels';
import { displayName } from './CustomerSearch';
import type { Profile, TimelineEvent } from './types';

const enc = encodeURIComponent;
type T = (key: string, vars?: Record<string, string | number>) => string;

function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function KeyValues({ data, empty }: { data: Record<string, unknown>; empty: string }) {
  const entries = Object.entries(data);
  if (entries.length === 0) return <p className="muted">{empty}</p>;
  return (
    <dl className="kv">
      {entries.map(([k, v]) => (
        <div key={k} style={{ display: 'contents' }}>
          <dt>{k}</dt>
          <dd>
            <bdi>{show(v)}</bdi>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function SegmentsCard({ id }: { id: string }) {
  const { t, date } = useI18n();
  const r = useApi(
    () =>
      api.get<{ segments: { segmentId: string; name: string; kind: string; since: string }[] }>(
        `/api/v1/profiles/${enc(id)}/segments`,
      ),
    [id],
  );
  return (
    <Card title={t('customers.segments')} id="c360-segments">
      {r.loading ? (
        <Spinner />
      ) : r.error ? (
        <ErrorBanner error={r.error} />
      ) : r.data!.segments.length === 0 ? (
        <p className="muted">{t('customers.noSegments')}</p>
      ) : (
        <ul className="chips">
          {r.data!.segments.map((s) => (
            <li key={s.segmentId}>
              <Badge tone={s.kind === 'list' ? 'neutral' : 'info'}>
                <Link to={`/segments/${enc(s.segmentId)}`}>{s.name}</Link>
              </Badge>{' '}
              <span className="muted">
                {t('customers.since', { date: date(Date.parse(s.since), { dateStyle: 'medium' }) })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function ValuesCard({ id }: { id: string }) {
  const { t, num } = useI18n();
  const r = useApi(async () => {
    const [values, computed, scores] = await Promise.all([
      api.get<{ computedTraits: Record<string, unknown>; scores: Record<string, number> }>(
        `/api/v1/profiles/${enc(id)}/values`,
      ),
      api
        .get<{ computedTraits: { id: string; name: string }[] }>('/api/v1/computed-traits')
        .catch(() => ({ computedTraits: [] })),
      api
        .get<{ scoreModels: { id: string; name: string }[] }>('/api/v1/score-models')
        .catch(() => ({ scoreModels: [] })),
    ]);
    const ctName = new Map(computed.computedTraits.map((c) => [c.id, c.name]));
    const smName = new Map(scores.scoreModels.map((c) => [c.id, c.name]));
    return {
      computed: Object.entries(values.computedTraits).map(([k, v]) => ({ name: ctName.get(k) ?? k, v })),
      scores: Object.entries(values.scores).map(([k, v]) => ({ name: smName.get(k) ?? k, v })),
    };
  }, [id]);
  return (
    <Card title={t('customers.computed')} id="c360-values">
      {r.loading ? (
        <Spinner />
      ) : r.error ? (
        <ErrorBanner error={r.error} />
      ) : (
        <>
          <h3>{t('customers.computedTraits')}</h3>
          <KeyValues
            data={Object.fromEntries(r.data!.computed.map((c) => [c.name, c.v]))}
            empty={t('customers.noComputed')}
          />
          <h3>{t('customers.scores')}</h3>
          {r.data!.scores.length === 0 ? (
            <p className="muted">{t('customers.noScores')}</p>
          ) : (
            <dl className="kv">
              {r.data!.scores.map((s) => (
                <div key={s.name} style={{ display: 'contents' }}>
                  <dt>{s.name}</dt>
                  <dd>
                    <strong>{num(Math.round(s.v * 100) / 100)}</strong>
                  </dd>
                </div>
              ))}
            </dl>
          )}
        </>
      )}
    </Card>
  );
}

interface Instance {
  id: string;
  processId: string;
  status: string;
  node: string | null;
  startedAt: string;
  waitingUntil: string | null;
}

function ProcessesCard({ id }: { id: string }) {
  const { t, date } = useI18n();
  const r = useApi(async () => {
    const [inst, procs] = await Promise.all([
      api.get<{ instances: Instance[] }>(`/api/v1/profiles/${enc(id)}/instances`, {
        running: true,
        limit: 50,
      }),
      api
        .get<{ processes: { id: string; name: string }[] }>('/api/v1/processes')
        .catch(() => ({ processes: [] })),
    ]);
    const names = new Map(procs.processes.map((p) => [p.id, p.name]));
    return inst.instances.map((i) => ({ ...i, name: names.get(i.processId) ?? i.processId }));
  }, [id]);
  return (
    <Card title={t('customers.processes')} id="c360-processes">
      {r.loading ? (
        <Spinner />
      ) : r.error ? (
        <ErrorBanner error={r.error} />
      ) : r.data!.length === 0 ? (
        <p className="muted">{t('customers.noProcesses')}</p>
      ) : (
        <ul>
          {r.data!.map((i) => (
            <li key={i.id}>
              <Link to={`/automation/${enc(i.processId)}`}>{i.name}</Link>{' '}
              <Badge tone="info">{t(`customers.status.${i.status}`)}</Badge>{' '}
              {i.node && <code dir="ltr">{i.node}</code>}{' '}
              <span className="muted">
                {i.waitingUntil
                  ? t('customers.waitingUntil', { date: date(Date.parse(i.waitingUntil)) })
                  : t('customers.startedAt', { date: date(Date.parse(i.startedAt)) })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

interface ConsentRow {
  channel: string;
  state: string;
  reason: string | null;
  source: string | null;
  updatedAt: string | null;
  groups: { id: string; state: string }[];
}

/** The consent API's answer: `{profileId, channels: {email: {state, reason, source, updatedAt, groups}}}`. */
export function consentRows(body: unknown): ConsentRow[] {
  const channels = ((body ?? {}) as { channels?: Record<string, unknown> }).channels ?? {};
  return Object.entries(channels).map(([channel, v]) => {
    const o = (v ?? {}) as Record<string, unknown>;
    const groups = Object.entries((o.groups ?? {}) as Record<string, { state?: unknown; explicit?: unknown }>)
      .filter(([, g]) => g?.explicit === true)
      .map(([id, g]) => ({ id, state: show(g.state) }));
    return {
      channel,
      state: show(o.state),
      reason: typeof o.reason === 'string' ? o.reason : null,
      source: typeof o.source === 'string' ? o.source : null,
      updatedAt: typeof o.updatedAt === 'string' ? o.updatedAt : null,
      groups,
    };
  });
}

const CONSENT_STATES = ['subscribed', 'unsubscribed'];
const CONSENT_REASONS = ['unsubscribed', 'hard_bounce', 'complaint', 'manual'];

function ConsentCard({ id }: { id: string }) {
  const { t, date } = useI18n();
  const r = useApi(() => api.get<unknown>(`/api/v1/profiles/${enc(id)}/consent`), [id]);
  // No consent API on this server: no card (a missing profile is already shown by the page itself).
  if (r.error instanceof ApiError && (r.error.status === 404 || r.error.status === 405)) return null;
  const rows = r.data ? consentRows(r.data) : [];
  const state = (x: string) => (CONSENT_STATES.includes(x) ? t(`customers.consentState.${x}`) : x);
  return (
    <Card title={t('customers.consent')} id="c360-consent">
      {r.loading ? (
        <Spinner />
      ) : r.error ? (
        <ErrorBanner error={r.error} />
      ) : rows.length === 0 ? (
        <p className="muted">{t('customers.noConsent')}</p>
      ) : (
        <ul className="stack-tight plain" data-testid="consent-list">
          {rows.map((c) => (
            <li key={c.channel}>
              <span className="row">
                <Icon name={channelIcon(c.channel)} />
                <strong>{channelLabel(t, c.channel)}</strong>
                <Badge tone={c.state === 'subscribed' ? 'good' : 'bad'}>{state(c.state)}</Badge>
                {c.reason && (
                  <span className="muted">
                    {CONSENT_REASONS.includes(c.reason) ? t(`customers.consentReason.${c.reason}`) : c.reason}
                  </span>
                )}
                {c.updatedAt ? (
                  <span className="muted">
                    {date(Date.parse(c.updatedAt))}
                    {c.source ? ` · ${c.source}` : ''}
                  </span>
                ) : (
                  <span className="muted">{t('customers.consentDefault')}</span>
                )}
              </span>
              {c.groups.length > 0 && (
                <ul className="chips" style={{ marginInlineStart: '1.6rem' }}>
                  {c.groups.map((g) => (
                    <li key={g.id}>
                      <Badge tone={g.state === 'subscribed' ? 'good' : 'bad'}>
                        <bdi>{g.id}</bdi>: {state(g.state)}
                      </Badge>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function SurveyAnswersCard({ id, surveysReadable }: { id: string; surveysReadable: boolean }) {
  const { t, date } = useI18n();
  const r = useApi(async () => {
    const [tl, surveys] = await Promise.all([
      api.get<{ events: TimelineEvent[] }>(`/api/v1/profiles/${enc(id)}/events`, {
        type: 'track',
        limit: 500,
      }),
      surveysReadable
        ? api
            .get<{ surveys: { id: string; name: string }[] }>('/api/v1/surveys')
            .catch(() => ({ surveys: [] }))
        : Promise.resolve({ surveys: [] as { id: string; name: string }[] }),
    ]);
    const names = new Map(surveys.surveys.map((s) => [s.id, s.name]));
    return tl.events
      .filter((e) => e.event === 'Survey Responded')
      .slice(0, 10)
      .map((e) => {
        const p = e.properties as {
          surveyId?: string;
          answers?: Record<string, { value?: unknown } | unknown>;
        };
        const answers = Object.entries(p.answers ?? {}).map(([q, a]) => [
          q,
          a && typeof a === 'object' && 'value' in (a as object) ? (a as { value: unknown }).value : a,
        ]);
        return {
          id: e.id,
          at: Date.parse(e.timestamp),
          survey: names.get(p.surveyId ?? '') ?? p.surveyId ?? '—',
          answers,
        };
      });
  }, [id, surveysReadable]);
  return (
    <Card title={t('customers.surveyAnswers')} id="c360-surveys">
      {r.loading ? (
        <Spinner />
      ) : r.error ? (
        <ErrorBanner error={r.error} />
      ) : r.data!.length === 0 ? (
        <p className="muted">{t('customers.noAnswers')}</p>
      ) : (
        r.data!.map((s) => (
          <div key={s.id}>
            <h3>
              {s.survey} <span className="muted">{date(s.at)}</span>
            </h3>
            <KeyValues data={Object.fromEntries(s.answers)} empty="—" />
          </div>
        ))
      )}
    </Card>
  );
}

const ID_TYPES = ['email', 'phone', 'user_id', 'anonymous_id'];
const TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias'];

function eventTitle(t: T, e: TimelineEvent): string {
  if (e.type === 'track') return e.event ?? t('customers.type.track');
  if (e.type === 'page' || e.type === 'screen') {
    const name =
      (e.properties.name as string | undefined) ?? e.event ?? (e.properties.title as string | undefined);
    return name ? `${t(`customers.type.${e.type}`)}: ${name}` : t(`customers.type.${e.type}`);
  }
  return t(`customers.type.${e.type}`);
}

function Timeline({ profile }: { profile: Profile }) {
  const { t, date } = useI18n();
  const { query } = useRoute();
  const channel = query.get('channel') ?? '';
  const type = query.get('type') ?? '';
  const [pages, setPages] = useState<{ events: TimelineEvent[]; next: string | null }[]>([]);
  const [moreError, setMoreError] = useState<unknown>();
  const first = useApi(async () => {
    setPages([]);
    return api.get<{ events: TimelineEvent[]; next: string | null }>(
      `/api/v1/profiles/${enc(profile.id)}/events`,
      {
        limit: 50,
        channel,
        type,
      },
    );
  }, [profile.id, channel, type]);
  const all = useMemo(
    () => [...(first.data?.events ?? []), ...pages.flatMap((p) => p.events)],
    [first.data, pages],
  );
  const next = pages.length ? pages[pages.length - 1]!.next : (first.data?.next ?? null);
  const loadMore = async () => {
    if (!next) return;
    try {
      const p = await api.get<{ events: TimelineEvent[]; next: string | null }>(
        `/api/v1/profiles/${enc(profile.id)}/events`,
        {
          limit: 50,
          channel,
          type,
          before: next,
        },
      );
      setPages((x) => [...x, p]);
    } catch (e) {
      setMoreError(e);
    }
  };
  const channels = [...new Set(profile.channels.map((c) => c.channel))];

  return (
    <Card title={t('customers.timeline')} id="c360-timeline" className="grid-wide">
      <div className="spread" style={{ marginBlockEnd: '0.75rem' }}>
        <div className="chips" role="group" aria-label={t('customers.filterChannel')}>
          <button
            type="button"
            className="chip"
            aria-pressed={channel === ''}
            onClick={() => setQuery({ channel: undefined })}
          >
            {t('common.all')}
          </button>
          {channels.map((c) => (
            <button
              key={c}
              type="button"
              className="chip"
              aria-pressed={channel === c}
              onClick={() => setQuery({ channel: channel === c ? undefined : c })}
              data-testid={`filter-channel-${c}`}
            >
              <Icon name={channelIcon(c)} />
              {channelLabel(t, c)}
            </button>
          ))}
        </div>
        <Select
          label={t('customers.filterType')}
          value={type}
          onChange={(v) => setQuery({ type: v || undefined })}
          options={[
            { value: '', label: t('common.all') },
            ...TYPES.map((x) => ({ value: x, label: t(`customers.type.${x}`) })),
          ]}
        />
      </div>
      {first.loading ? (
        <Spinner />
      ) : first.error ? (
        <ErrorBanner error={first.error} onRetry={first.reload} />
      ) : all.length === 0 ? (
        <EmptyState title={t('customers.noEvents')} />
      ) : (
        <>
          <ol className="timeline" data-testid="timeline">
            {all.map((e) => (
              <li key={e.id} data-channel={e.channel}>
                <span className="tl-icon">
                  <Icon name={channelIcon(e.channel)} label={channelLabel(t, e.channel)} />
                </span>
                <div>
                  <div className="tl-title">
                    <bdi>{eventTitle(t, e)}</bdi>
                  </div>
                  <div className="tl-meta">
                    <time dateTime={e.timestamp}>{date(Date.parse(e.timestamp))}</time>
                    <span>{channelLabel(t, e.channel)}</span>
                    {e.touchpoint && (
                      <span dir="auto">
                        {t('customers.touchpoint')}: {e.touchpoint}
                      </span>
                    )}
                  </div>
                  {Object.keys(e.type === 'identify' ? e.traits : e.properties).length > 0 && (
                    <details className="tl-props">
                      <summary>{t('customers.details')}</summary>
                      <KeyValues data={e.type === 'identify' ? e.traits : e.properties} empty="—" />
                    </details>
                  )}
                </div>
              </li>
            ))}
          </ol>
          <ErrorBanner error={moreError} />
          {next && (
            <Button onClick={() => void loadMore()} className="more">
              {t('common.more')}
            </Button>
          )}
        </>
      )}
    </Card>
  );
}

export default function Customer360() {
  const { t, date, num } = useI18n();
  const { can } = useAuth();
  const { params } = useRoute();
  const id = params.id ?? '';
  const profile = useApi(() => api.get<Profile>(`/api/v1/profiles/${enc(id)}`), [id]);

  if (profile.loading) return <Spinner />;
  if (profile.error || !profile.data)
    return (
      <div>
        <Link to="/customers">
          <Icon name="back" /> {t('customers.back')}
        </Link>
        <ErrorBanner error={profile.error} onRetry={profile.reload} />
      </div>
    );
  const p = profile.data;
  return (
    <div>
      <Link to="/customers" className="row">
        <Icon name="back" /> {t('customers.back')}
      </Link>
      <h1 data-testid="customer-name">
        <bdi>{displayName(p)}</bdi>
      </h1>
      <p className="muted">
        {t('customers.summary', {
          events: p.eventCount,
          first: date(Date.parse(p.firstSeenAt), { dateStyle: 'medium' }),
          last: date(Date.parse(p.lastSeenAt)),
        })}{' '}
        <code dir="ltr">{p.id}</code>
      </p>
      <div className="grid">
        <Card title={t('customers.identities')} id="c360-identities">
          <dl className="kv">
            {p.identities.map((i) => (
              <div key={`${i.type}:${i.value}`} style={{ display: 'contents' }}>
                <dt>{ID_TYPES.includes(i.type) ? t(`customers.idType.${i.type}`) : i.type}</dt>
                <dd dir="ltr" className="mono" style={{ textAlign: 'start' }}>
                  {i.value}
                </dd>
              </div>
            ))}
          </dl>
          <h3>{t('customers.channels')}</h3>
          <ul className="chips">
            {p.channels.map((c) => (
              <li key={`${c.channel}-${c.touchpoint}`} className="badge">
                <Icon name={channelIcon(c.channel)} size={14} /> {channelLabel(t, c.channel)}
                {c.touchpoint ? ` · ${c.touchpoint}` : ''} ({num(c.count)})
              </li>
            ))}
          </ul>
        </Card>
        <Card title={t('customers.traits')} id="c360-traits">
          <KeyValues data={p.traits} empty={t('customers.noTraits')} />
        </Card>
        <ConsentCard id={p.id} />
        {can('processes:read') && <ProcessesCard id={p.id} />}
        {can('segments:read') && <SegmentsCard id={p.id} />}
        {can('segments:read') && <ValuesCard id={p.id} />}
        <SurveyAnswersCard id={p.id} surveysReadable={can('surveys:read')} />
        <Timeline profile={p} />
      </div>
    </div>
  );
}
