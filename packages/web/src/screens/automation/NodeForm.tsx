// The side panel of the designer: a labelled form for the selected node's fields (every trigger, wait,
// condition, split, A/B test, action, goal and exit), its outgoing connections, and its validation errors.
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { Select, TextArea, TextField } from '../../ui/Field';
import {
  Checkbox,
  DurationField,
  FilterList,
  JsonField,
  NumberField,
  ValueTestEditor,
  type PropertyFilter,
} from '../shared/fields';
import { issueText, portLabel } from './labels';
import {
  ACTION_KINDS,
  MESSAGE_CHANNELS,
  OUTCOMES,
  TRIGGER_KINDS,
  WAIT_KINDS,
  defaultAction,
  defaultTrigger,
  defaultWait,
  portsOf,
  hasInput,
  type Obj,
  type PEdge,
  type PNode,
  type ProcessIssue,
} from './model';

export interface DesignRefs {
  segments: { id: string; name: string; kind: string }[];
  scores: { id: string; name: string }[];
  processes: { id: string; name: string }[];
}

const without = (o: Obj, ...keys: string[]) => {
  const out = { ...o };
  for (const k of keys) delete out[k];
  return out;
};
const setOpt = (o: Obj, key: string, v: unknown) => {
  const out = { ...o };
  if (v === undefined || v === '' || v === null) delete out[key];
  else out[key] = v;
  return out;
};

function RefSelect({
  label,
  value,
  items,
  onChange,
}: {
  label: string;
  value: string;
  items: { id: string; name: string }[];
  onChange(v: string): void;
}) {
  const { t } = useI18n();
  const known = items.some((x) => x.id === value);
  return (
    <Select
      label={label}
      value={value}
      options={[
        { value: '', label: t('automation.choose') },
        ...items.map((x) => ({ value: x.id, label: x.name })),
        ...(known || !value ? [] : [{ value, label: value }]),
      ]}
      onChange={onChange}
    />
  );
}

