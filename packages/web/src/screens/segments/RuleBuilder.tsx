// The visual rule builder: nested AND/OR groups, NOT, and every condition type of the rule language, with the
// server's validation errors shown at the node they name.
import { useI18n } from '../../i18n';
import { Select, TextField } from '../../ui/Field';
import {
  Checkbox,
  DateField,
  FilterList,
  NumberField,
  ValueTestEditor,
  type PropertyFilter,
} from '../shared/fields';
import {
  CONDITION_TYPES,
  COUNT_OPS,
  NUMERIC_OPS,
  TIME_TEST_OPS,
  TIME_UNITS,
  defaultCondition,
  newCondition,
  newGroup,
  newId,
  updateNode,
  type Condition,
  type RuleIssue,
  type RuleNode,
} from './rules';

export interface RuleRefs {
  segments: { id: string; name: string; kind: string }[];
  computed: { id: string; name: string }[];
  scores: { id: string; name: string }[];
  /** Survey questions: id, label, type. */
  questions: { id: string; label: string; type: string }[];
  /** Id of the segment being edited (not offered as a reference to itself). */
  self?: string;
}

const CHANNELS = ['web', 'app', 'email', 'sms', 'push', 'phone', 'store', 'qr', 'social', 'chat', 'server'];

interface Ctx {
  refs: RuleRefs;
  issues: Map<string, RuleIssue[]>;
  readOnly: boolean;
  /** Replaces the node with that id (null removes it). */
  change(id: string, f: (n: RuleNode) => RuleNode | null): void;
}

export function RuleBuilder({
  rule,
  onChange,
  refs,
  issues,
  readOnly = false,
}: {
  rule: RuleNode;
  onChange(r: RuleNode): void;
  refs: RuleRefs;
  issues: Map<string, RuleIssue[]>;
  readOnly?: boolean;
}) {
  const ctx: Ctx = {
    refs,
    issues,
    readOnly,
    change: (id, f) => {
      const next = updateNode(rule, id, f);
      onChange(next ?? newGroup('and'));
    },
  };
  return (
    <div className="rule-builder">
      <NodeView node={rule} ctx={ctx} depth={0} />
    </div>
  );
}

function Issues({ list }: { list: RuleIssue[] | undefined }) {
  if (!list?.length) return null;
  return (
    <ul className="rule-issues" aria-live="assertive">
      {list.map((e, i) => (
        <li key={i}>
          <code dir="ltr">{e.code}</code> {e.message}
        </li>
      ))}
    </ul>
  );
}

function NodeView({ node, ctx, depth }: { node: RuleNode; ctx: Ctx; depth: number }) {
  const { t } = useI18n();
  const id = node.id ?? '';
  const issues = ctx.issues.get(id);
  const invalid = issues?.length ? ' rule-invalid' : '';
  if ('not' in node) {
    return (
      <div className={`rule-not${invalid}`} data-node-id={id}>
        <span className="badge badge-warn">{t('segments.not')}</span>
        <Issues list={issues} />
        <NodeView node={node.not} ctx={ctx} depth={depth} />
        {!ctx.readOnly && (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => ctx.change(id, (n) => ('not' in n ? n.not : n))}
          >
            {t('segments.removeNot')}
          </button>
        )}
      </div>
    );
  }
  if ('and' in node || 'or' in node) {
    const op = 'and' in node ? 'and' : 'or';
    const children = 'and' in node ? node.and : node.or;
    const setChildren = (list: RuleNode[]) =>
      ctx.change(id, () => (op === 'and' ? { id, and: list } : { id, or: list }));
    return (
      <fieldset className={`rule-group rule-group-${op} depth-${depth % 4}${invalid}`} data-node-id={id}>
        <legend>{depth === 0 ? t('segments.matchProfiles') : t('segments.group')}</legend>
        <div className="rule-group-bar" role="group" aria-label={t('segments.combinator')}>
          {(['and', 'or'] as const).map((o) => (
            <button
              key={o}
              type="button"
              className={`btn ${op === o ? 'btn-primary' : 'btn-ghost'}`}
              aria-pressed={op === o}
              disabled={ctx.readOnly}
              onClick={() =>
                ctx.change(id, () => (o === 'and' ? { id, and: children } : { id, or: children }))
              }
            >
              {t(`segments.${o}Help`)}
            </button>
          ))}
        </div>
        <Issues list={issues} />
        <ol className="rule-children">
          {children.map((c, i) => (
            <li key={c.id ?? i}>
              {i > 0 && <span className="rule-joiner">{t(`segments.${op}`)}</span>}
              <NodeView node={c} ctx={ctx} depth={depth + 1} />
            </li>
          ))}
        </ol>
        {!ctx.readOnly && (
          <div className="rule-actions">
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => setChildren([...children, newCondition()])}
            >
              + {t('segments.addCondition')}
            </button>
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => setChildren([...children, newGroup(op === 'and' ? 'or' : 'and')])}
            >
              + {t('segments.addGroup')}
            </button>
            {depth > 0 && (
              <>
                <button
                  type="button"
                  className="btn btn-ghost"
                  onClick={() => ctx.change(id, (n) => ({ id: newId('x'), not: n }))}
                >
                  {t('segments.negate')}
                </button>
                <button type="button" className="btn btn-ghost" onClick={() => ctx.change(id, () => null)}>
                  {t('segments.removeGroup')}
                </button>
              </>
            )}
          </div>
        )}
      </fieldset>
    );
  }
  return <ConditionRow node={node} ctx={ctx} issues={issues} />;
}

