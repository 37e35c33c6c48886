// One segment: the visual rule builder with a live count and sample while editing (POST /segments/preview),
// save / update with the server's errors shown at the offending rule; static lists: members, add, remove.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { Link, navigate, useRoute } from '../../router';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { TextArea, TextField } from '../../ui/Field';
import { ErrorBanner, Spinner } from '../../ui/States';
import { RuleBuilder, type RuleRefs } from './RuleBuilder';
import { countConditions, issuesByNode, newGroup, withIds, type RuleIssue, type RuleNode } from './rules';
import { profileLabel, type Definition, type Preview, type ProfileSummary, type Segment } from './types';
import './segments.css';

/** The errors of a refused rule: every one from `details` when the API sent them, else the one error. */
export function ruleIssues(e: unknown): RuleIssue[] | null {
  if (!(e instanceof ApiError) || e.status !== 400) return null;
  const details = (e as ApiError & { details?: unknown }).details;
  if (Array.isArray(details) && details.length > 0) return details as RuleIssue[];
  return [{ code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) }];
}

interface SurveyLite {
  id: string;
  name: string;
  definition: { questions?: { id: string; type: string; title?: Record<string, string> }[] };
}

export default function SegmentEditor() {
  const { t, num, locale } = useI18n();
  const { can } = useAuth();
  const { params, query } = useRoute();
  const isNew = params.id === 'new';
  const [segment, setSegment] = useState<Segment | undefined>();
  const [kind, setKind] = useState<'dynamic' | 'list'>(query.get('kind') === 'list' ? 'list' : 'dynamic');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [rule, setRule] = useState<RuleNode>(() => newGroup('and'));
  const [refs, setRefs] = useState<RuleRefs>({ segments: [], computed: [], scores: [], questions: [] });
  const [loadError, setLoadError] = useState<unknown>();
  const [saveError, setSaveError] = useState<unknown>();
  const [issues, setIssues] = useState<RuleIssue[]>([]);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [dirty, setDirty] = useState(false);
  const canWrite = can('segments:write');

  // ---- load the segment and what rules may refer to
  useEffect(() => {
    let live = true;
    const get = <T,>(p: string, fallback: T) => api.get<T>(p).catch(() => fallback);
    Promise.all([
      get<{ segments: Segment[] }>('/api/v1/segments', { segments: [] }),
      get<{ computedTraits: Definition[] }>('/api/v1/computed-traits', { computedTraits: [] }),
      get<{ scoreModels: Definition[] }>('/api/v1/score-models', { scoreModels: [] }),
      get<{ surveys: SurveyLite[] }>('/api/v1/surveys', { surveys: [] }),
    ]).then(([s, c, m, sv]) => {
      if (!live) return;
      setRefs({
        segments: s.segments.map((x) => ({ id: x.id, name: x.name, kind: x.kind })),
        computed: c.computedTraits.map((x) => ({ id: x.id, name: x.name })),
        scores: m.scoreModels.map((x) => ({ id: x.id, name: x.name })),
        questions: sv.surveys.flatMap((x) =>
          (x.definition?.questions ?? []).map((q) => ({
            id: q.id,
            type: q.type,
            label: `${x.name}: ${q.title?.[locale] ?? q.title?.en ?? q.id}`,
          })),
        ),
        ...(isNew ? {} : { self: params.id }),
      });
    });
    return () => {
      live = false;
    };
  }, [isNew, params.id, locale]);

  const loadSegment = useCallback(() => {
    if (isNew) return;
    api
      .get<Segment>(`/api/v1/segments/${encodeURIComponent(params.id!)}`)
      .then((s) => {
        setSegment(s);
        setKind(s.kind);
        setName(s.name);
        setDescription(s.description);
        if (s.rule) setRule(withIds(s.rule));
        setDirty(false);
      })
      .catch(setLoadError);
  }, [isNew, params.id]);
  useEffect(loadSegment, [loadSegment]);

  // Follow the background build after a save.
  useEffect(() => {
    if (!segment || segment.status !== 'building') return;
    const h = setTimeout(() => {
      api
        .get<Segment>(`/api/v1/segments/${encodeURIComponent(segment.id)}`)
        .then(setSegment)
        .catch(() => undefined);
    }, 1500);
    return () => clearTimeout(h);
  }, [segment]);

  // ---- live count and sample while editing
  const [preview, setPreview] = useState<Preview | undefined>();
  const [previewing, setPreviewing] = useState(false);
  const [previewError, setPreviewError] = useState<unknown>();
  const [sample, setSample] = useState<ProfileSummary[]>([]);
  const ruleJson = useMemo(() => JSON.stringify(rule), [rule]);
  const seq = useRef(0);
  const loaded = isNew || segment !== undefined;
  useEffect(() => {
    // Wait for a saved segment's rule before counting (not the empty starter rule).
    if (kind !== 'dynamic' || !loaded) return;
    const mine = ++seq.current;
    setPreviewing(true);
    const h = setTimeout(() => {
      api
        .post<Preview>('/api/v1/segments/preview', { rule: JSON.parse(ruleJson) as unknown, sample: 5 })
        .then(async (p) => {
          if (mine !== seq.current) return;
          setPreview(p);
          setPreviewError(undefined);
          setIssues([]);
          const profiles = await Promise.all(
            p.sample.map((id) =>
              api.get<ProfileSummary>(`/api/v1/profiles/${encodeURIComponent(id)}`).catch(() => ({
                id,
                identities: [],
                traits: {},
              })),
            ),
          );
          if (mine === seq.current) setSample(profiles);
        })
        .catch((e) => {
          if (mine !== seq.current) return;
          const list = ruleIssues(e);
          if (list) {
            setIssues(list);
            setPreviewError(undefined);
          } else setPreviewError(e);
          setPreview(undefined);
          setSample([]);
        })
        .finally(() => {
          if (mine === seq.current) setPreviewing(false);
        });
    }, 400);
    return () => clearTimeout(h);
  }, [ruleJson, kind, loaded]);

  const byNode = useMemo(() => issuesByNode(rule, issues), [rule, issues]);
  const unplaced = byNode.get('') ?? [];

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    setSaved(false);
    const body = {
      name,
      description,
      ...(isNew ? { kind } : {}),
      ...(kind === 'dynamic' ? { rule } : {}),
    };
    try {
      const s = isNew
        ? await api.post<Segment>('/api/v1/segments', body)
        : await api.patch<Segment>(`/api/v1/segments/${encodeURIComponent(params.id!)}`, body);
      setSegment(s);
      setIssues([]);
      setDirty(false);
      setSaved(true);
      if (isNew) navigate(`/segments/${encodeURIComponent(s.id)}`, { replace: true });
    } catch (e) {
      const list = ruleIssues(e);
      if (list && list.some((x) => x.field?.startsWith('rule') || x.nodeId)) setIssues(list);
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    if (!segment || !window.confirm(t('segments.confirmDelete', { name: segment.name }))) return;
    try {
      await api.del(`/api/v1/segments/${encodeURIComponent(segment.id)}`);
      navigate('/segments');
    } catch (e) {
      setSaveError(e);
    }
  };

  if (loadError) return <ErrorBanner error={loadError} onRetry={loadSegment} />;
  if (!isNew && !segment) return <Spinner />;

  const editRule = (r: RuleNode) => {
    setRule(r);
    setDirty(true);
    setSaved(false);
  };

  return (
    <div className="screen segment-editor">
      <header className="screen-header">
        <div>
          <Link to={kind === 'list' ? '/segments?tab=lists' : '/segments'} className="back-link">
            <span className="icon-dir" aria-hidden="true">
              ←
            </span>{' '}
            {t('segments.title')}
          </Link>
          <h1>{isNew ? (kind === 'list' ? t('segments.newList') : t('segments.new')) : segment!.name}</h1>
        </div>
        <div className="toolbar">
          {segment && (
            <Badge tone={segment.status === 'ready' ? 'good' : 'info'}>
              {segment.status === 'ready'
                ? t('segments.members', { n: segment.size })
                : `${t('segments.building')} ${t('segments.progress', { done: segment.buildDone, total: segment.buildTotal })}`}
            </Badge>
          )}
          <Button
            variant="primary"
            busy={saving}
            disabled={!name.trim()}
            disabledReason={canWrite ? undefined : t('segments.noWrite')}
            onClick={save}
          >
            {isNew ? t('segments.create') : t('segments.save')}
          </Button>
          {segment && (
            <Button
              variant="danger"
              disabledReason={canWrite ? undefined : t('segments.noWrite')}
              onClick={remove}
            >
              {t('segments.delete')}
            </Button>
          )}
        </div>
      </header>
      <div aria-live="polite" className="status-line">
        {saved && !dirty && <span className="ok">{t('segments.saved')}</span>}
        {dirty && <span className="muted">{t('segments.unsaved')}</span>}
      </div>
      <ErrorBanner error={saveError} />
      <div className="segment-layout">
        <div className="segment-main">
          <Card id="seg-basics" title={t('segments.basics')}>
            <TextField
              label={t('segments.name')}
              value={name}
              onChange={(s) => (setName(s), setDirty(true))}
              required
            />
            <TextArea
              label={t('segments.description')}
              value={description}
              rows={2}
              onChange={(s) => (setDescription(s), setDirty(true))}
            />
          </Card>
          {kind === 'dynamic' ? (
            <Card id="seg-rule" title={t('segments.rule')}>
              <p className="muted small">{t('segments.ruleHelp', { n: countConditions(rule) })}</p>
              {unplaced.length > 0 && (
                <ul className="rule-issues" aria-live="assertive">
                  {unplaced.map((e, i) => (
                    <li key={i}>
                      <code dir="ltr">{e.code}</code> {e.message}
                    </li>
                  ))}
                </ul>
              )}
              <RuleBuilder rule={rule} onChange={editRule} refs={refs} issues={byNode} readOnly={!canWrite} />
            </Card>
          ) : (
            segment && <ListMembers segment={segment} onChanged={loadSegment} canWrite={canWrite} />
          )}
        </div>
        {kind === 'dynamic' && (
          <aside className="segment-aside" aria-label={t('segments.livePreview')}>
            <Card id="seg-preview" title={t('segments.livePreview')}>
              <div aria-live="polite" aria-busy={previewing}>
                {previewing && <Spinner label={t('segments.counting')} />}
                {previewError ? <ErrorBanner error={previewError} /> : null}
                {issues.length > 0 && <p className="bad">{t('segments.fixErrors', { n: issues.length })}</p>}
                {preview && (
                  <>
                    <p className="big-count" data-testid="live-count">
                      {num(preview.estimate)}
                    </p>
                    <p className="muted small">
                      {preview.estimated
                        ? t('segments.estimated', { scanned: preview.scanned, total: preview.total })
                        : t('segments.exact', { total: preview.total })}
                    </p>
                    <h3 className="h-small">{t('segments.sample')}</h3>
                    {sample.length === 0 ? (
                      <p className="muted">{t('segments.noMatches')}</p>
                    ) : (
                      <ul className="sample-list" data-testid="live-sample">
                        {sample.map((p) => (
                          <li key={p.id}>
                            <Link to={`/customers/${encodeURIComponent(p.id)}`}>{profileLabel(p)}</Link>
                          </li>
                        ))}
                      </ul>
                    )}
                  </>
                )}
              </div>
            </Card>
          </aside>
        )}
      </div>
    </div>
  );
}

