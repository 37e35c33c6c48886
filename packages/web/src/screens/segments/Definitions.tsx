// Computed traits and score models (the segments area's "Computed traits" and "Scores" tabs): lists with
// create / edit / delete dialogs. The forms reuse the rule builder's event selector, property filters, window
// and (for "while a rule holds" score rules) the rule builder itself; the server's errors are shown at the
// field they name (ApiError.details).
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError } from '../../api';
import { useI18n } from '../../i18n';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Select, TextField } from '../../ui/Field';
import { EmptyState, ErrorBanner, Spinner } from '../../ui/States';
import { Table } from '../../ui/Table';
import { Checkbox, DurationField, NumberField, type Duration } from '../shared/fields';
import { EventFields, RuleBuilder, WindowFields, type RuleRefs } from './RuleBuilder';
import { issuesByNode, newGroup, withIds, type RuleIssue, type RuleNode } from './rules';
import type { Definition, Segment } from './types';

type Obj = Record<string, unknown>;
export type DefinitionKind = 'computed' | 'score';

const PATHS: Record<DefinitionKind, { url: string; key: string }> = {
  computed: { url: '/api/v1/computed-traits', key: 'computedTraits' },
  score: { url: '/api/v1/score-models', key: 'scoreModels' },
};

export const COMPUTED_TYPES = [
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'first_time',
  'last_time',
  'top_channel',
  'rfm',
] as const;
const WITH_PROPERTY = ['sum', 'min', 'max', 'avg', 'rfm'];
const WITH_WINDOW = ['count', 'sum', 'min', 'max', 'avg', 'rfm'];
const RFM_KEYS = ['recencyDays', 'frequency', 'monetary'] as const;

/** The server's field errors of a refused definition (every one from `details`, else the one error). */
export function fieldIssues(e: unknown): RuleIssue[] {
  if (!(e instanceof ApiError) || e.status !== 400) return [];
  if (Array.isArray(e.details) && e.details.length > 0) return e.details as RuleIssue[];
  return [{ code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) }];
}

/** Issues whose field is `prefix` or lies under it (`event` matches `event.name`, `event.where[0]`). */
export function issuesAt(issues: RuleIssue[], prefix: string): RuleIssue[] {
  return issues.filter((x) => {
    const f = (x.field ?? '').replace(/^\./, '');
    return f === prefix || f.startsWith(`${prefix}.`) || f.startsWith(`${prefix}[`);
  });
}