function ConditionRow({
  node,
  ctx,
  issues,
}: {
  node: { id?: string; condition: Condition };
  ctx: Ctx;
  issues: RuleIssue[] | undefined;
}) {
  const { t } = useI18n();
  const id = node.id ?? '';
  const c = node.condition;
  const set = (next: Condition) => ctx.change(id, () => ({ id, condition: next }));
  return (
    <div className={`rule-condition${issues?.length ? ' rule-invalid' : ''}`} data-node-id={id}>
      <fieldset className="inline-fields" disabled={ctx.readOnly}>
        <legend className="visually-hidden">{t('segments.condition')}</legend>
        <Select
          label={t('segments.conditionType')}
          value={c.type}
          options={CONDITION_TYPES.map((x) => ({ value: x, label: t(`segments.type.${x}`) }))}
          onChange={(x) => set(defaultCondition(x))}
        />
        <ConditionFields c={c} set={set} refs={ctx.refs} />
      </fieldset>
      {!ctx.readOnly && (
        <div className="rule-actions">
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => ctx.change(id, (n) => ({ id: newId('x'), not: n }))}
          >
            {t('segments.negate')}
          </button>
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => ctx.change(id, (n) => ({ id: newId('g'), and: [n, newCondition()] }))}
          >
            {t('segments.makeGroup')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => ctx.change(id, () => null)}>
            {t('segments.removeCondition')}
          </button>
        </div>
      )}
      <Issues list={issues} />
    </div>
  );
}

type Obj = Record<string, unknown>;

export function EventFields({ event, onChange }: { event: Obj; onChange(e: Obj): void }) {
  const { t } = useI18n();
  return (
    <>
      <TextField
        label={t('segments.eventName')}
        value={String(event.name ?? '')}
        onChange={(s) => onChange({ ...event, name: s })}
      />
      <Select
        label={t('segments.messageType')}
        value={String(event.messageType ?? 'track')}
        options={['track', 'page', 'screen'].map((x) => ({ value: x, label: t(`segments.mt.${x}`) }))}
        onChange={(s) => {
          const out: Obj = { ...event, messageType: s };
          if (s === 'track') delete out.messageType;
          onChange(out);
        }}
      />
      <ChannelSelect
        label={t('segments.throughChannel')}
        value={event.channel as string | undefined}
        optional
        onChange={(ch) => {
          const out = { ...event };
          if (ch) out.channel = ch;
          else delete out.channel;
          onChange(out);
        }}
      />
      <FilterList
        value={event.where as PropertyFilter[] | undefined}
        onChange={(w) => {
          const out = { ...event };
          if (w) out.where = w;
          else delete out.where;
          onChange(out);
        }}
      />
    </>
  );
}

function ChannelSelect({
  label,
  value,
  onChange,
  optional = false,
}: {
  label: string;
  value: string | undefined;
  onChange(v: string | undefined): void;
  optional?: boolean;
}) {
  const { t } = useI18n();
  const known = CHANNELS.includes(value ?? '') || !value;
  const options = [
    ...(optional ? [{ value: '', label: t('segments.anyChannel') }] : []),
    ...CHANNELS.map((x) => ({ value: x, label: t(`segments.channel.${x}`) })),
    ...(known ? [] : [{ value: value!, label: value! }]),
  ];
  return (
    <Select label={label} value={value ?? ''} options={options} onChange={(s) => onChange(s || undefined)} />
  );
}