function ListMembers({
  segment,
  onChanged,
  canWrite,
}: {
  segment: Segment;
  onChanged(): void;
  canWrite: boolean;
}) {
  const { t, date } = useI18n();
  const [members, setMembers] = useState<{ profileId: string; since: string }[] | undefined>();
  const [profiles, setProfiles] = useState<Record<string, ProfileSummary>>({});
  const [ids, setIds] = useState('');
  const [error, setError] = useState<unknown>();
  const [report, setReport] = useState<string | undefined>();
  const load = useCallback(() => {
    api
      .get<{ members: { profileId: string; since: string }[] }>(
        `/api/v1/segments/${encodeURIComponent(segment.id)}/members`,
        { limit: 100 },
      )
      .then(async (m) => {
        setMembers(m.members);
        const list = await Promise.all(
          m.members
            .slice(0, 50)
            .map((x) =>
              api
                .get<ProfileSummary>(`/api/v1/profiles/${encodeURIComponent(x.profileId)}`)
                .catch(() => null),
            ),
        );
        const map: Record<string, ProfileSummary> = {};
        for (const p of list) if (p) map[p.id] = p;
        setProfiles(map);
      })
      .catch(setError);
  }, [segment.id]);
  useEffect(load, [load]);
  const change = async (op: 'add' | 'remove', only?: string) => {
    const profileIds = only
      ? [only]
      : ids
          .split(/[\s,،]+/)
          .map((x) => x.trim())
          .filter(Boolean);
    if (profileIds.length === 0) return;
    setError(undefined);
    try {
      const path = `/api/v1/segments/${encodeURIComponent(segment.id)}/members`;
      const body = { profileIds };
      const r =
        op === 'add'
          ? await api.post<{ changed: number; unknown: string[] }>(path, body)
          : await api.del<{ changed: number; unknown: string[] }>(path, body);
      setReport(t('segments.listChanged', { n: r.changed, unknown: r.unknown.length }));
      setIds('');
      load();
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Card id="seg-members" title={t('segments.listMembers')}>
      <ErrorBanner error={error} />
      {canWrite && (
        <div className="inline-fields">
          <TextArea
            label={t('segments.profileIds')}
            hint={t('segments.profileIdsHint')}
            value={ids}
            onChange={setIds}
            rows={2}
            dir="ltr"
          />
          <Button variant="primary" onClick={() => change('add')}>
            {t('segments.addToList')}
          </Button>
          <Button onClick={() => change('remove')}>{t('segments.removeFromList')}</Button>
        </div>
      )}
      {report && (
        <p role="status" className="muted">
          {report}
        </p>
      )}
      {!members ? (
        <Spinner />
      ) : members.length === 0 ? (
        <p className="muted">{t('segments.listEmpty')}</p>
      ) : (
        <ul className="member-list">
          {members.map((m) => (
            <li key={m.profileId}>
              <Link to={`/customers/${encodeURIComponent(m.profileId)}`}>
                {profiles[m.profileId] ? profileLabel(profiles[m.profileId]!) : m.profileId}
              </Link>{' '}
              <span className="muted small">{t('segments.since', { when: date(Date.parse(m.since)) })}</span>{' '}
              {canWrite && (
                <button
                  type="button"
                  className="btn btn-ghost"
                  aria-label={t('segments.removeMember', { id: m.profileId })}
                  onClick={() => change('remove', m.profileId)}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
