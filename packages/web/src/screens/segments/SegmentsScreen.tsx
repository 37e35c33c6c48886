// Segments, static lists and personas: sizes, build progress, critical needs.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { Link, navigate, setQuery, useRoute } from '../../router';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Dialog } from '../../ui/Dialog';
import { Select, TextArea, TextField } from '../../ui/Field';
import { EmptyState, ErrorBanner, Spinner } from '../../ui/States';
import { Table } from '../../ui/Table';
import { Tabs } from '../../ui/Tabs';
import { DefinitionsTab } from './Definitions';
import type { Persona, Segment } from './types';
import './segments.css';

export default function SegmentsScreen() {
  const { t, num, date } = useI18n();
  const { can } = useAuth();
  const { query } = useRoute();
  const tab = query.get('tab') ?? 'segments';
  const [segments, setSegments] = useState<Segment[] | undefined>();
  const [personas, setPersonas] = useState<Persona[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [editPersona, setEditPersona] = useState<Persona | 'new' | undefined>();

  const load = useCallback(() => {
    setError(undefined);
    Promise.all([
      api.get<{ segments: Segment[] }>('/api/v1/segments'),
      api.get<{ personas: Persona[] }>('/api/v1/personas'),
    ])
      .then(([s, p]) => {
        setSegments(s.segments);
        setPersonas(p.personas);
      })
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  // Refresh while a segment builds, so its progress moves.
  useEffect(() => {
    if (!segments?.some((s) => s.status === 'building')) return;
    const h = setTimeout(load, 2000);
    return () => clearTimeout(h);
  }, [segments, load]);

  const canWrite = can('segments:write');
  const noWrite = canWrite ? undefined : t('segments.noWrite');
  const byId = new Map((segments ?? []).map((s) => [s.id, s]));

  const sizeCell = (s: Segment) =>
    s.status === 'building' ? (
      <span>
        <Badge tone="info">{t('segments.building')}</Badge>{' '}
        {s.buildTotal > 0 && t('segments.progress', { done: s.buildDone, total: s.buildTotal })}
      </span>
    ) : (
      num(s.size)
    );

  const table = (kind: 'dynamic' | 'list') => (
    <Table<Segment>
      caption={kind === 'dynamic' ? t('segments.tab.segments') : t('segments.tab.lists')}
      rows={(segments ?? []).filter((s) => s.kind === kind)}
      rowKey={(s) => s.id}
      initialSort={{ key: 'name' }}
      empty={
        <EmptyState
          title={kind === 'dynamic' ? t('segments.emptySegments') : t('segments.emptyLists')}
          action={
            <Button
              variant="primary"
              disabledReason={noWrite}
              onClick={() => navigate(kind === 'dynamic' ? '/segments/new' : '/segments/new?kind=list')}
            >
              {kind === 'dynamic' ? t('segments.new') : t('segments.newList')}
            </Button>
          }
        >
          {kind === 'dynamic' ? t('segments.emptySegmentsHelp') : t('segments.emptyListsHelp')}
        </EmptyState>
      }
      columns={[
        {
          key: 'name',
          header: t('segments.name'),
          sortValue: (s) => s.name,
          render: (s) => (
            <>
              <Link to={`/segments/${encodeURIComponent(s.id)}`}>{s.name}</Link>
              {s.description && <div className="muted small">{s.description}</div>}
            </>
          ),
        },
        {
          key: 'size',
          header: t('segments.size'),
          numeric: true,
          sortValue: (s) => s.size,
          render: sizeCell,
        },
        {
          key: 'updated',
          header: t('segments.updated'),
          sortValue: (s) => s.updatedAt,
          render: (s) => date(Date.parse(s.updatedAt)),
        },
      ]}
    />
  );

  return (
    <div className="screen segments-screen">
      <header className="screen-header">
        <h1>{t('segments.title')}</h1>
        <div className="toolbar">
          <Button variant="primary" disabledReason={noWrite} onClick={() => navigate('/segments/new')}>
            + {t('segments.new')}
          </Button>
          <Button disabledReason={noWrite} onClick={() => navigate('/segments/new?kind=list')}>
            + {t('segments.newList')}
          </Button>
          <Button disabledReason={noWrite} onClick={() => setEditPersona('new')}>
            + {t('segments.newPersona')}
          </Button>
        </div>
      </header>
      <ErrorBanner error={error} onRetry={load} />
      {!segments && !error && <Spinner />}
      {segments && (
        <Tabs
          label={t('segments.title')}
          active={tab}
          onChange={(id) => setQuery({ tab: id === 'segments' ? undefined : id })}
          tabs={[
            { id: 'segments', label: t('segments.tab.segments') },
            { id: 'lists', label: t('segments.tab.lists') },
            { id: 'personas', label: t('segments.tab.personas') },
            { id: 'computed', label: t('segments.tab.computed') },
            { id: 'scores', label: t('segments.tab.scores') },
          ]}
        >
          {tab === 'segments' && table('dynamic')}
          {tab === 'lists' && table('list')}
          {tab === 'computed' && <DefinitionsTab kind="computed" canWrite={canWrite} segments={segments} />}
          {tab === 'scores' && <DefinitionsTab kind="score" canWrite={canWrite} segments={segments} />}
          {tab === 'personas' &&
            (personas && personas.length > 0 ? (
              <div className="persona-grid">
                {personas.map((p) => (
                  <Card
                    key={p.id}
                    id={`persona-${p.id}`}
                    title={p.name}
                    actions={
                      <Button variant="ghost" disabledReason={noWrite} onClick={() => setEditPersona(p)}>
                        {t('segments.edit')}
                      </Button>
                    }
                  >
                    {p.description && <p>{p.description}</p>}
                    <p>
                      <strong>{t('segments.personaSize')}</strong> {num(p.size)}{' '}
                      <Link to={`/segments/${encodeURIComponent(p.segmentId)}`}>
                        {byId.get(p.segmentId)?.name ?? p.segmentId}
                      </Link>
                    </p>
                    <h3 className="h-small">{t('segments.criticalNeeds')}</h3>
                    {p.criticalNeeds.length ? (
                      <ul className="needs">
                        {p.criticalNeeds.map((n, i) => (
                          <li key={i}>{n}</li>
                        ))}
                      </ul>
                    ) : (
                      <p className="muted">{t('segments.none')}</p>
                    )}
                    {p.goals.length > 0 && (
                      <>
                        <h3 className="h-small">{t('segments.goals')}</h3>
                        <ul>
                          {p.goals.map((n, i) => (
                            <li key={i}>{n}</li>
                          ))}
                        </ul>
                      </>
                    )}
                    {p.preferredChannels.length > 0 && (
                      <p>
                        <strong>{t('segments.preferredChannels')}</strong>{' '}
                        {p.preferredChannels.map((c) => (
                          <Badge key={c}>{c}</Badge>
                        ))}
                      </p>
                    )}
                  </Card>
                ))}
              </div>
            ) : (
              <EmptyState title={t('segments.emptyPersonas')}>{t('segments.emptyPersonasHelp')}</EmptyState>
            ))}
        </Tabs>
      )}
      {editPersona && segments && (
        <PersonaDialog
          persona={editPersona === 'new' ? undefined : editPersona}
          segments={segments}
          onClose={() => setEditPersona(undefined)}
          onSaved={() => {
            setEditPersona(undefined);
            setQuery({ tab: 'personas' });
            load();
          }}
        />
      )}
    </div>
  );
}

const lines = (s: string) =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);

function PersonaDialog({
  persona,
  segments,
  onClose,
  onSaved,
}: {
  persona: Persona | undefined;
  segments: Segment[];
  onClose(): void;
  onSaved(): void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(persona?.name ?? '');
  const [description, setDescription] = useState(persona?.description ?? '');
  const [needs, setNeeds] = useState((persona?.criticalNeeds ?? []).join('\n'));
  const [goals, setGoals] = useState((persona?.goals ?? []).join('\n'));
  const [channels, setChannels] = useState((persona?.preferredChannels ?? []).join(', '));
  const [segmentId, setSegmentId] = useState(persona?.segmentId ?? segments[0]?.id ?? '');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(undefined);
    const body = {
      name,
      description,
      criticalNeeds: lines(needs),
      goals: lines(goals),
      preferredChannels: channels
        .split(/[,،]/)
        .map((x) => x.trim())
        .filter(Boolean),
      segmentId,
    };
    try {
      if (persona) await api.put(`/api/v1/personas/${encodeURIComponent(persona.id)}`, body);
      else await api.post('/api/v1/personas', body);
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open
      title={persona ? t('segments.editPersona') : t('segments.newPersona')}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('segments.cancel')}</Button>
          <Button variant="primary" busy={busy} onClick={save} disabled={!name || !segmentId}>
            {t('segments.save')}
          </Button>
        </>
      }
    >
      <ErrorBanner error={error} />
      <TextField label={t('segments.name')} value={name} onChange={setName} required />
      <TextArea label={t('segments.description')} value={description} onChange={setDescription} rows={2} />
      <Select
        label={t('segments.definingSegment')}
        value={segmentId}
        options={segments.map((s) => ({ value: s.id, label: s.name }))}
        onChange={setSegmentId}
      />
      <TextArea
        label={t('segments.criticalNeeds')}
        hint={t('segments.onePerLine')}
        value={needs}
        onChange={setNeeds}
        rows={3}
      />
      <TextArea
        label={t('segments.goals')}
        hint={t('segments.onePerLine')}
        value={goals}
        onChange={setGoals}
        rows={2}
      />
      <TextField
        label={t('segments.preferredChannels')}
        hint={t('shared.commaList')}
        value={channels}
        onChange={setChannels}
      />
    </Dialog>
  );
}
