// Automation processes with their state, version and instance counts. (No @xyflow here: the designer is its
// own lazily loaded chunk.)
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../router';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { EmptyState, ErrorBanner, Spinner } from '../../ui/States';
import { Table } from '../../ui/Table';
import type { Process, Stats } from './model';
import '../shared/shared.css';

export default function ProcessesScreen() {
  const { t, num, date } = useI18n();
  const { can } = useAuth();
  const [list, setList] = useState<Process[] | undefined>();
  const [counts, setCounts] = useState<Record<string, Stats['instances']>>({});
  const [error, setError] = useState<unknown>();
  const noWrite = can('processes:write') ? undefined : t('automation.noWrite');

  const load = useCallback(() => {
    setError(undefined);
    api
      .get<{ processes: Process[] }>('/api/v1/processes')
      .then(async (r) => {
        setList(r.processes);
        const entries = await Promise.all(
          r.processes
            .filter((p) => p.status !== 'draft')
            .map((p) =>
              api
                .get<Stats>(`/api/v1/processes/${encodeURIComponent(p.id)}/stats`)
                .then((s) => [p.id, s.instances] as const)
                .catch(() => null),
            ),
        );
        setCounts(Object.fromEntries(entries.filter((x) => x !== null)));
      })
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  return (
    <div className="screen">
      <header className="screen-header">
        <h1>{t('automation.title')}</h1>
        <div className="toolbar">
          <Button variant="primary" disabledReason={noWrite} onClick={() => navigate('/automation/new')}>
            + {t('automation.new')}
          </Button>
        </div>
      </header>
      <ErrorBanner error={error} onRetry={load} />
      {!list && !error && <Spinner />}
      {list && (
        <Table<Process>
          caption={t('automation.title')}
          rows={list}
          rowKey={(p) => p.id}
          initialSort={{ key: 'updated', desc: true }}
          empty={
            <EmptyState
              title={t('automation.empty')}
              action={
                <Button
                  variant="primary"
                  disabledReason={noWrite}
                  onClick={() => navigate('/automation/new')}
                >
                  {t('automation.new')}
                </Button>
              }
            >
              {t('automation.emptyHelp')}
            </EmptyState>
          }
          columns={[
            {
              key: 'name',
              header: t('automation.name'),
              sortValue: (p) => p.name,
              render: (p) => (
                <>
                  <Link to={`/automation/${encodeURIComponent(p.id)}`}>{p.name}</Link>
                  {p.description && <div className="muted small">{p.description}</div>}
                </>
              ),
            },
            {
              key: 'status',
              header: t('automation.statusCol'),
              sortValue: (p) => p.status,
              render: (p) => (
                <Badge
                  tone={
                    p.status === 'published'
                      ? 'good'
                      : p.status === 'paused'
                        ? 'warn'
                        : p.status === 'draft'
                          ? 'info'
                          : 'neutral'
                  }
                >
                  {t(`automation.status.${p.status}`)}
                </Badge>
              ),
            },
            {
              key: 'version',
              header: t('automation.versionCol'),
              numeric: true,
              render: (p) => (p.publishedVersion ? num(p.publishedVersion) : '—'),
            },
            {
              key: 'running',
              header: t('automation.running'),
              numeric: true,
              sortValue: (p) => counts[p.id]?.running ?? 0,
              render: (p) => (counts[p.id] ? num(counts[p.id]!.running) : '—'),
            },
            {
              key: 'total',
              header: t('automation.totalInstances'),
              numeric: true,
              sortValue: (p) => counts[p.id]?.total ?? 0,
              render: (p) => (counts[p.id] ? num(counts[p.id]!.total) : '—'),
            },
            {
              key: 'updated',
              header: t('automation.updated'),
              sortValue: (p) => p.updatedAt,
              render: (p) => date(Date.parse(p.updatedAt)),
            },
          ]}
        />
      )}
    </div>
  );
}
