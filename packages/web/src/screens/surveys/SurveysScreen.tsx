// Surveys: status, languages, questions, the public link.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../router';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { EmptyState, ErrorBanner, Spinner } from '../../ui/States';
import { Table } from '../../ui/Table';
import type { Survey } from './model';
import './surveys.css';

export default function SurveysScreen() {
  const { t, num, date } = useI18n();
  const { can } = useAuth();
  const [list, setList] = useState<Survey[] | undefined>();
  const [error, setError] = useState<unknown>();
  const noWrite = can('surveys:write') ? undefined : t('surveys.noWrite');
  const load = useCallback(() => {
    setError(undefined);
    api
      .get<{ surveys: Survey[] }>('/api/v1/surveys')
      .then((r) => setList(r.surveys))
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  return (
    <div className="screen">
      <header className="screen-header">
        <h1>{t('surveys.title')}</h1>
        <div className="toolbar">
          <Button variant="primary" disabledReason={noWrite} onClick={() => navigate('/surveys/new')}>
            + {t('surveys.new')}
          </Button>
        </div>
      </header>
      <ErrorBanner error={error} onRetry={load} />
      {!list && !error && <Spinner />}
      {list && (
        <Table<Survey>
          caption={t('surveys.title')}
          rows={list}
          rowKey={(s) => s.id}
          initialSort={{ key: 'updated', desc: true }}
          empty={
            <EmptyState
              title={t('surveys.empty')}
              action={
                <Button variant="primary" disabledReason={noWrite} onClick={() => navigate('/surveys/new')}>
                  {t('surveys.new')}
                </Button>
              }
            >
              {t('surveys.emptyHelp')}
            </EmptyState>
          }
          columns={[
            {
              key: 'name',
              header: t('surveys.name'),
              sortValue: (s) => s.name,
              render: (s) => <Link to={`/surveys/${encodeURIComponent(s.id)}`}>{s.name}</Link>,
            },
            {
              key: 'status',
              header: t('surveys.status'),
              sortValue: (s) => s.status,
              render: (s) => (
                <Badge tone={s.status === 'active' ? 'good' : s.status === 'closed' ? 'neutral' : 'info'}>
                  {t(`surveys.status.${s.status}`)}
                </Badge>
              ),
            },
            {
              key: 'questions',
              header: t('surveys.questions'),
              numeric: true,
              sortValue: (s) => s.definition.questions.length,
              render: (s) => num(s.definition.questions.length),
            },
            {
              key: 'languages',
              header: t('surveys.languages'),
              render: (s) => s.definition.languages.map((l) => t(`surveys.lang.${l}`)).join('، '),
            },
            {
              key: 'results',
              header: t('surveys.tab.results'),
              render: (s) => (
                <Link to={`/surveys/${encodeURIComponent(s.id)}?tab=results`}>
                  {t('surveys.viewResults')}
                </Link>
              ),
            },
            {
              key: 'updated',
              header: t('surveys.updated'),
              sortValue: (s) => s.updatedAt,
              render: (s) => date(Date.parse(s.updatedAt)),
            },
          ]}
        />
      )}
    </div>
  );
}