/** A list of server errors shown next to the field(s) they name. */
export function FieldIssues({ list, testId }: { list: RuleIssue[]; testId?: string }) {
  if (list.length === 0) return null;
  return (
    <div role="alert" data-testid={testId}>
      <ul className="rule-issues">
        {list.map((e, i) => (
          <li key={i}>
            <code dir="ltr">{e.field ?? e.code}</code> {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

const firstMessage = (list: RuleIssue[]) => (list.length ? list.map((x) => x.message).join('; ') : undefined);

/** The list of computed traits or score models of the workspace with their dialogs. */
export function DefinitionsTab({
  kind,
  canWrite,
  segments,
}: {
  kind: DefinitionKind;
  canWrite: boolean;
  segments: Segment[];
}) {
  const { t, date } = useI18n();
  const [items, setItems] = useState<(Definition & { updatedAt?: string })[] | undefined>();
  const [others, setOthers] = useState<Definition[]>([]);
  const [error, setError] = useState<unknown>();
  const [editing, setEditing] = useState<Definition | 'new' | undefined>();
  const { url, key } = PATHS[kind];
  const load = useCallback(() => {
    setError(undefined);
    const other = PATHS[kind === 'computed' ? 'score' : 'computed'];
    Promise.all([
      api.get<Record<string, Definition[]>>(url),
      api.get<Record<string, Definition[]>>(other.url).catch(() => ({ [other.key]: [] })),
    ])
      .then(([mine, theirs]) => {
        setItems(mine[key] ?? []);
        setOthers(theirs[other.key] ?? []);
      })
      .catch(setError);
  }, [kind, url, key]);
  useEffect(load, [load]);

  const remove = async (d: Definition) => {
    if (!window.confirm(t('segments.confirmDelete', { name: d.name }))) return;
    setError(undefined);
    try {
      await api.del(`${url}/${encodeURIComponent(d.id)}`);
      load();
    } catch (e) {
      setError(e);
    }
  };

  const noWrite = canWrite ? undefined : t('segments.noWrite');
  const newLabel = kind === 'computed' ? t('segments.newComputed') : t('segments.newScore');
  const describe = (d: Definition): string => {
    const def = (d.definition ?? {}) as Obj;
    if (kind === 'computed') {
      const ev = (def.event as Obj | undefined)?.name;
      const w = def.window as Obj | undefined;
      return [
        t(`segments.agg.${String(def.type)}`),
        ev ? String(ev) : '',
        w && 'last' in w
          ? t('segments.inLast', { n: Number(w.last), unit: t(`shared.unit.${String(w.unit)}`) })
          : '',
      ]
        .filter(Boolean)
        .join(' · ');
    }
    const rules = Array.isArray(def.rules) ? def.rules.length : 0;
    return t('segments.nRules', { n: rules });
  };

  return (
    <div className="definitions" data-testid={`definitions-${kind}`}>
      <div className="toolbar">
        <Button variant="primary" disabledReason={noWrite} onClick={() => setEditing('new')}>
          + {newLabel}
        </Button>
      </div>
      <ErrorBanner error={error} onRetry={load} />
      {!items && !error && <Spinner />}
      {items && (
        <Table<Definition & { updatedAt?: string }>
          caption={kind === 'computed' ? t('segments.tab.computed') : t('segments.tab.scores')}
          rows={items}
          rowKey={(d) => d.id}
          initialSort={{ key: 'name' }}
          empty={
            <EmptyState title={kind === 'computed' ? t('segments.emptyComputed') : t('segments.emptyScores')}>
              {kind === 'computed' ? t('segments.emptyComputedHelp') : t('segments.emptyScoresHelp')}
            </EmptyState>
          }
          columns={[
            { key: 'name', header: t('segments.name'), sortValue: (d) => d.name, render: (d) => d.name },
            {
              key: 'key',
              header: t('segments.key'),
              sortValue: (d) => d.id,
              render: (d) => <code dir="ltr">{d.id}</code>,
            },
            { key: 'what', header: t('segments.definition'), render: describe },
            {
              key: 'updated',
              header: t('segments.updated'),
              sortValue: (d) => d.updatedAt ?? '',
              render: (d) => (d.updatedAt ? date(Date.parse(d.updatedAt)) : ''),
            },
            {
              key: 'actions',
              header: t('segments.actions'),
              render: (d) => (
                <span className="row-actions">
                  <Button
                    variant="ghost"
                    disabledReason={noWrite}
                    aria-label={t('segments.editNamed', { name: d.name })}
                    onClick={() => setEditing(d)}
                  >
                    {t('segments.edit')}
                  </Button>
                  <Button
                    variant="ghost"
                    disabledReason={noWrite}
                    aria-label={t('segments.deleteNamed', { name: d.name })}
                    onClick={() => void remove(d)}
                  >
                    {t('segments.delete')}
                  </Button>
                </span>
              ),
            },
          ]}
        />
      )}
      {editing &&
        (kind === 'computed' ? (
          <ComputedTraitDialog
            item={editing === 'new' ? undefined : editing}
            onClose={() => setEditing(undefined)}
            onSaved={() => {
              setEditing(undefined);
              load();
            }}
          />
        ) : (
          <ScoreModelDialog
            item={editing === 'new' ? undefined : editing}
            refs={{
              segments: segments.map((s) => ({ id: s.id, name: s.name, kind: s.kind })),
              computed: others.map((x) => ({ id: x.id, name: x.name })),
              scores: (items ?? [])
                .filter((x) => editing === 'new' || x.id !== editing.id)
                .map((x) => ({ id: x.id, name: x.name })),
              questions: [],
            }}
            onClose={() => setEditing(undefined)}
            onSaved={() => {
              setEditing(undefined);
              load();
            }}
          />
        ))}
    </div>
  );
}

/** The dialog's save: POST (new) or PUT (existing), keeping the error for the fields. */
function useSave(kind: DefinitionKind, item: Definition | undefined, onSaved: () => void) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const save = async (name: string, definition: unknown) => {
    setBusy(true);
    setError(undefined);
    try {
      const { url } = PATHS[kind];
      if (item) await api.put(`${url}/${encodeURIComponent(item.id)}`, { name, definition });
      else await api.post(url, { name, definition });
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, save, issues: useMemo(() => fieldIssues(error), [error]) };
}

function DialogFooter({
  busy,
  disabled,
  onClose,
  onSave,
}: {
  busy: boolean;
  disabled: boolean;
  onClose(): void;
  onSave(): void;
}) {
  const { t } = useI18n();
  return (
    <>
      <Button onClick={onClose}>{t('segments.cancel')}</Button>
      <Button variant="primary" busy={busy} disabled={disabled} onClick={onSave}>
        {t('segments.save')}
      </Button>
    </>
  );
}

function Section({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="group-box def-section">
      <legend>{legend}</legend>
      <div className="inline-fields">{children}</div>
    </fieldset>
  );
}

/** Create or edit a computed trait: aggregation, the events it counts, the property it reads, the window. */
export function ComputedTraitDialog({
  item,
  onClose,
  onSaved,
}: {
  item: Definition | undefined;
  onClose(): void;
  onSaved(): void;
}) {
  const { t } = useI18n();
  const init = (item?.definition ?? {}) as Obj;
  const [name, setName] = useState(item?.name ?? '');
  const [type, setType] = useState(String(init.type ?? 'count'));
  const [event, setEvent] = useState<Obj>((init.event as Obj | undefined) ?? { name: '' });
  const [property, setProperty] = useState(String(init.property ?? ''));
  const [window, setWindow] = useState<Obj | undefined>(
    (init.window as Obj | undefined) ?? (item ? undefined : { last: 30, unit: 'days' }),
  );
  const [rfm, setRfm] = useState<Record<string, (number | undefined)[]>>(() => ({
    recencyDays: (init.recencyDays as number[] | undefined) ?? [30, 60, 90, 180],
    frequency: (init.frequency as number[] | undefined) ?? [1, 2, 4, 8],
    monetary: (init.monetary as number[] | undefined) ?? [100, 500, 1000, 5000],
  }));
  const { error, busy, save, issues } = useSave('computed', item, onSaved);

  const definition = (): Obj => {
    const d: Obj = { type };
    if (type !== 'top_channel' || String(event.name ?? '') !== '') d.event = event;
    if (WITH_PROPERTY.includes(type)) d.property = property;
    if (WITH_WINDOW.includes(type) && window) d.window = window;
    if (type === 'rfm') for (const k of RFM_KEYS) d[k] = rfm[k];
    return d;
  };
  const placed = ['name', 'type', 'event', 'property', 'window', ...RFM_KEYS];
  const unplaced = issues.filter((x) => !placed.some((p) => issuesAt([x], p).length > 0));

  return (
    <Dialog
      open
      title={item ? t('segments.editComputed') : t('segments.newComputed')}
      onClose={onClose}
      footer={
        <DialogFooter
          busy={busy}
          disabled={!name.trim()}
          onClose={onClose}
          onSave={() => void save(name, definition())}
        />
      }
    >
      <div className="definition-form definition-form-wide" data-testid="computed-form">
        {unplaced.length === 0 && !(error instanceof ApiError && error.status === 400) && (
          <ErrorBanner error={error} />
        )}
        <FieldIssues list={unplaced} />
        <TextField
          label={t('segments.name')}
          value={name}
          onChange={setName}
          required
          error={firstMessage(issuesAt(issues, 'name'))}
        />
        <Select
          label={t('segments.aggregation')}
          hint={t(`segments.aggHelp.${type}`)}
          value={type}
          options={COMPUTED_TYPES.map((x) => ({ value: x, label: t(`segments.agg.${x}`) }))}
          onChange={setType}
          error={firstMessage(issuesAt(issues, 'type'))}
        />
        <Section legend={type === 'top_channel' ? t('segments.eventsOptional') : t('segments.events')}>
          <EventFields event={event} onChange={setEvent} />
        </Section>
        <FieldIssues list={issuesAt(issues, 'event')} testId="issues-event" />
        {WITH_PROPERTY.includes(type) && (
          <TextField
            label={type === 'rfm' ? t('segments.amountProperty') : t('segments.property')}
            hint={t('segments.propertyHint')}
            dir="ltr"
            value={property}
            onChange={setProperty}
            error={firstMessage(issuesAt(issues, 'property'))}
          />
        )}
        {WITH_WINDOW.includes(type) && (
          <>
            <Section legend={t('segments.window')}>
              <WindowFields window={window} onChange={setWindow} />
            </Section>
            <FieldIssues list={issuesAt(issues, 'window')} />
          </>
        )}
        {type === 'rfm' &&
          RFM_KEYS.map((k) => (
            <div key={k}>
              <Section legend={t(`segments.rfmLimits.${k}`)}>
                {[0, 1, 2, 3].map((i) => (
                  <NumberField
                    key={i}
                    label={t('segments.limitN', { n: i + 1 })}
                    value={rfm[k]![i]}
                    min={0}
                    onChange={(n) => setRfm({ ...rfm, [k]: rfm[k]!.map((x, j) => (j === i ? n : x)) })}
                  />
                ))}
              </Section>
              <FieldIssues list={issuesAt(issues, k)} />
            </div>
          ))}
      </div>
    </Dialog>
  );
}

type ScoreRuleDraft =
  | { mode: 'per'; points: number | undefined; per: Obj; decay?: Obj; id?: string }
  | { mode: 'when'; points: number | undefined; when: RuleNode; id?: string };

function toDraft(r: Obj): ScoreRuleDraft {
  const base = {
    points: typeof r.points === 'number' ? r.points : undefined,
    ...(typeof r.id === 'string' ? { id: r.id } : {}),
  };
  if ('when' in r) return { ...base, mode: 'when', when: withIds(r.when as RuleNode) };
  return {
    ...base,
    mode: 'per',
    per: (r.per as Obj | undefined) ?? { name: '' },
    ...(r.decay ? { decay: r.decay as Obj } : {}),
  };
}

function fromDraft(r: ScoreRuleDraft): Obj {
  const base: Obj = { ...(r.id ? { id: r.id } : {}), points: r.points ?? Number.NaN };
  if (r.mode === 'when') return { ...base, when: r.when };
  return { ...base, per: r.per, ...(r.decay ? { decay: r.decay } : {}) };
}

/** Decay of points: expire after a duration and/or halve every half-life. */
function DecayFields({
  value,
  onChange,
  legend,
}: {
  value: Obj | undefined;
  onChange(v: Obj | undefined): void;
  legend: string;
}) {
  const { t } = useI18n();
  const set = (k: 'expireAfter' | 'halfLife', d: Duration | undefined) => {
    const out: Obj = { ...(value ?? {}) };
    if (d) out[k] = d;
    else delete out[k];
    onChange(Object.keys(out).length ? out : undefined);
  };
  return (
    <fieldset className="group-box def-section">
      <legend>{legend}</legend>
      {(['halfLife', 'expireAfter'] as const).map((k) => {
        const d = value?.[k] as Duration | undefined;
        return (
          <div key={k}>
            <Checkbox
              label={t(`segments.decay.${k}`)}
              checked={d !== undefined}
              onChange={(on) => set(k, on ? { amount: k === 'halfLife' ? 30 : 90, unit: 'days' } : undefined)}
            />
            {d && <DurationField label={t(`segments.decay.${k}`)} value={d} onChange={(x) => set(k, x)} />}
          </div>
        );
      })}
    </fieldset>
  );
}

/** Create or edit a score model: rules (points per event, with decay, or while a rule holds) and adjustments. */
export function ScoreModelDialog({
  item,
  refs,
  onClose,
  onSaved,
}: {
  item: Definition | undefined;
  refs: RuleRefs;
  onClose(): void;
  onSaved(): void;
}) {
  const { t, num } = useI18n();
  const init = (item?.definition ?? {}) as Obj;
  const [name, setName] = useState(item?.name ?? '');
  const [rules, setRules] = useState<ScoreRuleDraft[]>(() =>
    Array.isArray(init.rules) && init.rules.length
      ? (init.rules as Obj[]).map(toDraft)
      : [{ mode: 'per', points: 10, per: { name: '' } }],
  );
  const [adjDecay, setAdjDecay] = useState<Obj | undefined>(
    ((init.adjustments as Obj | undefined)?.decay as Obj | undefined) ?? undefined,
  );
  const { error, busy, save, issues } = useSave('score', item, onSaved);
  const setRule = (i: number, r: ScoreRuleDraft) => setRules(rules.map((x, j) => (j === i ? r : x)));

  const definition = (): Obj => ({
    rules: rules.map(fromDraft),
    ...(adjDecay ? { adjustments: { decay: adjDecay } } : {}),
  });
  const placed = ['name', 'rules', 'adjustments'];
  const unplaced = issues.filter((x) => !placed.some((p) => issuesAt([x], p).length > 0));

  return (
    <Dialog
      open
      title={item ? t('segments.editScore') : t('segments.newScore')}
      onClose={onClose}
      footer={
        <DialogFooter
          busy={busy}
          disabled={!name.trim()}
          onClose={onClose}
          onSave={() => void save(name, definition())}
        />
      }
    >
      <div className="definition-form definition-form-wide" data-testid="score-form">
        {unplaced.length === 0 && !(error instanceof ApiError && error.status === 400) && (
          <ErrorBanner error={error} />
        )}
        <FieldIssues list={unplaced} />
        <TextField
          label={t('segments.name')}
          value={name}
          onChange={setName}
          required
          error={firstMessage(issuesAt(issues, 'name'))}
        />
        <FieldIssues list={issues.filter((x) => (x.field ?? '') === 'rules')} />
        <ol className="score-rules">
          {rules.map((r, i) => {
            const here = issuesAt(issues, `rules[${i}]`);
            // Errors inside a "when" rule are placed at its nodes (rules[i].when… → rule…).
            const nodeIssues =
              r.mode === 'when'
                ? issuesByNode(
                    r.when,
                    here
                      .filter((x) => (x.field ?? '').startsWith(`rules[${i}].when`))
                      .map((x) => ({
                        ...x,
                        field: `rule${(x.field ?? '').slice(`rules[${i}].when`.length)}`,
                      })),
                  )
                : new Map<string, RuleIssue[]>();
            const rest =
              r.mode === 'when' ? here.filter((x) => !(x.field ?? '').startsWith(`rules[${i}].when`)) : here;
            return (
              <li key={i} className="score-rule" data-testid={`score-rule-${i}`}>
                <fieldset className="group-box">
                  <legend>{t('segments.scoreRuleN', { n: num(i + 1) })}</legend>
                  <div className="inline-fields">
                    <Select
                      label={t('segments.scoreRuleKind')}
                      value={r.mode}
                      options={[
                        { value: 'per', label: t('segments.scoreRule.per') },
                        { value: 'when', label: t('segments.scoreRule.when') },
                      ]}
                      onChange={(m) =>
                        setRule(
                          i,
                          m === 'when'
                            ? { mode: 'when', points: r.points, when: newGroup('and') }
                            : { mode: 'per', points: r.points, per: { name: '' } },
                        )
                      }
                    />
                    <NumberField
                      label={t('segments.points')}
                      value={r.points}
                      onChange={(n) => setRule(i, { ...r, points: n })}
                      error={firstMessage(issuesAt(issues, `rules[${i}].points`))}
                    />
                  </div>
                  {r.mode === 'per' ? (
                    <>
                      <Section legend={t('segments.perEvent')}>
                        <EventFields event={r.per} onChange={(e) => setRule(i, { ...r, per: e })} />
                      </Section>
                      <DecayFields
                        legend={t('segments.decay')}
                        value={r.decay}
                        onChange={(d) => {
                          const next = { ...r };
                          if (d) next.decay = d;
                          else delete next.decay;
                          setRule(i, next);
                        }}
                      />
                    </>
                  ) : (
                    <RuleBuilder
                      rule={r.when}
                      onChange={(w) => setRule(i, { ...r, when: w })}
                      refs={refs}
                      issues={nodeIssues}
                    />
                  )}
                  <FieldIssues
                    list={rest.filter((x) => x.field !== `rules[${i}].points`)}
                    testId={`issues-rule-${i}`}
                  />
                  {nodeIssues.get('') && <FieldIssues list={nodeIssues.get('')!} />}
                  {rules.length > 1 && (
                    <Button
                      variant="ghost"
                      onClick={() => setRules(rules.filter((_, j) => j !== i))}
                      aria-label={t('segments.removeScoreRuleN', { n: num(i + 1) })}
                    >
                      {t('segments.removeScoreRule')}
                    </Button>
                  )}
                </fieldset>
              </li>
            );
          })}
        </ol>
        <Button
          variant="ghost"
          onClick={() => setRules([...rules, { mode: 'per', points: 10, per: { name: '' } }])}
        >
          + {t('segments.addScoreRule')}
        </Button>
        <DecayFields legend={t('segments.adjustmentsDecay')} value={adjDecay} onChange={setAdjDecay} />
        <p className="muted small">{t('segments.adjustmentsHelp')}</p>
        <FieldIssues list={issuesAt(issues, 'adjustments')} />
      </div>
    </Dialog>
  );
}
