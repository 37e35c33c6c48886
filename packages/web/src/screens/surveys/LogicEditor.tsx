// Skip logic of one survey question as a form: "if <question> <op> <value> go to <question | end screen>",
// with selects built from the survey's own questions (this one and earlier ones to test, later ones to jump
// to), its end screens and the operators the core type allows for each question type. Several conditions of
// one rule combine with all / any; anything deeper stays editable in the advanced JSON view.
import { useI18n } from '../../i18n';
import { Button } from '../../ui/Button';
import { Select, TextField } from '../../ui/Field';
import { Checkbox, JsonField, ListField, NumberField } from '../shared/fields';
import {
  SCALE_TYPES,
  scaleOf,
  type EndScreen,
  type LocalizedText,
  type Question,
  type SurveyIssue,
} from './model';

type Obj = Record<string, unknown>;

/** One test of an earlier answer (packages/core/src/surveys/types.ts LogicCondition without all/any). */
export interface SimpleCondition {
  question: string;
  op: string;
  value?: unknown;
}

export interface LogicRuleDraft {
  if: Obj;
  goto: { question: string } | { end: string };
}

/** The operators skip logic allows for a question type (the server refuses the others). */
export function opsFor(type: string | undefined): string[] {
  if (type && SCALE_TYPES.includes(type))
    return [
      'answered',
      'skipped',
      'equals',
      'not_equals',
      'lt',
      'lte',
      'gt',
      'gte',
      'between',
      'in',
      'not_in',
    ];
  if (type === 'multiple_choice') return ['answered', 'skipped', 'includes', 'excludes'];
  return ['answered', 'skipped', 'equals', 'not_equals', 'in', 'not_in'];
}

/** A fitting value for an operator on a question: kept when it still fits. */
export function valueFor(q: Question | undefined, op: string, prev: unknown): unknown {
  const scale = q && SCALE_TYPES.includes(q.type);
  const choices = q?.choices?.map((c) => c.id) ?? [];
  const range = q ? scaleOf(q) : [];
  switch (op) {
    case 'answered':
    case 'skipped':
      return undefined;
    case 'between':
      return Array.isArray(prev) && prev.length === 2 ? prev : [range[0] ?? 0, range[range.length - 1] ?? 0];
    case 'in':
    case 'not_in':
      return Array.isArray(prev) ? prev : choices.length ? [choices[0]] : [];
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return typeof prev === 'number' ? prev : (range[Math.floor(range.length / 2)] ?? 0);
    default:
      if (scale) return typeof prev === 'number' ? prev : (range[0] ?? 0);
      if (choices.length) return typeof prev === 'string' && choices.includes(prev) ? prev : choices[0];
      return typeof prev === 'string' ? prev : '';
  }
}

const isSimple = (c: unknown): c is SimpleCondition =>
  typeof c === 'object' && c !== null && typeof (c as Obj).question === 'string';

/** A rule's conditions as a flat list with their combinator, or null when it nests deeper. */
export function flatten(cond: unknown): { mode: 'all' | 'any'; list: SimpleCondition[] } | null {
  if (isSimple(cond)) return { mode: 'all', list: [cond] };
  if (typeof cond !== 'object' || cond === null) return null;
  const o = cond as Obj;
  const mode = 'all' in o ? 'all' : 'any' in o ? 'any' : null;
  const list = mode ? o[mode] : undefined;
  if (!mode || !Array.isArray(list) || !list.every(isSimple)) return null;
  return { mode, list };
}

const join = (mode: 'all' | 'any', list: SimpleCondition[]): Obj =>
  list.length === 1 ? { ...list[0]! } : { [mode]: list };

function titleOf(text: LocalizedText | undefined, locale: string): string {
  if (!text) return '';
  return (text as Record<string, string | undefined>)[locale] ?? text.en ?? text.fa ?? text.ar ?? '';
}

