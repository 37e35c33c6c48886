// Message templates (name, category, subscription group, languages, last change) and the content blocks
// they share.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { Link, navigate, setQuery, useRoute } from '../../router';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { EmptyState, ErrorBanner, Spinner } from '../../ui/States';
import { Table } from '../../ui/Table';
import { Tabs } from '../../ui/Tabs';
import { BlocksManager, localeName } from './Blocks';
import { CHANNELS, LOCALES, type ContentBlock, type SubscriptionGroup, type Template } from './model';
import './templates.css';

export default function TemplatesScreen() {
  const { t, date, locale } = useI18n();
  const { can } = useAuth();
  const { query } = useRoute();
  const tab = query.get('tab') === 'blocks' ? 'blocks' : 'templates';
  const [templates, setTemplates] = useState<Template[]>();
  const [blocks, setBlocks] = useState<ContentBlock[]>();
  const [groups, setGroups] = useState<SubscriptionGroup[]>([]);
  const [error, setError] = useState<unknown>();

  const load = useCallback(() => {
    setError(undefined);
    Promise.all([
      api.get<{ templates: Template[] }>('/api/v1/templates'),
      api.get<{ blocks: ContentBlock[] }>('/api/v1/content-blocks'),
    ])
      .then(([a, b]) => {
        setTemplates(a.templates);
        setBlocks(b.blocks);
      })
      .catch(setError);
    // Group names are a nicety: a role without channels:read still sees the templates.
    api
      .get<{ groups: SubscriptionGroup[] }>('/api/v1/consent/groups')
      .then((g) => setGroups(g.groups))
      .catch(() => setGroups([]));
  }, []);
  useEffect(load, [load]);

  const noWrite = can('templates:write')
    ? undefined
    : t('common.noPermissionAction', { permission: 'templates:write' });
  const groupName = (id: string | null) => {
    if (!id) return '—';
    const g = groups.find((x) => x.id === id);
    return g?.labels[locale]?.name ?? g?.labels.en?.name ?? id;
  };

  return (
    <div>
      <div className="spread">
        <h1>{t('templates.title')}</h1>
        <Button
          variant="primary"
          disabledReason={noWrite}
          onClick={() => navigate('/templates/new')}
          data-testid="template-new"
        >
          {t('templates.new')}
        </Button>
      </div>
      <ErrorBanner error={error} onRetry={load} />
      <Tabs
        label={t('templates.title')}
        active={tab}
        onChange={(id) => setQuery({ tab: id === 'templates' ? undefined : id })}
        tabs={[
          { id: 'templates', label: t('templates.listTab') },
          { id: 'blocks', label: t('templates.blocks') },
        ]}
      >
        {!templates || !blocks ? (
          error ? null : (
            <Spinner />
          )
        ) : tab === 'blocks' ? (
          <BlocksManager blocks={blocks} onChange={load} />
        ) : (
          <Card>
            <Table
              caption={t('templates.listTab')}
              rows={templates}
              rowKey={(x) => x.id}
              initialSort={{ key: 'updated', desc: true }}
              empty={<EmptyState title={t('templates.empty')}>{t('templates.emptyText')}</EmptyState>}
              columns={[
                {
                  key: 'name',
                  header: t('templates.name'),
                  sortValue: (x) => x.name,
                  render: (x) => (
                    <Link to={`/templates/${encodeURIComponent(x.id)}`} data-testid="template-link">
                      {x.name}
                    </Link>
                  ),
                },
                {
                  key: 'category',
                  header: t('templates.category'),
                  sortValue: (x) => x.category,
                  render: (x) => (
                    <Badge tone={x.category === 'transactional' ? 'info' : 'neutral'}>
                      {x.category === 'transactional'
                        ? t('templates.transactional')
                        : t('templates.marketing')}
                    </Badge>
                  ),
                },
                {
                  key: 'group',
                  header: t('templates.group'),
                  sortValue: (x) => groupName(x.group),
                  render: (x) => groupName(x.group),
                },
                {
                  key: 'variants',
                  header: t('templates.variants'),
                  render: (x) => (
                    <span className="tpl-variants">
                      {LOCALES.filter((l) => x.variants[l]).map((l) => (
                        <span key={l}>
                          {localeName(t, l)}:{' '}
                          {CHANNELS.filter((c) => x.variants[l]?.[c])
                            .map((c) => t(`templates.channel.${c}`))
                            .join(locale === 'en' ? ', ' : '، ')}
                        </span>
                      ))}
                    </span>
                  ),
                },
                {
                  key: 'updated',
                  header: t('templates.updated'),
                  sortValue: (x) => Date.parse(x.updatedAt),
                  render: (x) => date(Date.parse(x.updatedAt)),
                },
              ]}
            />
          </Card>
        )}
      </Tabs>
    </div>
  );
}
