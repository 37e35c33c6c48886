// Find a customer by any identifier (email, phone, user id — prefix match) or by a trait (key:value).
import { useState, type FormEvent } from 'react';
import { api } from '../../api';
import { useApi } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link, setQuery, useRoute } from '../../router';
import { Button, Card, EmptyState, ErrorBanner, Icon, Select, Spinner, Table, TextField } from '../../ui';
import { channelIcon, channelLabel } from './channels';
import type { Profile } from './types';

export const displayName = (p: Profile): string => {
  const tr = p.traits as Record<string, unknown>;
  const name =
    (typeof tr.name === 'string' && tr.name) ||
    [tr.firstName, tr.lastName].filter((x) => typeof x === 'string' && x).join(' ');
  return name || p.identities.find((i) => i.type === 'email')?.value || p.identities[0]?.value || p.id;
};

export default function CustomerSearch() {
  const { t, date } = useI18n();
  const { query } = useRoute();
  const q = query.get('q') ?? '';
  const mode = query.get('by') === 'trait' ? 'trait' : 'identifier';
  const [text, setText] = useState(q);
  const [by, setBy] = useState(mode);
  const [error, setError] = useState<string>();

  const results = useApi(async () => {
    if (!q) return undefined;
    return api.get<{ profiles: Profile[]; next: string | null }>(
      '/api/v1/profiles',
      mode === 'trait' ? { trait: q, limit: 50 } : { q, limit: 50 },
    );
  }, [q, mode]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = text.trim();
    if (by === 'trait' && v && !/^[^:]+:.*$/.test(v)) {
      setError(t('customers.traitFormat'));
      return;
    }
    setError(undefined);
    setQuery({ q: v || undefined, by: by === 'trait' ? 'trait' : undefined });
  };

  return (
    <div>
      <h1>{t('customers.title')}</h1>
      <Card>
        <form onSubmit={submit} className="row" role="search" aria-label={t('customers.searchLabel')}>
          <Select
            label={t('customers.searchBy')}
            value={by}
            onChange={(v) => setBy(v === 'trait' ? 'trait' : 'identifier')}
            options={[
              { value: 'identifier', label: t('customers.byIdentifier') },
              { value: 'trait', label: t('customers.byTrait') },
            ]}
          />
          <div style={{ flex: '1 1 16rem' }}>
            <TextField
              label={by === 'trait' ? t('customers.traitQuery') : t('customers.query')}
              hint={by === 'trait' ? t('customers.traitHint') : t('customers.queryHint')}
              error={error}
              value={text}
              onChange={setText}
              dir="auto"
              type="search"
              data-testid="customer-search"
            />
          </div>
          <Button type="submit" variant="primary" data-testid="customer-search-submit">
            <Icon name="search" />
            {t('common.search')}
          </Button>
        </form>
      </Card>
      <div style={{ marginBlockStart: '1rem' }}>
        {!q ? (
          <EmptyState title={t('customers.start')}>{t('customers.startHelp')}</EmptyState>
        ) : results.loading ? (
          <Spinner />
        ) : results.error ? (
          <ErrorBanner error={results.error} onRetry={results.reload} />
        ) : (
          <Card
            title={t('customers.results', { n: results.data?.profiles.length ?? 0 })}
            id="customer-results"
          >
            <Table<Profile>
              caption={t('customers.resultsCaption')}
              rows={results.data?.profiles ?? []}
              rowKey={(p) => p.id}
              empty={<EmptyState title={t('customers.none')}>{t('customers.noneHelp')}</EmptyState>}
              columns={[
                {
                  key: 'name',
                  header: t('customers.name'),
                  sortValue: displayName,
                  render: (p) => (
                    <Link to={`/customers/${encodeURIComponent(p.id)}`} data-testid="customer-result">
                      {displayName(p)}
                    </Link>
                  ),
                },
                {
                  key: 'ids',
                  header: t('customers.identifiers'),
                  render: (p) => (
                    <span dir="ltr" className="mono">
                      {p.identities
                        .slice(0, 3)
                        .map((i) => i.value)
                        .join(' · ')}
                    </span>
                  ),
                },
                {
                  key: 'channels',
                  header: t('customers.channels'),
                  render: (p) => (
                    <span className="row">
                      {[...new Set(p.channels.map((c) => c.channel))].map((c) => (
                        <Icon key={c} name={channelIcon(c)} label={channelLabel(t, c)} />
                      ))}
                    </span>
                  ),
                },
                {
                  key: 'last',
                  header: t('customers.lastSeen'),
                  sortValue: (p) => Date.parse(p.lastSeenAt),
                  render: (p) => date(Date.parse(p.lastSeenAt)),
                },
              ]}
            />
          </Card>
        )}
      </div>
    </div>
  );
}