export function LogicEditor({
  q,
  index,
  questions,
  endScreens,
  issues,
  onChange,
}: {
  q: Question;
  index: number;
  questions: Question[];
  endScreens: EndScreen[];
  issues: SurveyIssue[];
  onChange(logic: unknown[] | undefined): void;
}) {
  const { t, num, locale } = useI18n();
  const rules = (Array.isArray(q.logic) ? q.logic : []) as Obj[];
  const label = (x: Question, i: number) => {
    const title = titleOf(x.title, locale);
    return `${num(i + 1)}. ${title ? `${title} ` : ''}(${x.id})`;
  };
  const testable = questions.slice(0, index + 1);
  const targets = [
    ...questions.slice(index + 1).map((x, j) => ({ value: `q:${x.id}`, label: label(x, index + 1 + j) })),
    ...endScreens.map((e) => ({
      value: `e:${e.id}`,
      label: t('surveys.logicEndScreen', { name: titleOf(e.title, locale) || e.id }),
    })),
  ];
  const setRules = (list: Obj[]) => onChange(list.length ? list : undefined);
  const setRule = (i: number, r: Obj) => setRules(rules.map((x, j) => (j === i ? r : x)));
  const newCondition = (): SimpleCondition => {
    const op = q.type === 'multiple_choice' ? 'includes' : SCALE_TYPES.includes(q.type) ? 'lte' : 'answered';
    const v = valueFor(q, op, undefined);
    return { question: q.id, op, ...(v === undefined ? {} : { value: v }) };
  };
  const addRule = () => {
    const first = targets[0]?.value ?? '';
    const goto = first.startsWith('q:') ? { question: first.slice(2) } : { end: first.slice(2) };
    setRules([...rules, { if: newCondition(), goto }]);
  };
  /** Server errors of a field under rule i (`…logic[i].<suffix>`). */
  const errorAt = (i: number, suffix: string) => {
    const list = issues.filter((e) => (e.field ?? '').endsWith(`logic[${i}].${suffix}`));
    return list.length ? list.map((e) => e.message).join('; ') : undefined;
  };

  return (
    <div className="logic-editor" data-testid={`logic-${q.id}`}>
      {rules.length === 0 && <p className="muted small">{t('surveys.logicNone')}</p>}
      <ol className="logic-rules">
        {rules.map((rule, i) => {
          const flat = flatten(rule.if);
          const goto = (rule.goto ?? {}) as Obj;
          const gotoValue =
            typeof goto.question === 'string'
              ? `q:${goto.question}`
              : typeof goto.end === 'string'
                ? `e:${goto.end}`
                : '';
          const known = targets.some((x) => x.value === gotoValue);
          const ruleIssues = issues.filter((e) => (e.field ?? '').includes(`logic[${i}]`));
          return (
            <li key={i} className="logic-rule" data-testid={`logic-rule-${q.id}-${i}`}>
              <fieldset className="group-box">
                <legend>{t('surveys.logicRuleN', { n: num(i + 1) })}</legend>
                {flat ? (
                  <>
                    {flat.list.length > 1 && (
                      <Select
                        label={t('surveys.logicCombine')}
                        value={flat.mode}
                        options={[
                          { value: 'all', label: t('surveys.logicAll') },
                          { value: 'any', label: t('surveys.logicAny') },
                        ]}
                        onChange={(m) => setRule(i, { ...rule, if: join(m as 'all' | 'any', flat.list) })}
                      />
                    )}
                    {flat.list.map((c, ci) => {
                      const path = flat.list.length === 1 ? 'if' : `if.${flat.mode}[${ci}]`;
                      const setCond = (nc: SimpleCondition) =>
                        setRule(i, {
                          ...rule,
                          if: join(
                            flat.mode,
                            flat.list.map((x, k) => (k === ci ? nc : x)),
                          ),
                        });
                      return (
                        <ConditionRow
                          key={ci}
                          c={c}
                          first={ci === 0}
                          testable={testable}
                          questions={questions}
                          label={label}
                          errorAt={(s) => errorAt(i, `${path}.${s}`)}
                          onChange={setCond}
                          onRemove={
                            flat.list.length > 1
                              ? () =>
                                  setRule(i, {
                                    ...rule,
                                    if: join(
                                      flat.mode,
                                      flat.list.filter((_, k) => k !== ci),
                                    ),
                                  })
                              : undefined
                          }
                        />
                      );
                    })}
                    <Button
                      variant="ghost"
                      onClick={() =>
                        setRule(i, { ...rule, if: join(flat.mode, [...flat.list, newCondition()]) })
                      }
                    >
                      + {t('surveys.logicAddCondition')}
                    </Button>
                  </>
                ) : (
                  <p className="muted">{t('surveys.logicNested')}</p>
                )}
                <Select
                  label={t('surveys.logicGoto')}
                  value={gotoValue}
                  options={[
                    ...(known
                      ? []
                      : [
                          {
                            value: gotoValue,
                            label: gotoValue ? gotoValue.slice(2) : t('surveys.logicChoose'),
                          },
                        ]),
                    ...targets,
                  ]}
                  error={errorAt(i, 'goto') ?? errorAt(i, 'goto.question') ?? errorAt(i, 'goto.end')}
                  onChange={(v) =>
                    setRule(i, {
                      ...rule,
                      goto: v.startsWith('q:') ? { question: v.slice(2) } : { end: v.slice(2) },
                    })
                  }
                />
                {ruleIssues.length > 0 && (
                  <ul className="rule-issues" aria-live="assertive">
                    {ruleIssues.map((e, k) => (
                      <li key={k}>
                        <code dir="ltr">{e.field ?? e.code}</code> {e.message}
                      </li>
                    ))}
                  </ul>
                )}
                <Button
                  variant="ghost"
                  aria-label={t('surveys.logicRemoveN', { n: num(i + 1) })}
                  onClick={() => setRules(rules.filter((_, j) => j !== i))}
                >
                  {t('surveys.logicRemove')}
                </Button>
              </fieldset>
            </li>
          );
        })}
      </ol>
      <Button onClick={addRule} disabled={targets.length === 0}>
        + {t('surveys.logicAdd')}
      </Button>
    </div>
  );
}