export function NodeForm({
  node,
  nodes,
  edges,
  refs,
  issues,
  readOnly,
  onChange,
  onConnect,
  onDelete,
}: {
  node: PNode;
  nodes: PNode[];
  edges: PEdge[];
  refs: DesignRefs;
  issues: ProcessIssue[];
  readOnly: boolean;
  onChange(n: PNode): void;
  onConnect(port: string, to: string): void;
  onDelete(): void;
}) {
  const { t } = useI18n();
  const set = (patch: Obj) => onChange({ ...node, ...patch } as PNode);
  const targets = nodes.filter((n) => n.id !== node.id && hasInput(n));
  return (
    <form
      className="node-form"
      aria-label={t('automation.nodeForm', { id: node.id })}
      onSubmit={(e) => e.preventDefault()}
    >
      <h2 className="h-small">
        {t(`automation.type.${node.type}`)} <code dir="ltr">{node.id}</code>
      </h2>
      {issues.length > 0 && (
        <ul className="rule-issues" aria-live="assertive" data-testid="node-form-issues">
          {issues.map((e, i) => (
            <li key={i}>
              {issueText(e, t)}{' '}
              <code dir="ltr" className="muted small">
                {e.code}
              </code>
            </li>
          ))}
        </ul>
      )}
      <fieldset disabled={readOnly} className="plain">
        <legend className="visually-hidden">{t('automation.nodeFields')}</legend>
        <TextField
          label={t('automation.label')}
          value={String(node.label ?? '')}
          onChange={(s) => onChange(setOpt(node, 'label', s) as PNode)}
        />
        {node.type === 'trigger' && (
          <TriggerFields
            trigger={(node.trigger as Obj) ?? {}}
            refs={refs}
            onChange={(x) => set({ trigger: x })}
          />
        )}
        {node.type === 'wait' && (
          <WaitFields wait={(node.wait as Obj) ?? {}} refs={refs} onChange={(x) => set({ wait: x })} />
        )}
        {node.type === 'condition' && (
          <BranchesFields
            branches={(node.branches as Obj[]) ?? []}
            nodes={nodes}
            refs={refs}
            onChange={(x) => set({ branches: x })}
          />
        )}
        {(node.type === 'split' || node.type === 'ab_test') && (
          <VariantsFields variants={(node.variants as Obj[]) ?? []} onChange={(x) => set({ variants: x })} />
        )}
        {node.type === 'ab_test' && (
          <fieldset className="group-box">
            <legend>{t('automation.abGoal')}</legend>
            <EventWithFilters
              value={(node.goal as Obj) ?? { event: '' }}
              onChange={(g) => set({ goal: g })}
            />
            <OptionalDuration
              label={t('automation.within')}
              value={(node.goal as Obj | undefined)?.within as Obj | undefined}
              onChange={(d) => set({ goal: setOpt((node.goal as Obj) ?? {}, 'within', d) })}
            />
          </fieldset>
        )}
        {node.type === 'action' && (
          <ActionFields
            action={(node.action as Obj) ?? {}}
            refs={refs}
            onChange={(x) => set({ action: x })}
          />
        )}
        {node.type === 'goal' && (
          <>
            <p className="muted small">{t('automation.goalHelp')}</p>
            <EventWithFilters value={node as Obj} onChange={(g) => onChange({ ...node, ...g } as PNode)} />
          </>
        )}
        {node.type === 'exit' && <p className="muted small">{t('automation.exitHelp')}</p>}
      </fieldset>
      {portsOf(node).length > 0 && (
        <fieldset className="group-box" disabled={readOnly}>
          <legend>{t('automation.connections')}</legend>
          {portsOf(node).map((port) => {
            const to = edges.find((e) => e.from === node.id && (e.port ?? 'next') === port)?.to ?? '';
            return (
              <Select
                key={port}
                label={t('automation.portTo', { port: portLabel(t, port) })}
                value={to}
                options={[
                  {
                    value: '',
                    label: node.type === 'action' ? t('automation.endHere') : t('automation.notConnected'),
                  },
                  ...targets.map((n) => ({
                    value: n.id,
                    label: `${n.label || t(`automation.type.${n.type}`)} (${n.id})`,
                  })),
                ]}
                onChange={(v) => onConnect(port, v)}
              />
            );
          })}
        </fieldset>
      )}
      {!readOnly && (
        <button type="button" className="btn btn-danger" onClick={onDelete}>
          {t('automation.deleteNode')}
        </button>
      )}
    </form>
  );
}

function EventWithFilters({ value, onChange }: { value: Obj; onChange(v: Obj): void }) {
  const { t } = useI18n();
  return (
    <>
      <TextField
        label={t('automation.eventName')}
        value={String(value.event ?? '')}
        onChange={(s) => onChange({ ...value, event: s })}
      />
      <FilterList
        value={value.where as PropertyFilter[] | undefined}
        onChange={(w) => onChange(setOpt(value, 'where', w))}
      />
    </>
  );
}

function OptionalDuration({
  label,
  value,
  onChange,
}: {
  label: string;
  value: Obj | undefined;
  onChange(v: Obj | undefined): void;
}) {
  return (
    <>
      <Checkbox
        label={label}
        checked={!!value}
        onChange={(on) => onChange(on ? { amount: 1, unit: 'days' } : undefined)}
      />
      {value && (
        <DurationField
          label={label}
          value={{ amount: value.amount as number, unit: String(value.unit) }}
          onChange={(d) => onChange(d as unknown as Obj)}
        />
      )}
    </>
  );
}