/** Window: ever, the last N units, or a fixed range. */
export function WindowFields({
  window: w,
  onChange,
  rollingOnly = false,
}: {
  window: Obj | undefined;
  onChange(w: Obj | undefined): void;
  rollingOnly?: boolean;
}) {
  const { t } = useI18n();
  const mode = !w ? 'ever' : 'last' in w ? 'rolling' : 'fixed';
  return (
    <>
      <Select
        label={t('segments.when')}
        value={mode}
        options={[
          { value: 'ever', label: t('segments.window.ever') },
          { value: 'rolling', label: t('segments.window.rolling') },
          ...(rollingOnly ? [] : [{ value: 'fixed', label: t('segments.window.fixed') }]),
        ]}
        onChange={(m) =>
          onChange(
            m === 'ever' ? undefined : m === 'rolling' ? { last: 30, unit: 'days' } : { from: '', to: '' },
          )
        }
      />
      {mode === 'rolling' && w && (
        <>
          <NumberField
            label={t('segments.lastN')}
            value={w.last as number}
            min={1}
            onChange={(n) => onChange({ ...w, last: n ?? 1 })}
          />
          <Select
            label={t('shared.unit')}
            value={String(w.unit)}
            options={TIME_UNITS.map((u) => ({ value: u, label: t(`shared.unit.${u}`) }))}
            onChange={(u) => onChange({ ...w, unit: u })}
          />
        </>
      )}
      {mode === 'fixed' && w && (
        <>
          <DateField
            label={t('shared.from')}
            value={String(w.from ?? '')}
            onChange={(s) => onChange({ ...w, from: s })}
          />
          <DateField
            label={t('shared.to')}
            value={String(w.to ?? '')}
            onChange={(s) => onChange({ ...w, to: s })}
          />
        </>
      )}
    </>
  );
}

/** A test of a point in time: within the last N units, not within, before, after, between. */
function TimeTestFields({ c, set }: { c: Condition; set(c: Condition): void }) {
  const { t } = useI18n();
  const op = String(c.op ?? 'within_last');
  return (
    <>
      <Select
        label={t('shared.operator')}
        value={op}
        options={TIME_TEST_OPS.map((o) => ({ value: o, label: t(`shared.op.${o}`) }))}
        onChange={(o) => {
          const out: Obj = { ...c, op: o };
          delete out.unit;
          if (o === 'within_last' || o === 'not_within_last') Object.assign(out, { value: 7, unit: 'days' });
          else if (o === 'date_between') out.value = ['', ''];
          else out.value = '';
          set(out as Condition);
        }}
      />
      {(op === 'within_last' || op === 'not_within_last') && (
        <>
          <NumberField
            label={t('shared.amount')}
            value={c.value as number}
            min={1}
            onChange={(n) => set({ ...c, value: n ?? 1 })}
          />
          <Select
            label={t('shared.unit')}
            value={String(c.unit ?? 'days')}
            options={TIME_UNITS.map((u) => ({ value: u, label: t(`shared.unit.${u}`) }))}
            onChange={(u) => set({ ...c, unit: u })}
          />
        </>
      )}
      {(op === 'before' || op === 'after') && (
        <DateField
          label={t('shared.date')}
          value={String(c.value ?? '')}
          onChange={(s) => set({ ...c, value: s })}
        />
      )}
      {op === 'date_between' && (
        <>
          <DateField
            label={t('shared.from')}
            value={Array.isArray(c.value) ? String(c.value[0] ?? '') : ''}
            onChange={(s) => set({ ...c, value: [s, Array.isArray(c.value) ? c.value[1] : ''] })}
          />
          <DateField
            label={t('shared.to')}
            value={Array.isArray(c.value) ? String(c.value[1] ?? '') : ''}
            onChange={(s) => set({ ...c, value: [Array.isArray(c.value) ? c.value[0] : '', s] })}
          />
        </>
      )}
    </>
  );
}

function RefSelect({
  label,
  value,
  items,
  onChange,
  emptyLabel,
}: {
  label: string;
  value: string;
  items: { id: string; name: string }[];
  onChange(v: string): void;
  emptyLabel: string;
}) {
  const known = items.some((x) => x.id === value);
  return (
    <Select
      label={label}
      value={value}
      options={[
        { value: '', label: emptyLabel },
        ...items.map((x) => ({ value: x.id, label: x.name })),
        ...(known || !value ? [] : [{ value, label: value }]),
      ]}
      onChange={onChange}
    />
  );
}

