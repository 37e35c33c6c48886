// One survey: builder (questions of every type, texts in fa/ar/en, end screens, settings), preview per
// language, distribution links and results (tabs). Errors of a refused definition are shown at the question.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError } from '../../api';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { Link, navigate, setQuery, useRoute } from '../../router';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Select, TextField } from '../../ui/Field';
import { ErrorBanner, Spinner } from '../../ui/States';
import { Tabs } from '../../ui/Tabs';
import { Checkbox, JsonField, NumberField } from '../shared/fields';
import {
  LANGS,
  QUESTION_TYPES,
  SCALE_TYPES,
  issuesByQuestion,
  langDir,
  newDefinition,
  newQuestion,
  type Lang,
  type LocalizedText,
  type Question,
  type QuestionType,
  type Survey,
  type SurveyDefinition,
  type SurveyIssue,
  type SurveySettings,
} from './model';
import { SurveyPreview } from './SurveyPreview';
import { Distribute } from './Distribute';
import { LogicSection } from './LogicEditor';
import './surveys.css';

const SurveyResults = lazy(() => import('./SurveyResults'));

/** One text in each of the survey's languages, each input marked with its language and direction. */
export function LocalizedFields({
  label,
  value,
  languages,
  onChange,
  required = false,
}: {
  label: string;
  value: LocalizedText | undefined;
  languages: Lang[];
  onChange(v: LocalizedText | undefined): void;
  required?: boolean;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="localized">
      <legend>{label}</legend>
      {languages.map((l) => (
        <TextField
          key={l}
          label={t(`surveys.lang.${l}`)}
          lang={l}
          dir={langDir(l)}
          value={value?.[l] ?? ''}
          required={required}
          onChange={(s) => {
            const next = { ...(value ?? {}), [l]: s };
            if (!s) delete next[l];
            onChange(Object.keys(next).length ? next : undefined);
          }}
        />
      ))}
    </fieldset>
  );
}