function TriggerFields({
  trigger,
  refs,
  onChange,
}: {
  trigger: Obj;
  refs: DesignRefs;
  onChange(t: Obj): void;
}) {
  const { t } = useI18n();
  const kind = String(trigger.kind ?? 'event');
  const schedule = (trigger.schedule as Obj | undefined) ?? { every: 'day', at: '09:00' };
  const offset = trigger.offset as Obj | undefined;
  return (
    <>
      <Select
        label={t('automation.triggerKind')}
        value={kind}
        options={TRIGGER_KINDS.map((k) => ({ value: k, label: t(`automation.trigger.${k}`) }))}
        onChange={(k) => onChange(defaultTrigger(k))}
      />
      {kind === 'event' && (
        <>
          <TextField
            label={t('automation.eventName')}
            value={String(trigger.event ?? '')}
            onChange={(s) => onChange({ ...trigger, event: s })}
          />
          <Select
            label={t('automation.messageType')}
            value={String(trigger.messageType ?? 'track')}
            options={['track', 'page', 'screen'].map((x) => ({ value: x, label: t(`automation.mt.${x}`) }))}
            onChange={(s) =>
              onChange(s === 'track' ? without(trigger, 'messageType') : { ...trigger, messageType: s })
            }
          />
          <FilterList
            value={trigger.where as PropertyFilter[] | undefined}
            onChange={(w) => onChange(setOpt(trigger, 'where', w))}
          />
        </>
      )}
      {(kind === 'segment_entered' || kind === 'segment_exited' || kind === 'schedule') && (
        <RefSelect
          label={t('automation.segment')}
          value={String(trigger.segment ?? '')}
          items={refs.segments}
          onChange={(s) => onChange({ ...trigger, segment: s })}
        />
      )}
      {kind === 'trait_changed' && (
        <>
          <TextField
            label={t('automation.trait')}
            dir="ltr"
            value={String(trigger.trait ?? '')}
            onChange={(s) => onChange({ ...trigger, trait: s })}
          />
          {(['from', 'to'] as const).map((k) => (
            <fieldset className="group-box" key={k}>
              <legend>{t(`automation.traitTest.${k}`)}</legend>
              <Checkbox
                label={t('automation.testValue')}
                checked={!!trigger[k]}
                onChange={(on) => onChange(setOpt(trigger, k, on ? { op: 'exists' } : undefined))}
              />
              {!!trigger[k] && (
                <div className="inline-fields">
                  <ValueTestEditor
                    filter
                    test={trigger[k] as Obj}
                    onChange={(x) => onChange({ ...trigger, [k]: x })}
                  />
                </div>
              )}
            </fieldset>
          ))}
        </>
      )}
      {kind === 'score_crossed' && (
        <>
          <RefSelect
            label={t('automation.scoreModel')}
            value={String(trigger.model ?? '')}
            items={refs.scores}
            onChange={(s) => onChange({ ...trigger, model: s })}
          />
          <NumberField
            label={t('automation.threshold')}
            value={trigger.threshold as number}
            onChange={(n) => onChange({ ...trigger, threshold: n ?? 0 })}
          />
          <Select
            label={t('automation.direction')}
            value={String(trigger.direction ?? 'up')}
            options={['up', 'down'].map((x) => ({ value: x, label: t(`automation.dir.${x}`) }))}
            onChange={(s) => onChange({ ...trigger, direction: s })}
          />
        </>
      )}
      {kind === 'date' && (
        <>
          <TextField
            label={t('automation.dateTrait')}
            dir="ltr"
            value={String(trigger.trait ?? '')}
            onChange={(s) => onChange({ ...trigger, trait: s })}
          />
          <Checkbox
            label={t('automation.offset')}
            checked={!!offset}
            onChange={(on) =>
              onChange(
                setOpt(trigger, 'offset', on ? { amount: 30, unit: 'days', direction: 'before' } : undefined),
              )
            }
          />
          {offset && (
            <div className="inline-fields">
              <DurationField
                label={t('automation.offset')}
                value={{ amount: offset.amount as number, unit: String(offset.unit) }}
                onChange={(d) => onChange({ ...trigger, offset: { ...offset, ...d } })}
              />
              <Select
                label={t('automation.beforeAfter')}
                value={String(offset.direction ?? 'before')}
                options={['before', 'after'].map((x) => ({ value: x, label: t(`automation.${x}`) }))}
                onChange={(s) => onChange({ ...trigger, offset: { ...offset, direction: s } })}
              />
            </div>
          )}
          <TextField
            label={t('automation.atTime')}
            type="time"
            dir="ltr"
            value={String(trigger.at ?? '')}
            onChange={(s) => onChange(setOpt(trigger, 'at', s))}
          />
          <Checkbox
            label={t('automation.yearly')}
            checked={trigger.recurring === 'yearly'}
            onChange={(on) => onChange(setOpt(trigger, 'recurring', on ? 'yearly' : undefined))}
          />
        </>
      )}
      {kind === 'schedule' && (
        <>
          <Select
            label={t('automation.every')}
            value={String(schedule.every)}
            options={['day', 'week', 'cron'].map((x) => ({ value: x, label: t(`automation.every.${x}`) }))}
            onChange={(s) =>
              onChange({
                ...trigger,
                schedule:
                  s === 'day'
                    ? { every: s, at: '09:00' }
                    : s === 'week'
                      ? { every: s, weekday: 1, at: '09:00' }
                      : { every: s, cron: '0 9 * * 1' },
              })
            }
          />
          {schedule.every === 'week' && (
            <Select
              label={t('automation.weekday')}
              value={String(schedule.weekday ?? 1)}
              options={[0, 1, 2, 3, 4, 5, 6].map((d) => ({
                value: String(d),
                label: t(`automation.wd.${d}`),
              }))}
              onChange={(s) => onChange({ ...trigger, schedule: { ...schedule, weekday: Number(s) } })}
            />
          )}
          {schedule.every !== 'cron' ? (
            <TextField
              label={t('automation.atTime')}
              type="time"
              dir="ltr"
              value={String(schedule.at ?? '')}
              onChange={(s) => onChange({ ...trigger, schedule: { ...schedule, at: s } })}
            />
          ) : (
            <TextField
              label={t('automation.cron')}
              dir="ltr"
              value={String(schedule.cron ?? '')}
              onChange={(s) => onChange({ ...trigger, schedule: { ...schedule, cron: s } })}
            />
          )}
          <TextField
            label={t('automation.timezone')}
            dir="ltr"
            placeholder="Asia/Tehran"
            value={String(trigger.timezone ?? '')}
            onChange={(s) => onChange(setOpt(trigger, 'timezone', s))}
          />
        </>
      )}
      {kind === 'manual' && <p className="muted small">{t('automation.manualHelp')}</p>}
    </>
  );
}

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];

