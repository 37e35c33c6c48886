// A process's instances (newest first, refreshed while it runs), filtered by a profile (email or id), and the
// history of the chosen instance: which path, when, why, and its effects.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { TextField } from '../../ui/Field';
import { ErrorBanner } from '../../ui/States';
import { Table } from '../../ui/Table';
import { profileLabel, type ProfileSummary } from '../segments/types';
import type { PNode } from './model';

interface Instance {
  id: string;
  version: number;
  profileId: string;
  status: string;
  node: string | null;
  waitingUntil: string | null;
  endReason: string | null;
  startedAt: string;
  updatedAt: string;
}
interface History {
  seq: number;
  at: string;
  node: string | null;
  kind: string;
  detail: string | null;
}
interface Effect {
  id: string;
  kind: string;
  status: string;
  node: string | null;
  attempts: number;
  lastError: string | null;
}

const tone = (s: string) =>
  s === 'waiting' || s === 'active'
    ? 'info'
    : s === 'converted' || s === 'completed'
      ? 'good'
      : s === 'failed'
        ? 'bad'
        : s === 'held'
          ? 'warn'
          : 'neutral';

export function Instances({
  processId,
  nodes,
  live,
  date,
}: {
  processId: string;
  nodes: PNode[];
  live: boolean;
  date(ms: number): string;
}) {
  const { t } = useI18n();
  const [list, setList] = useState<Instance[]>([]);
  const [who, setWho] = useState('');
  const [profileId, setProfileId] = useState<string | undefined>();
  const [chosen, setChosen] = useState<string | undefined>();
  const [detail, setDetail] = useState<
    { instance: Instance; history: History[]; effects: Effect[] } | undefined
  >();
  const [error, setError] = useState<unknown>();
  const [names, setNames] = useState<Record<string, string>>({});
  // Readable names for the customers listed (fetched once each).
  useEffect(() => {
    const missing = [...new Set(list.map((i) => i.profileId))].filter((id) => !(id in names)).slice(0, 50);
    if (missing.length === 0) return;
    void Promise.all(
      missing.map((id) =>
        api
          .get<ProfileSummary>(`/api/v1/profiles/${encodeURIComponent(id)}`)
          .then((p) => [id, profileLabel(p)] as const)
          .catch(() => [id, id] as const),
      ),
    ).then((pairs) => setNames((n) => ({ ...n, ...Object.fromEntries(pairs) })));
  }, [list, names]);
  /** History details carry times as epoch ms ("until 1795563612712"): show them as dates. */
  const detailText = (d: string) => d.replace(/\b\d{12,14}\b/g, (ms) => date(Number(ms)));
  const label = (id: string | null) => {
    const n = id ? nodes.find((x) => x.id === id) : undefined;
    return n ? `${n.label || t(`automation.type.${n.type}`)} (${n.id})` : (id ?? '—');
  };

  const load = useCallback(async () => {
    try {
      const r = profileId
        ? await api.get<{ instances: Instance[] }>(
            `/api/v1/profiles/${encodeURIComponent(profileId)}/instances`,
            { limit: 50 },
          )
        : await api.get<{ instances: Instance[] }>(
            `/api/v1/processes/${encodeURIComponent(processId)}/instances`,
            { limit: 50 },
          );
      setList(
        profileId
          ? r.instances.filter((i) => (i as Instance & { processId?: string }).processId === processId)
          : r.instances,
      );
    } catch (e) {
      setError(e);
    }
  }, [processId, profileId]);

  useEffect(() => {
    void load();
    if (!live) return;
    const h = setInterval(() => void load(), 3000);
    return () => clearInterval(h);
  }, [load, live]);

  useEffect(() => {
    if (!chosen) return;
    let stop = false;
    const get = () =>
      api
        .get<{ instance: Instance; history: History[]; effects: Effect[] }>(
          `/api/v1/instances/${encodeURIComponent(chosen)}`,
        )
        .then((d) => !stop && setDetail(d))
        .catch(setError);
    void get();
    const h = live ? setInterval(get, 3000) : undefined;
    return () => {
      stop = true;
      if (h) clearInterval(h);
    };
  }, [chosen, live]);

  const find = async () => {
    setError(undefined);
    const q = who.trim();
    if (!q) {
      setProfileId(undefined);
      return;
    }
    try {
      if (q.includes('@')) {
        const p = await api.get<{ id: string }>('/api/v1/profiles/lookup', { email: q });
        setProfileId(p.id);
      } else setProfileId(q);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Card id="instances" title={t('automation.instances')}>
      <form
        className="inline-fields"
        onSubmit={(e) => {
          e.preventDefault();
          void find();
        }}
      >
        <TextField
          label={t('automation.findProfile')}
          hint={t('automation.findProfileHint')}
          value={who}
          onChange={setWho}
          dir="ltr"
        />
        <Button type="submit">{t('automation.find')}</Button>
        {profileId && (
          <Button
            variant="ghost"
            onClick={() => {
              setWho('');
              setProfileId(undefined);
            }}
          >
            {t('automation.showAll')}
          </Button>
        )}
      </form>
      <ErrorBanner error={error} />
      <div className="instances-layout">
        <Table<Instance>
          caption={t('automation.instances')}
          rows={list}
          rowKey={(i) => i.id}
          empty={<p className="muted">{t('automation.noInstances')}</p>}
          columns={[
            {
              key: 'profile',
              header: t('automation.profile'),
              render: (i) => (
                <Link to={`/customers/${encodeURIComponent(i.profileId)}`} className="break">
                  {names[i.profileId] ?? i.profileId}
                </Link>
              ),
            },
            {
              key: 'status',
              header: t('automation.statusCol'),
              sortValue: (i) => i.status,
              render: (i) => <Badge tone={tone(i.status)}>{t(`automation.istatus.${i.status}`)}</Badge>,
            },
            { key: 'node', header: t('automation.atNode'), render: (i) => label(i.node) },
            {
              key: 'started',
              header: t('automation.started'),
              sortValue: (i) => i.startedAt,
              render: (i) => date(Date.parse(i.startedAt)),
            },
            {
              key: 'open',
              header: t('automation.history'),
              render: (i) => (
                <Button variant="ghost" aria-pressed={chosen === i.id} onClick={() => setChosen(i.id)}>
                  {t('automation.showHistory')}
                </Button>
              ),
            },
          ]}
        />
        {detail && (
          <section className="history" aria-label={t('automation.history')} data-testid="instance-history">
            <h3 className="h-small">
              {t('automation.historyOf', {
                id: names[detail.instance.profileId] ?? detail.instance.profileId,
              })}{' '}
              <Badge tone={tone(detail.instance.status)}>
                {t(`automation.istatus.${detail.instance.status}`)}
              </Badge>
            </h3>
            {detail.instance.waitingUntil && (
              <p className="muted small">
                {t('automation.waitingUntil', { when: date(Date.parse(detail.instance.waitingUntil)) })}
              </p>
            )}
            <ol className="history-list">
              {detail.history.map((h) => (
                <li key={h.seq}>
                  <time dateTime={h.at}>{date(Date.parse(h.at))}</time>{' '}
                  <strong>{t(`automation.hk.${h.kind}`)}</strong> {label(h.node)}
                  {h.detail && <span className="muted"> — {detailText(h.detail)}</span>}
                </li>
              ))}
            </ol>
            {detail.effects.length > 0 && (
              <>
                <h4 className="h-small">{t('automation.effects')}</h4>
                <ul>
                  {detail.effects.map((e) => (
                    <li key={e.id}>
                      <code dir="ltr">{e.kind}</code> {label(e.node)}{' '}
                      <Badge
                        tone={
                          e.status === 'dead'
                            ? 'bad'
                            : e.status === 'sent' || e.status === 'done'
                              ? 'good'
                              : 'info'
                        }
                      >
                        {e.status}
                      </Badge>
                      {e.lastError && <span className="bad small"> {e.lastError}</span>}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
        )}
      </div>
    </Card>
  );
}