export default function SurveyEditor() {
  const { t } = useI18n();
  const { can } = useAuth();
  const { params, query } = useRoute();
  const isNew = params.id === 'new';
  const tab = query.get('tab') ?? 'build';
  const canWrite = can('surveys:write');
  const noWrite = canWrite ? undefined : t('surveys.noWrite');
  const [survey, setSurvey] = useState<Survey | undefined>();
  const [name, setName] = useState('');
  const [status, setStatus] = useState<Survey['status']>('draft');
  const [def, setDef] = useState<SurveyDefinition>(newDefinition);
  const [settings, setSettings] = useState<SurveySettings>({ anonymous: true, alerts: { detractor: true } });
  const [issues, setIssues] = useState<SurveyIssue[]>([]);
  const [error, setError] = useState<unknown>();
  const [loadError, setLoadError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const [dirty, setDirty] = useState(false);

  const load = useCallback(() => {
    if (isNew) return;
    api
      .get<Survey>(`/api/v1/surveys/${encodeURIComponent(params.id!)}`)
      .then((s) => {
        setSurvey(s);
        setName(s.name);
        setStatus(s.status);
        setDef(s.definition);
        setSettings(s.settings ?? {});
        setDirty(false);
      })
      .catch(setLoadError);
  }, [isNew, params.id]);
  useEffect(load, [load]);

  const byQuestion = useMemo(() => issuesByQuestion(issues, def.questions), [issues, def.questions]);
  const edit = (f: (d: SurveyDefinition) => SurveyDefinition) => {
    setDef(f);
    setDirty(true);
    setNotice(undefined);
  };
  const setQ = (i: number, q: Question) =>
    edit((d) => ({ ...d, questions: d.questions.map((x, j) => (j === i ? q : x)) }));

  const save = async () => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const body = { name, status, definition: def, settings };
      const s = survey
        ? await api.patch<Survey>(`/api/v1/surveys/${encodeURIComponent(survey.id)}`, body)
        : await api.post<Survey>('/api/v1/surveys', body);
      setSurvey(s);
      setIssues([]);
      setDirty(false);
      setNotice(t('surveys.saved'));
      if (isNew) navigate(`/surveys/${encodeURIComponent(s.id)}`, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && Array.isArray(e.details))
        setIssues(e.details as SurveyIssue[]);
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (loadError) return <ErrorBanner error={loadError} onRetry={load} />;
  if (!isNew && !survey) return <Spinner />;
  const general = byQuestion.get('') ?? [];

  const builder = (
    <div className="survey-builder">
      <Card id="survey-basics" title={t('surveys.basics')}>
        <TextField
          label={t('surveys.name')}
          hint={t('surveys.nameHint')}
          value={name}
          onChange={(s) => (setName(s), setDirty(true))}
          required
        />
        <Select
          label={t('surveys.status')}
          value={status}
          options={['draft', 'active', 'closed'].map((x) => ({ value: x, label: t(`surveys.status.${x}`) }))}
          onChange={(s) => (setStatus(s as Survey['status']), setDirty(true))}
        />
        <fieldset className="inline-fields">
          <legend>{t('surveys.languages')}</legend>
          {LANGS.map((l) => (
            <Checkbox
              key={l}
              label={t(`surveys.lang.${l}`)}
              checked={def.languages.includes(l)}
              onChange={(on) =>
                edit((d) => ({
                  ...d,
                  languages: on
                    ? LANGS.filter((x) => x === l || d.languages.includes(x))
                    : d.languages.filter((x) => x !== l),
                }))
              }
            />
          ))}
        </fieldset>
        <Select
          label={t('surveys.defaultLanguage')}
          value={def.defaultLanguage ?? ''}
          options={[
            { value: '', label: t('surveys.auto') },
            ...def.languages.map((l) => ({ value: l, label: t(`surveys.lang.${l}`) })),
          ]}
          onChange={(s) =>
            edit((d) => {
              const out = { ...d };
              if (s) out.defaultLanguage = s as Lang;
              else delete out.defaultLanguage;
              return out;
            })
          }
        />
        <LocalizedFields
          label={t('surveys.intro')}
          value={def.intro}
          languages={def.languages}
          onChange={(v) => edit((d) => (v ? { ...d, intro: v } : omit(d, 'intro')))}
        />
      </Card>
      {general.length > 0 && (
        <ul className="rule-issues" aria-live="assertive">
          {general.map((e, i) => (
            <li key={i}>
              <code dir="ltr">{e.field ?? e.code}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
      {def.questions.map((q, i) => (
        <QuestionCard
          key={i}
          q={q}
          index={i}
          count={def.questions.length}
          languages={def.languages}
          issues={byQuestion.get(q.id) ?? []}
          questions={def.questions}
          endScreens={def.endScreens}
          onChange={(x) => setQ(i, x)}
          onMove={(delta) =>
            edit((d) => {
              const qs = [...d.questions];
              const [x] = qs.splice(i, 1);
              qs.splice(i + delta, 0, x!);
              return { ...d, questions: qs };
            })
          }
          onRemove={() => edit((d) => ({ ...d, questions: d.questions.filter((_, j) => j !== i) }))}
        />
      ))}
      <Card id="survey-add" title={t('surveys.addQuestion')}>
        <div className="toolbar">
          {QUESTION_TYPES.map((type) => (
            <Button
              key={type}
              onClick={() =>
                edit((d) => ({ ...d, questions: [...d.questions, newQuestion(type, d.questions)] }))
              }
            >
              + {t(`surveys.qtype.${type}`)}
            </Button>
          ))}
        </div>
      </Card>
      <Card id="survey-ends" title={t('surveys.endScreens')}>
        {def.endScreens.map((e, i) => (
          <fieldset className="group-box" key={i}>
            <legend>{i === 0 ? t('surveys.defaultEnd') : t('surveys.endN', { n: i + 1 })}</legend>
            <TextField
              label={t('surveys.endId')}
              dir="ltr"
              value={e.id}
              onChange={(s) =>
                edit((d) => ({
                  ...d,
                  endScreens: d.endScreens.map((x, j) => (j === i ? { ...x, id: s } : x)),
                }))
              }
            />
            <LocalizedFields
              label={t('surveys.endTitle')}
              value={e.title}
              languages={def.languages}
              onChange={(v) =>
                edit((d) => ({
                  ...d,
                  endScreens: d.endScreens.map((x, j) => (j === i ? { ...x, title: v ?? {} } : x)),
                }))
              }
            />
            <LocalizedFields
              label={t('surveys.endBody')}
              value={e.body}
              languages={def.languages}
              onChange={(v) =>
                edit((d) => ({
                  ...d,
                  endScreens: d.endScreens.map((x, j) =>
                    j === i ? (v ? { ...x, body: v } : omit(x, 'body')) : x,
                  ),
                }))
              }
            />
            {def.endScreens.length > 1 && (
              <Button
                variant="ghost"
                onClick={() => edit((d) => ({ ...d, endScreens: d.endScreens.filter((_, j) => j !== i) }))}
              >
                {t('surveys.removeEnd')}
              </Button>
            )}
          </fieldset>
        ))}
        <Button
          variant="ghost"
          onClick={() =>
            edit((d) => ({
              ...d,
              endScreens: [...d.endScreens, { id: `end${d.endScreens.length + 1}`, title: {} }],
            }))
          }
        >
          + {t('surveys.addEnd')}
        </Button>
      </Card>
      <Card id="survey-settings" title={t('surveys.settings')}>
        <Checkbox
          label={t('surveys.anonymous')}
          checked={settings.anonymous === true}
          onChange={(on) => (setSettings({ ...settings, anonymous: on }), setDirty(true))}
        />
        <Checkbox
          label={t('surveys.multipleResponses')}
          checked={settings.multipleResponses === true}
          onChange={(on) => (setSettings({ ...settings, multipleResponses: on }), setDirty(true))}
        />
        <NumberField
          label={t('surveys.linkTtlDays')}
          value={settings.linkTtlDays}
          min={1}
          max={365}
          onChange={(n) => (
            setSettings(n === undefined ? omit(settings, 'linkTtlDays') : { ...settings, linkTtlDays: n }),
            setDirty(true)
          )}
        />
        <fieldset className="group-box">
          <legend>{t('surveys.alerts')}</legend>
          <Checkbox
            label={t('surveys.alertDetractor')}
            checked={settings.alerts?.detractor === true}
            onChange={(on) => (
              setSettings({ ...settings, alerts: { ...settings.alerts, detractor: on } }),
              setDirty(true)
            )}
          />
          <Checkbox
            label={t('surveys.alertLowScore')}
            checked={settings.alerts?.lowScore === true}
            onChange={(on) => (
              setSettings({ ...settings, alerts: { ...settings.alerts, lowScore: on } }),
              setDirty(true)
            )}
          />
          <NumberField
            label={t('surveys.alertSentiment')}
            value={settings.alerts?.sentimentBelow}
            min={-1}
            max={1}
            onChange={(n) => {
              const alerts = { ...settings.alerts };
              if (n === undefined) delete alerts.sentimentBelow;
              else alerts.sentimentBelow = n;
              setSettings({ ...settings, alerts });
              setDirty(true);
            }}
          />
        </fieldset>
        <JsonField
          label={t('surveys.widget')}
          hint={t('surveys.widgetHint')}
          value={settings.widget}
          onChange={(w) => (
            setSettings(w === undefined ? omit(settings, 'widget') : { ...settings, widget: w }),
            setDirty(true)
          )}
        />
      </Card>
    </div>
  );

  return (
    <div className="screen survey-editor">
      <header className="screen-header">
        <div>
          <Link to="/surveys" className="back-link">
            <span className="icon-dir" aria-hidden="true">
              ←
            </span>{' '}
            {t('surveys.title')}
          </Link>
          <h1>{survey?.name ?? t('surveys.new')}</h1>
        </div>
        <div className="toolbar">
          {survey && (
            <Badge
              tone={survey.status === 'active' ? 'good' : survey.status === 'closed' ? 'neutral' : 'info'}
            >
              {t(`surveys.status.${survey.status}`)}
            </Badge>
          )}
          {survey && <Badge>{t('surveys.versionN', { n: survey.version })}</Badge>}
          <Button
            variant="primary"
            busy={busy}
            disabled={!name.trim()}
            disabledReason={noWrite}
            onClick={save}
          >
            {survey ? t('surveys.save') : t('surveys.create')}
          </Button>
        </div>
      </header>
      <div className="status-line" aria-live="polite">
        {notice && <span className="ok">{notice}</span>}
        {dirty && <span className="muted"> {t('surveys.unsaved')}</span>}
        {issues.length > 0 && <span className="bad"> {t('surveys.fixErrors', { n: issues.length })}</span>}
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      <Tabs
        label={t('surveys.sections')}
        active={tab}
        onChange={(id) => setQuery({ tab: id === 'build' ? undefined : id })}
        tabs={[
          { id: 'build', label: t('surveys.tab.build') },
          { id: 'preview', label: t('surveys.tab.preview') },
          ...(survey
            ? [
                { id: 'distribute', label: t('surveys.tab.distribute') },
                { id: 'results', label: t('surveys.tab.results') },
              ]
            : []),
        ]}
      >
        {tab === 'build' && builder}
        {tab === 'preview' && <SurveyPreview def={def} />}
        {tab === 'distribute' && survey && <Distribute survey={survey} />}
        {tab === 'results' && survey && (
          <Suspense fallback={<Spinner />}>
            <SurveyResults survey={survey} />
          </Suspense>
        )}
      </Tabs>
    </div>
  );
}

function omit<T extends object, K extends keyof T>(o: T, k: K): T {
  const out = { ...o };
  delete out[k];
  return out;
}

function QuestionCard({
  q,
  index,
  count,
  languages,
  issues,
  questions,
  endScreens,
  onChange,
  onMove,
  onRemove,
}: {
  q: Question;
  index: number;
  count: number;
  languages: Lang[];
  issues: SurveyIssue[];
  questions: Question[];
  endScreens: SurveyDefinition['endScreens'];
  onChange(q: Question): void;
  onMove(delta: number): void;
  onRemove(): void;
}) {
  const { t, num } = useI18n();
  const [advanced, setAdvanced] = useState(false);
  const set = (k: string, v: unknown) =>
    onChange((v === undefined ? omit(q, k) : { ...q, [k]: v }) as Question);
  const scale = SCALE_TYPES.includes(q.type);
  const choice = q.type === 'single_choice' || q.type === 'multiple_choice';
  return (
    <section
      className={`card question-card${issues.length ? ' question-invalid' : ''}`}
      aria-labelledby={`q-${index}-title`}
      data-question-id={q.id}
    >
      <header className="card-header">
        <h2 id={`q-${index}-title`}>
          {t('surveys.questionN', { n: index + 1 })}: {t(`surveys.qtype.${q.type}`)}
        </h2>
        <div className="card-actions">
          <Button
            variant="ghost"
            disabled={index === 0}
            onClick={() => onMove(-1)}
            aria-label={t('surveys.moveUp', { n: num(index + 1) })}
          >
            ↑
          </Button>
          <Button
            variant="ghost"
            disabled={index === count - 1}
            onClick={() => onMove(1)}
            aria-label={t('surveys.moveDown', { n: num(index + 1) })}
          >
            ↓
          </Button>
          <Button variant="danger" onClick={onRemove}>
            {t('surveys.removeQuestion')}
          </Button>
        </div>
      </header>
      <div className="card-body">
        {issues.length > 0 && (
          <ul className="rule-issues" aria-live="assertive">
            {issues.map((e, i) => (
              <li key={i}>
                <code dir="ltr">{e.field ?? e.code}</code> {e.message}
              </li>
            ))}
          </ul>
        )}
        <div className="inline-fields">
          <Select
            label={t('surveys.questionType')}
            value={q.type}
            options={QUESTION_TYPES.map((x) => ({ value: x, label: t(`surveys.qtype.${x}`) }))}
            onChange={(x) =>
              onChange({
                ...newQuestion(x as QuestionType, []),
                id: q.id,
                title: q.title,
                ...(q.required ? { required: true } : {}),
              })
            }
          />
          <TextField
            label={t('surveys.questionId')}
            hint={t('surveys.questionIdHint')}
            dir="ltr"
            value={q.id}
            onChange={(s) => set('id', s)}
          />
          <Checkbox
            label={t('surveys.required')}
            checked={q.required === true}
            onChange={(on) => set('required', on || undefined)}
          />
        </div>
        <LocalizedFields
          label={t('surveys.questionTitle')}
          value={q.title}
          languages={languages}
          onChange={(v) => set('title', v ?? {})}
          required
        />
        <LocalizedFields
          label={t('surveys.questionDescription')}
          value={q.description}
          languages={languages}
          onChange={(v) => set('description', v)}
        />
        {scale && (
          <>
            <LocalizedFields
              label={t('surveys.lowLabel')}
              value={q.lowLabel}
              languages={languages}
              onChange={(v) => set('lowLabel', v)}
            />
            <LocalizedFields
              label={t('surveys.highLabel')}
              value={q.highLabel}
              languages={languages}
              onChange={(v) => set('highLabel', v)}
            />
          </>
        )}
        {q.type === 'ces' && (
          <Select
            label={t('surveys.cesDirection')}
            value={q.direction ?? 'ascending'}
            options={['ascending', 'descending'].map((x) => ({ value: x, label: t(`surveys.dir.${x}`) }))}
            onChange={(s) => set('direction', s === 'ascending' ? undefined : s)}
          />
        )}
        {q.type === 'rating' && (
          <div className="inline-fields">
            <NumberField
              label={t('surveys.points')}
              value={q.points}
              min={3}
              max={10}
              onChange={(n) => set('points', n)}
            />
            <Select
              label={t('surveys.style')}
              value={q.style ?? 'numbers'}
              options={['numbers', 'stars'].map((x) => ({ value: x, label: t(`surveys.style.${x}`) }))}
              onChange={(s) => set('style', s)}
            />
          </div>
        )}
        {choice && (
          <fieldset className="group-box">
            <legend>{t('surveys.choices')}</legend>
            {(q.choices ?? []).map((c, i) => (
              <div key={i} className="choice-row">
                <TextField
                  label={t('surveys.choiceId')}
                  dir="ltr"
                  value={c.id}
                  onChange={(s) =>
                    set(
                      'choices',
                      (q.choices ?? []).map((x, j) => (j === i ? { ...x, id: s } : x)),
                    )
                  }
                />
                <LocalizedFields
                  label={t('surveys.choiceLabel', { n: i + 1 })}
                  value={c.label}
                  languages={languages}
                  onChange={(v) =>
                    set(
                      'choices',
                      (q.choices ?? []).map((x, j) => (j === i ? { ...x, label: v ?? {} } : x)),
                    )
                  }
                />
                <Button
                  variant="ghost"
                  onClick={() =>
                    set(
                      'choices',
                      (q.choices ?? []).filter((_, j) => j !== i),
                    )
                  }
                >
                  {t('surveys.removeChoice')}
                </Button>
              </div>
            ))}
            <Button
              variant="ghost"
              onClick={() =>
                set('choices', [
                  ...(q.choices ?? []),
                  { id: String.fromCharCode(97 + (q.choices?.length ?? 0)), label: {} },
                ])
              }
            >
              + {t('surveys.addChoice')}
            </Button>
            {q.type === 'multiple_choice' && (
              <div className="inline-fields">
                <NumberField
                  label={t('surveys.minSelected')}
                  value={q.minSelected}
                  min={0}
                  onChange={(n) => set('minSelected', n)}
                />
                <NumberField
                  label={t('surveys.maxSelected')}
                  value={q.maxSelected}
                  min={1}
                  onChange={(n) => set('maxSelected', n)}
                />
              </div>
            )}
          </fieldset>
        )}
        {q.type === 'open_text' && (
          <>
            <div className="inline-fields">
              <Checkbox
                label={t('surveys.multiline')}
                checked={q.multiline === true}
                onChange={(on) => set('multiline', on || undefined)}
              />
              <NumberField
                label={t('surveys.maxLength')}
                value={q.maxLength}
                min={1}
                max={5000}
                onChange={(n) => set('maxLength', n)}
              />
            </div>
            <LocalizedFields
              label={t('surveys.placeholder')}
              value={q.placeholder}
              languages={languages}
              onChange={(v) => set('placeholder', v)}
            />
          </>
        )}
        <LogicSection
          q={q}
          index={index}
          questions={questions}
          endScreens={endScreens}
          issues={issues}
          advanced={advanced}
          onAdvanced={setAdvanced}
          onChange={(v) => set('logic', v)}
        />
      </div>
    </section>
  );
}