function WaitFields({ wait, refs, onChange }: { wait: Obj; refs: DesignRefs; onChange(w: Obj): void }) {
  const { t } = useI18n();
  const kind = String(wait.kind ?? 'duration');
  const hours = wait.hours as { from: number; to: number } | undefined;
  const weekdays = wait.weekdays as number[] | undefined;
  return (
    <>
      <Select
        label={t('automation.waitKind')}
        value={kind}
        options={WAIT_KINDS.map((k) => ({ value: k, label: t(`automation.wait.${k}`) }))}
        onChange={(k) => onChange(defaultWait(k))}
      />
      {kind === 'duration' && (
        <DurationField
          label={t('automation.waitFor')}
          value={{ amount: wait.amount as number, unit: String(wait.unit) }}
          onChange={(d) => onChange({ ...wait, ...d })}
        />
      )}
      {kind === 'until' && (
        <>
          <TextField
            label={t('automation.fixedDate')}
            type="date"
            dir="ltr"
            value={String(wait.date ?? '')}
            onChange={(s) => onChange(setOpt(without(wait, 'trait'), 'date', s))}
          />
          <TextField
            label={t('automation.orDateTrait')}
            dir="ltr"
            value={String(wait.trait ?? '')}
            onChange={(s) => onChange(setOpt(without(wait, 'date'), 'trait', s))}
          />
          <TextField
            label={t('automation.atTime')}
            type="time"
            dir="ltr"
            value={String(wait.at ?? '')}
            onChange={(s) => onChange(setOpt(wait, 'at', s))}
          />
          <fieldset className="inline-fields">
            <legend>{t('automation.allowedDays')}</legend>
            {WEEKDAYS.map((d) => (
              <Checkbox
                key={d}
                label={t(`automation.wd.${d}`)}
                checked={!weekdays || weekdays.includes(d)}
                onChange={(on) => {
                  const cur = weekdays ?? WEEKDAYS;
                  const next = on ? [...new Set([...cur, d])].sort() : cur.filter((x) => x !== d);
                  onChange(setOpt(wait, 'weekdays', next.length === 7 ? undefined : next));
                }}
              />
            ))}
          </fieldset>
          <Checkbox
            label={t('automation.allowedHours')}
            checked={!!hours}
            onChange={(on) => onChange(setOpt(wait, 'hours', on ? { from: 9, to: 18 } : undefined))}
          />
          {hours && (
            <div className="inline-fields">
              <NumberField
                label={t('automation.fromHour')}
                value={hours.from}
                min={0}
                max={24}
                onChange={(n) => onChange({ ...wait, hours: { ...hours, from: n ?? 0 } })}
              />
              <NumberField
                label={t('automation.toHour')}
                value={hours.to}
                min={0}
                max={24}
                onChange={(n) => onChange({ ...wait, hours: { ...hours, to: n ?? 0 } })}
              />
            </div>
          )}
        </>
      )}
      {kind === 'event' && <EventWithFilters value={wait} onChange={onChange} />}
      {kind === 'segment' && (
        <RefSelect
          label={t('automation.segment')}
          value={String(wait.segment ?? '')}
          items={refs.segments}
          onChange={(s) => onChange({ ...wait, segment: s })}
        />
      )}
      {(kind === 'event' || kind === 'segment') && (
        <DurationField
          label={t('automation.timeout')}
          value={{
            amount: (wait.timeout as Obj)?.amount as number,
            unit: String((wait.timeout as Obj)?.unit ?? 'days'),
          }}
          onChange={(d) => onChange({ ...wait, timeout: d })}
        />
      )}
    </>
  );
}