function ConditionFields({ c, set, refs }: { c: Condition; set(c: Condition): void; refs: RuleRefs }) {
  const { t } = useI18n();
  const test = (keys: string[]) => {
    const out: Obj = {};
    for (const [k, v] of Object.entries(c)) if (!keys.includes(k)) out[k] = v;
    return out;
  };
  const merge = (keys: string[], tst: Obj) => {
    const base: Obj = {};
    for (const k of keys) if (c[k] !== undefined) base[k] = c[k];
    set({ ...base, ...tst } as Condition);
  };
  switch (c.type) {
    case 'trait':
      return (
        <>
          <TextField
            label={t('segments.trait')}
            dir="ltr"
            value={String(c.trait ?? '')}
            onChange={(s) => set({ ...c, trait: s })}
          />
          <ValueTestEditor test={test(['type', 'trait'])} onChange={(x) => merge(['type', 'trait'], x)} />
          {['equals', 'not_equals', 'contains', 'starts_with', 'in'].includes(String(c.op)) &&
            typeof (Array.isArray(c.value) ? c.value[0] : c.value) !== 'number' &&
            typeof c.value !== 'boolean' && (
              <Checkbox
                label={t('segments.fold')}
                checked={c.fold === true}
                onChange={(on) => {
                  const out = { ...c };
                  if (on) out.fold = true;
                  else delete out.fold;
                  set(out);
                }}
              />
            )}
        </>
      );
    case 'performed':
    case 'not_performed': {
      const count = (c.count as Obj | undefined) ?? { op: 'at_least', value: 1 };
      return (
        <>
          <EventFields event={(c.event as Obj) ?? { name: '' }} onChange={(e) => set({ ...c, event: e })} />
          {c.type === 'performed' && (
            <>
              <Select
                label={t('segments.howOften')}
                value={String(count.op)}
                options={COUNT_OPS.map((o) => ({ value: o, label: t(`segments.count.${o}`) }))}
                onChange={(o) => set({ ...c, count: { ...count, op: o } })}
              />
              <NumberField
                label={t('segments.times')}
                value={count.value as number}
                min={0}
                onChange={(n) => set({ ...c, count: { ...count, value: n ?? 1 } })}
              />
            </>
          )}
          <WindowFields
            window={c.window as Obj | undefined}
            onChange={(w) => {
              const out = { ...c };
              if (w) out.window = w;
              else delete out.window;
              set(out);
            }}
          />
        </>
      );
    }
    case 'last_performed':
      return (
        <>
          <EventFields event={(c.event as Obj) ?? { name: '' }} onChange={(e) => set({ ...c, event: e })} />
          <TimeTestFields c={c} set={set} />
        </>
      );
    case 'first_seen':
    case 'last_seen':
      return <TimeTestFields c={c} set={set} />;
    case 'channel':
      return (
        <>
          <ChannelSelect
            label={t('segments.channel')}
            value={String(c.channel ?? '')}
            onChange={(s) => set({ ...c, channel: s ?? '' })}
          />
          <WindowFields
            rollingOnly
            window={c.window as Obj | undefined}
            onChange={(w) => {
              const out = { ...c };
              if (w) out.window = w;
              else delete out.window;
              set(out);
            }}
          />
        </>
      );
    case 'touchpoint':
      return (
        <>
          <TextField
            label={t('segments.touchpoint')}
            dir="ltr"
            value={String(c.touchpoint ?? '')}
            onChange={(s) => set({ ...c, touchpoint: s })}
          />
          <ChannelSelect
            label={t('segments.channel')}
            optional
            value={c.channel as string | undefined}
            onChange={(s) => {
              const out = { ...c };
              if (s) out.channel = s;
              else delete out.channel;
              set(out);
            }}
          />
          <WindowFields
            rollingOnly
            window={c.window as Obj | undefined}
            onChange={(w) => {
              const out = { ...c };
              if (w) out.window = w;
              else delete out.window;
              set(out);
            }}
          />
        </>
      );
    case 'computed':
      return (
        <>
          <RefSelect
            label={t('segments.computedTrait')}
            value={String(c.trait ?? '')}
            items={refs.computed}
            emptyLabel={t('segments.choose')}
            onChange={(s) => set({ ...c, trait: s })}
          />
          <Select
            label={t('segments.rfmComponent')}
            value={String(c.component ?? '')}
            options={[
              { value: '', label: t('segments.rfm.none') },
              ...['recency', 'frequency', 'monetary'].map((x) => ({
                value: x,
                label: t(`segments.rfm.${x}`),
              })),
            ]}
            onChange={(s) => {
              const out = { ...c };
              if (s) out.component = s;
              else delete out.component;
              set(out);
            }}
          />
          <ValueTestEditor
            test={test(['type', 'trait', 'component'])}
            onChange={(x) => merge(['type', 'trait', 'component'], x)}
          />
        </>
      );
    case 'score': {
      const op = String(c.op ?? 'gte');
      return (
        <>
          <RefSelect
            label={t('segments.scoreModel')}
            value={String(c.model ?? '')}
            items={refs.scores}
            emptyLabel={t('segments.choose')}
            onChange={(s) => set({ ...c, model: s })}
          />
          <Select
            label={t('shared.operator')}
            value={op}
            options={NUMERIC_OPS.map((o) => ({ value: o, label: t(`shared.op.${o}`) }))}
            onChange={(o) =>
              set({
                ...c,
                op: o,
                value: o === 'between' ? [0, 100] : typeof c.value === 'number' ? c.value : 0,
              })
            }
          />
          {op === 'between' ? (
            <>
              <NumberField
                label={t('shared.from')}
                value={Array.isArray(c.value) ? (c.value[0] as number) : 0}
                onChange={(n) => set({ ...c, value: [n ?? 0, Array.isArray(c.value) ? c.value[1] : 0] })}
              />
              <NumberField
                label={t('shared.to')}
                value={Array.isArray(c.value) ? (c.value[1] as number) : 0}
                onChange={(n) => set({ ...c, value: [Array.isArray(c.value) ? c.value[0] : 0, n ?? 0] })}
              />
            </>
          ) : (
            <NumberField
              label={t('shared.value')}
              value={c.value as number}
              onChange={(n) => set({ ...c, value: n ?? 0 })}
            />
          )}
        </>
      );
    }
    case 'segment':
      return (
        <RefSelect
          label={t('segments.segmentOrList')}
          value={String(c.segment ?? '')}
          items={refs.segments.filter((s) => s.id !== refs.self)}
          emptyLabel={t('segments.choose')}
          onChange={(s) => set({ ...c, segment: s })}
        />
      );
    case 'consent':
      return (
        <>
          <ChannelSelect
            label={t('segments.channel')}
            value={String(c.channel ?? '')}
            onChange={(s) => set({ ...c, channel: s ?? '' })}
          />
          <Select
            label={t('segments.consentState')}
            value={String(c.state ?? 'subscribed')}
            options={['subscribed', 'unsubscribed'].map((x) => ({
              value: x,
              label: t(`segments.consent.${x}`),
            }))}
            onChange={(s) => set({ ...c, state: s })}
          />
        </>
      );
    case 'nps':
      return (
        <>
          <QuestionSelect
            refs={refs}
            value={String(c.question ?? '')}
            only="nps"
            onChange={(s) => set({ ...c, question: s })}
          />
          <Select
            label={t('segments.npsGroup')}
            value={String(c.group ?? 'promoter')}
            options={['promoter', 'passive', 'detractor'].map((x) => ({
              value: x,
              label: t(`segments.nps.${x}`),
            }))}
            onChange={(s) => set({ ...c, group: s })}
          />
        </>
      );
    case 'survey_answer':
      return (
        <>
          <QuestionSelect
            refs={refs}
            value={String(c.question ?? '')}
            onChange={(s) => set({ ...c, question: s })}
          />
          <ValueTestEditor
            test={test(['type', 'question'])}
            onChange={(x) => merge(['type', 'question'], x)}
          />
        </>
      );
    case 'bucket':
      return (
        <>
          <NumberField
            label={t('segments.bucketFrom')}
            value={c.from as number}
            min={0}
            max={100}
            onChange={(n) => set({ ...c, from: n ?? 0 })}
          />
          <NumberField
            label={t('segments.bucketTo')}
            value={c.to as number}
            min={0}
            max={100}
            onChange={(n) => set({ ...c, to: n ?? 0 })}
          />
          <TextField
            label={t('segments.salt')}
            dir="ltr"
            value={String(c.salt ?? '')}
            onChange={(s) => {
              const out = { ...c };
              if (s) out.salt = s;
              else delete out.salt;
              set(out);
            }}
          />
        </>
      );
    default:
      return null;
  }
}

function QuestionSelect({
  refs,
  value,
  onChange,
  only,
}: {
  refs: RuleRefs;
  value: string;
  onChange(v: string): void;
  only?: string;
}) {
  const { t } = useI18n();
  const items = refs.questions
    .filter((q) => !only || q.type === only)
    .map((q) => ({ id: q.id, name: q.label }));
  if (items.length === 0)
    return (
      <TextField
        label={t('segments.question')}
        dir="ltr"
        value={value}
        onChange={onChange}
        hint={t('segments.questionHint')}
      />
    );
  return (
    <RefSelect
      label={t('segments.question')}
      value={value}
      items={items}
      emptyLabel={t('segments.choose')}
      onChange={onChange}
    />
  );
}