function ConditionRow({
  c,
  first,
  testable,
  questions,
  label,
  errorAt,
  onChange,
  onRemove,
}: {
  c: SimpleCondition;
  first: boolean;
  testable: Question[];
  questions: Question[];
  label(q: Question, i: number): string;
  errorAt(suffix: string): string | undefined;
  onChange(c: SimpleCondition): void;
  onRemove: (() => void) | undefined;
}) {
  const { t, num, locale } = useI18n();
  const target = questions.find((x) => x.id === c.question);
  const ops = opsFor(target?.type);
  const known = testable.some((x) => x.id === c.question);
  const setOp = (op: string, question = target) => {
    const v = valueFor(question, op, c.value);
    const out: SimpleCondition = { question: question?.id ?? c.question, op };
    if (v !== undefined) out.value = v;
    onChange(out);
  };
  const scale = target && SCALE_TYPES.includes(target.type);
  const choices = target?.choices ?? [];
  const v = c.value;
  let input = null;
  if (c.op === 'between')
    input = (
      <>
        <NumberField
          label={t('shared.from')}
          value={Array.isArray(v) ? (v[0] as number) : undefined}
          onChange={(n) => onChange({ ...c, value: [n ?? 0, Array.isArray(v) ? v[1] : 0] })}
          error={errorAt('value')}
        />
        <NumberField
          label={t('shared.to')}
          value={Array.isArray(v) ? (v[1] as number) : undefined}
          onChange={(n) => onChange({ ...c, value: [Array.isArray(v) ? v[0] : 0, n ?? 0] })}
        />
      </>
    );
  else if (c.op === 'in' || c.op === 'not_in') {
    if (choices.length)
      input = (
        <fieldset className="inline-fields">
          <legend>{t('surveys.logicValues')}</legend>
          {choices.map((ch) => (
            <Checkbox
              key={ch.id}
              label={titleOf(ch.label, locale) || ch.id}
              checked={Array.isArray(v) && v.includes(ch.id)}
              onChange={(on) => {
                const list = Array.isArray(v) ? (v as unknown[]).filter((x) => x !== ch.id) : [];
                onChange({ ...c, value: on ? [...list, ch.id] : list });
              }}
            />
          ))}
        </fieldset>
      );
    else
      input = (
        <ListField
          key={`${c.question}-${c.op}`}
          label={t('surveys.logicValues')}
          value={Array.isArray(v) ? v : []}
          numeric={scale === true}
          onChange={(list) => onChange({ ...c, value: list })}
        />
      );
  } else if (c.op === 'answered' || c.op === 'skipped') input = null;
  else if (choices.length)
    input = (
      <Select
        label={t('surveys.logicValue')}
        value={String(v ?? '')}
        options={choices.map((ch) => ({ value: ch.id, label: titleOf(ch.label, locale) || ch.id }))}
        error={errorAt('value')}
        onChange={(s) => onChange({ ...c, value: s })}
      />
    );
  else if (scale)
    input = (
      <Select
        label={t('surveys.logicValue')}
        value={String(v ?? '')}
        options={[
          ...(typeof v === 'number' && target && scaleOf(target).includes(v)
            ? []
            : [{ value: String(v ?? ''), label: String(v ?? '') }]),
          ...(target ? scaleOf(target) : []).map((n) => ({ value: String(n), label: num(n) })),
        ]}
        error={errorAt('value')}
        onChange={(s) => onChange({ ...c, value: Number(s) })}
      />
    );
  else
    input = (
      <TextField
        label={t('surveys.logicValue')}
        value={String(v ?? '')}
        error={errorAt('value')}
        onChange={(s) => onChange({ ...c, value: s })}
      />
    );
  return (
    <div className="inline-fields logic-condition">
      <Select
        label={first ? t('surveys.logicIf') : t('surveys.logicAndIf')}
        value={c.question}
        options={[
          ...(known ? [] : [{ value: c.question, label: c.question || t('surveys.logicChoose') }]),
          ...testable.map((x, i) => ({ value: x.id, label: label(x, i) })),
        ]}
        error={errorAt('question')}
        onChange={(id) => {
          const nq = questions.find((x) => x.id === id);
          const nops = opsFor(nq?.type);
          setOp(nops.includes(c.op) ? c.op : nops[0]!, nq);
        }}
      />
      <Select
        label={t('surveys.logicOp')}
        value={c.op}
        options={ops.map((o) => ({ value: o, label: t(`surveys.logicOp.${o}`) }))}
        error={errorAt('op')}
        onChange={(o) => setOp(o)}
      />
      {input}
      {onRemove && (
        <Button variant="ghost" onClick={onRemove} aria-label={t('surveys.logicRemoveCondition')}>
          ×
        </Button>
      )}
    </div>
  );
}

/** The per-question skip logic: the form, or (advanced) the raw JSON. */
export function LogicSection(props: {
  q: Question;
  index: number;
  questions: Question[];
  endScreens: EndScreen[];
  issues: SurveyIssue[];
  advanced: boolean;
  onAdvanced(on: boolean): void;
  onChange(logic: unknown[] | undefined): void;
}) {
  const { t } = useI18n();
  const { q, advanced, onAdvanced, onChange } = props;
  return (
    <fieldset className="group-box logic-section">
      <legend>{t('surveys.logic')}</legend>
      <p className="muted small">{t('surveys.logicHelp')}</p>
      <Checkbox label={t('surveys.logicAdvanced')} checked={advanced} onChange={onAdvanced} />
      {advanced ? (
        <JsonField
          label={t('surveys.logicRules')}
          hint={t('surveys.logicHint')}
          value={q.logic}
          onChange={(v) => onChange(Array.isArray(v) ? v : v === undefined ? undefined : (v as unknown[]))}
        />
      ) : (
        <LogicEditor {...props} />
      )}
    </fieldset>
  );
}