function VariantsFields({ variants, onChange }: { variants: Obj[]; onChange(v: Obj[]): void }) {
  const { t } = useI18n();
  const total = variants.reduce((s, v) => s + (Number(v.weight) || 0), 0);
  return (
    <fieldset className="group-box">
      <legend>{t('automation.variants')}</legend>
      {variants.map((v, i) => (
        <div className="inline-fields" key={i}>
          <TextField
            label={t('automation.variantId')}
            dir="ltr"
            value={String(v.id ?? '')}
            onChange={(s) => onChange(variants.map((x, j) => (j === i ? { ...x, id: s } : x)))}
          />
          <NumberField
            label={t('automation.weight')}
            value={v.weight as number}
            min={0}
            onChange={(n) => onChange(variants.map((x, j) => (j === i ? { ...x, weight: n ?? 0 } : x)))}
          />
          <span className="muted small">
            {total > 0 ? `${Math.round(((Number(v.weight) || 0) / total) * 100)}%` : ''}
          </span>
          <button
            type="button"
            className="btn btn-ghost"
            aria-label={t('automation.removeVariant', { id: String(v.id) })}
            onClick={() => onChange(variants.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-ghost"
        onClick={() => onChange([...variants, { id: String.fromCharCode(97 + variants.length), weight: 50 }])}
      >
        + {t('automation.addVariant')}
      </button>
    </fieldset>
  );
}

function BranchesFields({
  branches,
  nodes,
  refs,
  onChange,
}: {
  branches: Obj[];
  nodes: PNode[];
  refs: DesignRefs;
  onChange(b: Obj[]): void;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="group-box">
      <legend>{t('automation.branches')}</legend>
      <p className="muted small">{t('automation.branchesHelp')}</p>
      {branches.map((b, i) => (
        <fieldset className="group-box branch" key={i}>
          <legend>{i === 0 ? t('automation.if') : t('automation.elseIf')}</legend>
          <div className="inline-fields">
            <TextField
              label={t('automation.branchId')}
              dir="ltr"
              value={String(b.id ?? '')}
              onChange={(s) => onChange(branches.map((x, j) => (j === i ? { ...x, id: s } : x)))}
            />
            <TextField
              label={t('automation.label')}
              value={String(b.label ?? '')}
              onChange={(s) => onChange(branches.map((x, j) => (j === i ? setOpt(x, 'label', s) : x)))}
            />
          </div>
          <CondEditor
            value={b.when}
            nodes={nodes}
            refs={refs}
            onChange={(w) => onChange(branches.map((x, j) => (j === i ? { ...x, when: w } : x)))}
          />
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => onChange(branches.filter((_, j) => j !== i))}
          >
            {t('automation.removeBranch')}
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        className="btn btn-ghost"
        onClick={() =>
          onChange([...branches, { id: `b${branches.length + 1}`, when: { trait: '', op: 'exists' } }])
        }
      >
        + {t('automation.addBranch')}
      </button>
      <p className="muted small">{t('automation.elseHelp')}</p>
    </fieldset>
  );
}

const LEAF_KINDS = ['trait', 'segment', 'triggerProperty', 'performed', 'step', 'variantOf'];
const leafKind = (c: Obj) => LEAF_KINDS.find((k) => k in c);
const isLeaf = (c: unknown): c is Obj => typeof c === 'object' && c !== null && !!leafKind(c as Obj);
const defaultLeaf = (k: string): Obj => {
  switch (k) {
    case 'trait':
      return { trait: '', op: 'exists' };
    case 'segment':
      return { segment: '', member: true };
    case 'triggerProperty':
      return { triggerProperty: '', op: 'exists' };
    case 'performed':
      return { performed: '' };
    case 'step':
      return { step: '', outcome: 'opened' };
    default:
      return { variantOf: '', variant: 'a' };
  }
};

/** A condition of a branch (or exit criteria): all / any of simple tests, or JSON for deeper nesting. */
export function CondEditor({
  value,
  nodes,
  refs,
  onChange,
}: {
  value: unknown;
  nodes: PNode[];
  refs: DesignRefs;
  onChange(v: unknown): void;
}) {
  const { t } = useI18n();
  const v = value as Obj | undefined;
  const comb = v && Array.isArray(v.and) ? 'and' : v && Array.isArray(v.or) ? 'or' : null;
  const list: unknown[] = comb ? (v![comb] as unknown[]) : v ? [v] : [];
  const simple = list.every(isLeaf);
  const [json, setJson] = useState(!simple);
  if (json || !simple)
    return (
      <>
        <JsonField
          label={t('automation.conditionJson')}
          hint={t('automation.conditionJsonHint')}
          value={value}
          onChange={onChange}
        />
        {simple && (
          <button type="button" className="btn btn-ghost" onClick={() => setJson(false)}>
            {t('automation.formView')}
          </button>
        )}
      </>
    );
  const leaves = list as Obj[];
  const emit = (ls: Obj[], c: 'and' | 'or' = comb ?? 'and') =>
    onChange(ls.length === 1 ? ls[0] : { [c]: ls });
  const stepNodes = nodes.filter(
    (n) => n.type === 'action' && (n.action as Obj | undefined)?.kind === 'send_message',
  );
  const variantNodes = nodes.filter((n) => n.type === 'split' || n.type === 'ab_test');
  return (
    <div className="cond-editor">
      {leaves.length > 1 && (
        <Select
          label={t('automation.combine')}
          value={comb ?? 'and'}
          options={[
            { value: 'and', label: t('automation.all') },
            { value: 'or', label: t('automation.any') },
          ]}
          onChange={(c) => emit(leaves, c as 'and' | 'or')}
        />
      )}
      {leaves.map((l, i) => {
        const k = leafKind(l)!;
        const setLeaf = (x: Obj) => emit(leaves.map((y, j) => (j === i ? x : y)));
        const testOf = (key: string) => without(l, key);
        return (
          <div className="inline-fields cond-leaf" key={i}>
            <Select
              label={t('automation.test')}
              value={k}
              options={LEAF_KINDS.map((x) => ({ value: x, label: t(`automation.leaf.${x}`) }))}
              onChange={(x) => setLeaf(defaultLeaf(x))}
            />
            {(k === 'trait' || k === 'triggerProperty') && (
              <>
                <TextField
                  label={t(k === 'trait' ? 'automation.trait' : 'automation.property')}
                  dir="ltr"
                  value={String(l[k] ?? '')}
                  onChange={(s) => setLeaf({ ...l, [k]: s })}
                />
                <ValueTestEditor filter test={testOf(k)} onChange={(x) => setLeaf({ [k]: l[k], ...x })} />
              </>
            )}
            {k === 'segment' && (
              <>
                <RefSelect
                  label={t('automation.segment')}
                  value={String(l.segment ?? '')}
                  items={refs.segments}
                  onChange={(s) => setLeaf({ ...l, segment: s })}
                />
                <Select
                  label={t('automation.membership')}
                  value={String(l.member !== false)}
                  options={[
                    { value: 'true', label: t('automation.isMember') },
                    { value: 'false', label: t('automation.notMember') },
                  ]}
                  onChange={(s) => setLeaf({ ...l, member: s === 'true' })}
                />
              </>
            )}
            {k === 'performed' && (
              <>
                <TextField
                  label={t('automation.eventName')}
                  value={String(l.performed ?? '')}
                  onChange={(s) => setLeaf({ ...l, performed: s })}
                />
                <NumberField
                  label={t('automation.atLeastTimes')}
                  value={(l.count as number) ?? 1}
                  min={1}
                  onChange={(n) => setLeaf(setOpt(l, 'count', n))}
                />
              </>
            )}
            {k === 'step' && (
              <>
                <RefSelect
                  label={t('automation.sendStep')}
                  value={String(l.step ?? '')}
                  items={stepNodes.map((n) => ({ id: n.id, name: String(n.label || n.id) }))}
                  onChange={(s) => setLeaf({ ...l, step: s })}
                />
                <Select
                  label={t('automation.outcome')}
                  value={String(l.outcome ?? 'opened')}
                  options={OUTCOMES.map((o) => ({ value: o, label: t(`automation.outcome.${o}`) }))}
                  onChange={(s) => setLeaf({ ...l, outcome: s })}
                />
              </>
            )}
            {k === 'variantOf' && (
              <>
                <RefSelect
                  label={t('automation.splitNode')}
                  value={String(l.variantOf ?? '')}
                  items={variantNodes.map((n) => ({ id: n.id, name: String(n.label || n.id) }))}
                  onChange={(s) => setLeaf({ ...l, variantOf: s })}
                />
                <TextField
                  label={t('automation.variantId')}
                  dir="ltr"
                  value={String(l.variant ?? '')}
                  onChange={(s) => setLeaf({ ...l, variant: s })}
                />
              </>
            )}
            {leaves.length > 1 && (
              <button
                type="button"
                className="btn btn-ghost"
                aria-label={t('automation.removeTest')}
                onClick={() => emit(leaves.filter((_, j) => j !== i))}
              >
                ×
              </button>
            )}
          </div>
        );
      })}
      <div className="toolbar">
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => emit([...leaves, defaultLeaf('trait')])}
        >
          + {t('automation.addTest')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setJson(true)}>
          {t('automation.jsonView')}
        </button>
      </div>
    </div>
  );
}

function ActionFields({ action, refs, onChange }: { action: Obj; refs: DesignRefs; onChange(a: Obj): void }) {
  const { t } = useI18n();
  const kind = String(action.kind ?? 'send_message');
  const lists = refs.segments.filter((s) => s.kind === 'list');
  const due = action.dueIn as Obj | undefined;
  return (
    <>
      <Select
        label={t('automation.actionKind')}
        value={kind}
        options={ACTION_KINDS.map((k) => ({ value: k, label: t(`automation.action.${k}`) }))}
        onChange={(k) => onChange(defaultAction(k))}
      />
      {kind === 'send_message' && (
        <>
          <Select
            label={t('automation.channel')}
            value={String(action.channel ?? 'email')}
            options={MESSAGE_CHANNELS.map((c) => ({ value: c, label: t(`automation.ch.${c}`) }))}
            onChange={(s) => onChange({ ...action, channel: s })}
          />
          <TextField
            label={t('automation.template')}
            dir="ltr"
            value={String(action.template ?? '')}
            onChange={(s) => onChange({ ...action, template: s })}
          />
          <Checkbox
            label={t('automation.transactional')}
            checked={action.transactional === true}
            onChange={(on) => onChange(setOpt(action, 'transactional', on ? true : undefined))}
          />
        </>
      )}
      {kind === 'webhook' && (
        <>
          <TextField
            label={t('automation.url')}
            dir="ltr"
            type="url"
            value={String(action.url ?? '')}
            onChange={(s) => onChange({ ...action, url: s })}
          />
          <Select
            label={t('automation.method')}
            value={String(action.method ?? 'POST')}
            options={['POST', 'PUT'].map((m) => ({ value: m, label: m }))}
            onChange={(s) => onChange({ ...action, method: s })}
          />
          <JsonField
            label={t('automation.body')}
            value={action.body}
            onChange={(b) => onChange(setOpt(action, 'body', b))}
          />
        </>
      )}
      {kind === 'set_trait' && (
        <>
          <TextField
            label={t('automation.trait')}
            dir="ltr"
            value={String(action.trait ?? '')}
            onChange={(s) => onChange({ ...action, trait: s })}
          />
          <TextField
            label={t('automation.traitValue')}
            hint={t('automation.traitValueHint')}
            value={
              action.value === null
                ? 'null'
                : typeof action.value === 'string'
                  ? action.value
                  : JSON.stringify(action.value)
            }
            onChange={(s) => {
              let v: unknown = s;
              if (s === 'null' || s === 'true' || s === 'false' || /^-?\d+(\.\d+)?$/.test(s))
                v = JSON.parse(s);
              onChange({ ...action, value: v });
            }}
          />
        </>
      )}
      {kind === 'list' && (
        <>
          <Select
            label={t('automation.listOp')}
            value={String(action.op ?? 'add')}
            options={['add', 'remove'].map((x) => ({ value: x, label: t(`automation.listOp.${x}`) }))}
            onChange={(s) => onChange({ ...action, op: s })}
          />
          <RefSelect
            label={t('automation.list')}
            value={String(action.list ?? '')}
            items={lists}
            onChange={(s) => onChange({ ...action, list: s })}
          />
        </>
      )}
      {kind === 'change_score' && (
        <>
          <RefSelect
            label={t('automation.scoreModel')}
            value={String(action.model ?? '')}
            items={refs.scores}
            onChange={(s) => onChange({ ...action, model: s })}
          />
          <NumberField
            label={t('automation.points')}
            value={action.points as number}
            onChange={(n) => onChange({ ...action, points: n ?? 0 })}
          />
        </>
      )}
      {kind === 'coupon' && (
        <TextField
          label={t('automation.campaign')}
          dir="ltr"
          value={String(action.campaign ?? '')}
          onChange={(s) => onChange({ ...action, campaign: s })}
        />
      )}
      {kind === 'task' && (
        <>
          <Select
            label={t('automation.taskKind')}
            value={String(action.task ?? 'task')}
            options={['task', 'callback'].map((x) => ({ value: x, label: t(`automation.task.${x}`) }))}
            onChange={(s) => onChange({ ...action, task: s })}
          />
          <TextField
            label={t('automation.title')}
            value={String(action.title ?? '')}
            onChange={(s) => onChange({ ...action, title: s })}
          />
          <TextArea
            label={t('automation.note')}
            rows={2}
            value={String(action.note ?? '')}
            onChange={(s) => onChange(setOpt(action, 'note', s))}
          />
          <OptionalDuration
            label={t('automation.dueIn')}
            value={due}
            onChange={(d) => onChange(setOpt(action, 'dueIn', d))}
          />
        </>
      )}
      {kind === 'start_process' && (
        <RefSelect
          label={t('automation.process')}
          value={String(action.process ?? '')}
          items={refs.processes}
          onChange={(s) => onChange({ ...action, process: s })}
        />
      )}
      {kind === 'emit_event' && (
        <>
          <TextField
            label={t('automation.eventName')}
            value={String(action.event ?? '')}
            onChange={(s) => onChange({ ...action, event: s })}
          />
          <JsonField
            label={t('automation.properties')}
            value={action.properties}
            onChange={(p) => onChange(setOpt(action, 'properties', p))}
          />
        </>
      )}
    </>
  );
}
