// Small form pieces shared by the segment builder, the process designer and the survey builder: numbers
// (Persian/Arabic digits accepted), lists, JSON, durations, checkboxes, event property filters and value tests.
import { useEffect, useId, useState, type ReactNode } from 'react';
import { useI18n } from '../../i18n';
import { Select, TextArea, TextField } from '../../ui/Field';
import {
  FILTER_OPS_BY_KIND,
  OPS_BY_KIND,
  TIME_UNITS,
  VALUE_KINDS,
  kindOf,
  parseList,
  toNumber,
  withOp,
  type ValueKind,
} from '../segments/rules';
import './shared.css';

/** A number input that keeps what is typed until it parses; reads Persian and Arabic digits. */
export function NumberField({
  label,
  value,
  onChange,
  error,
  hideLabel,
  min,
  max,
  step,
}: {
  label: string;
  value: number | undefined;
  onChange(n: number | undefined): void;
  error?: string | undefined;
  hideLabel?: boolean;
  min?: number;
  max?: number;
  step?: number;
}) {
  const { t, num } = useI18n();
  const show = (x: number) => num(x, { useGrouping: false, maximumFractionDigits: 10 });
  const [text, setText] = useState(value === undefined || Number.isNaN(value) ? '' : show(value));
  useEffect(() => {
    const n = toNumber(text);
    if (value !== undefined && n !== value) setText(show(value));
    if (value === undefined && text !== '' && !Number.isNaN(n)) setText('');
    // Only react to outside changes of the value.
  }, [value]);
  const n = toNumber(text);
  const bad =
    text !== '' && (Number.isNaN(n) || (min !== undefined && n < min) || (max !== undefined && n > max));
  return (
    <TextField
      label={label}
      hideLabel={hideLabel}
      value={text}
      inputMode="decimal"
      dir="ltr"
      className="input-num"
      data-step={step}
      error={error ?? (bad ? t('shared.notANumber') : undefined)}
      onChange={(s) => {
        setText(s);
        const x = toNumber(s);
        if (s.trim() === '') onChange(undefined);
        else if (!Number.isNaN(x)) onChange(x);
      }}
    />
  );
}

/** A comma-separated list of strings or numbers. */
export function ListField({
  label,
  value,
  numeric,
  onChange,
  hideLabel,
}: {
  label: string;
  value: unknown[];
  numeric: boolean;
  onChange(v: (string | number)[]): void;
  hideLabel?: boolean;
}) {
  const [text, setText] = useState(value.join(', '));
  const { t } = useI18n();
  return (
    <TextField
      label={label}
      hideLabel={hideLabel}
      hint={t('shared.commaList')}
      value={text}
      onChange={(s) => {
        setText(s);
        onChange(parseList(s, numeric));
      }}
    />
  );
}

/** A JSON object typed as text; reports parse errors and hands on only valid values. */
export function JsonField({
  label,
  value,
  onChange,
  hint,
  error,
}: {
  label: string;
  value: unknown;
  onChange(v: unknown): void;
  hint?: string;
  error?: string | undefined;
}) {
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value, null, 2));
  const [bad, setBad] = useState<string | undefined>();
  const { t } = useI18n();
  return (
    <TextArea
      label={label}
      hint={hint}
      dir="ltr"
      rows={4}
      className="mono"
      value={text}
      error={error ?? bad}
      onChange={(s) => {
        setText(s);
        if (s.trim() === '') {
          setBad(undefined);
          onChange(undefined);
          return;
        }
        try {
          onChange(JSON.parse(s));
          setBad(undefined);
        } catch {
          setBad(t('shared.badJson'));
        }
      }}
    />
  );
}

export function Checkbox({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange(v: boolean): void;
}) {
  const id = useId();
  return (
    <div className="field field-check">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

export interface Duration {
  amount: number;
  unit: string;
}

/** An amount and a unit (minutes … years). */
export function DurationField({
  label,
  value,
  onChange,
  units = TIME_UNITS,
}: {
  label: string;
  value: Duration;
  onChange(d: Duration): void;
  units?: readonly string[];
}) {
  const { t } = useI18n();
  return (
    <fieldset className="inline-fields">
      <legend>{label}</legend>
      <NumberField
        label={t('shared.amount')}
        value={value.amount}
        min={0}
        onChange={(n) => onChange({ ...value, amount: n ?? 0 })}
      />
      <Select
        label={t('shared.unit')}
        value={value.unit}
        options={units.map((u) => ({ value: u, label: t(`shared.unit.${u}`) }))}
        onChange={(u) => onChange({ ...value, unit: u })}
      />
    </fieldset>
  );
}

/** A date (YYYY-MM-DD) with the locale's reading next to it (Jalali in fa). */
export function DateField({
  label,
  value,
  onChange,
  hideLabel,
}: {
  label: string;
  value: string;
  onChange(v: string): void;
  hideLabel?: boolean;
}) {
  const { date } = useI18n();
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  return (
    <TextField
      label={label}
      hideLabel={hideLabel}
      type="date"
      dir="ltr"
      value={typeof value === 'string' ? value.slice(0, 10) : ''}
      hint={Number.isNaN(ms) ? undefined : date(ms, { dateStyle: 'long', timeZone: 'UTC' })}
      onChange={onChange}
    />
  );
}

type Test = Record<string, unknown>;

/**
 * The operator and value(s) of a value test (trait, computed trait, survey answer, event property):
 * the value type decides which operators are offered.
 */
export function ValueTestEditor({
  test,
  onChange,
  filter = false,
  kinds = VALUE_KINDS,
}: {
  test: Test;
  onChange(t: Test): void;
  /** Event property filters: no relative dates. */
  filter?: boolean;
  kinds?: ValueKind[];
}) {
  const { t } = useI18n();
  const [kind, setKind] = useState<ValueKind>(() => kindOf(test));
  const ops = (filter ? FILTER_OPS_BY_KIND : OPS_BY_KIND)[kind];
  const op = String(test.op ?? ops[0]);
  const v = test.value;
  const setValue = (value: unknown) => onChange({ ...test, value });
  let input: ReactNode = null;
  if (op === 'between')
    input = (
      <>
        <NumberField
          label={t('shared.from')}
          value={Array.isArray(v) ? (v[0] as number) : 0}
          onChange={(n) => setValue([n ?? 0, Array.isArray(v) ? v[1] : 0])}
        />
        <NumberField
          label={t('shared.to')}
          value={Array.isArray(v) ? (v[1] as number) : 0}
          onChange={(n) => setValue([Array.isArray(v) ? v[0] : 0, n ?? 0])}
        />
      </>
    );
  else if (op === 'date_between')
    input = (
      <>
        <DateField
          label={t('shared.from')}
          value={Array.isArray(v) ? String(v[0] ?? '') : ''}
          onChange={(s) => setValue([s, Array.isArray(v) ? v[1] : ''])}
        />
        <DateField
          label={t('shared.to')}
          value={Array.isArray(v) ? String(v[1] ?? '') : ''}
          onChange={(s) => setValue([Array.isArray(v) ? v[0] : '', s])}
        />
      </>
    );
  else if (op === 'before' || op === 'after')
    input = <DateField label={t('shared.date')} value={String(v ?? '')} onChange={setValue} />;
  else if (op === 'within_next_days' || op === 'within_last_days')
    input = (
      <>
        <NumberField
          label={t('shared.days')}
          value={v as number}
          min={0}
          onChange={(n) => setValue(n ?? 0)}
        />
        <Checkbox
          label={t('shared.yearly')}
          checked={test.recurring === 'yearly'}
          onChange={(on) => {
            const out = { ...test };
            if (on) out.recurring = 'yearly';
            else delete out.recurring;
            onChange(out);
          }}
        />
      </>
    );
  else if (op === 'in')
    input = (
      <ListField
        label={t('shared.values')}
        value={Array.isArray(v) ? v : []}
        numeric={kind === 'number'}
        onChange={setValue}
      />
    );
  else if (op === 'exists' || op === 'not_exists') input = null;
  else if (kind === 'number' || ['gt', 'gte', 'lt', 'lte'].includes(op))
    input = <NumberField label={t('shared.value')} value={v as number} onChange={(n) => setValue(n ?? 0)} />;
  else if (kind === 'boolean')
    input = (
      <Select
        label={t('shared.value')}
        value={String(v === true)}
        options={[
          { value: 'true', label: t('shared.true') },
          { value: 'false', label: t('shared.false') },
        ]}
        onChange={(s) => setValue(s === 'true')}
      />
    );
  else input = <TextField label={t('shared.value')} value={String(v ?? '')} onChange={(s) => setValue(s)} />;
  return (
    <>
      {kinds.length > 1 && (
        <Select
          label={t('shared.valueType')}
          value={kind}
          options={kinds.map((k) => ({ value: k, label: t(`shared.kind.${k}`) }))}
          onChange={(k) => {
            const nk = k as ValueKind;
            setKind(nk);
            const nops = (filter ? FILTER_OPS_BY_KIND : OPS_BY_KIND)[nk];
            onChange(withOp(test, nops.includes(op) ? op : nops[0]!, nk));
          }}
        />
      )}
      <Select
        label={t('shared.operator')}
        value={op}
        options={ops.map((o) => ({ value: o, label: t(`shared.op.${o}`) }))}
        onChange={(o) => onChange(withOp(test, o, kind))}
      />
      {input}
    </>
  );
}

export type PropertyFilter = { property: string } & Record<string, unknown>;

/** "where" filters on event properties. */
export function FilterList({
  value,
  onChange,
}: {
  value: PropertyFilter[] | undefined;
  onChange(v: PropertyFilter[] | undefined): void;
}) {
  const { t } = useI18n();
  const list = value ?? [];
  const set = (i: number, f: PropertyFilter) => onChange(list.map((x, j) => (j === i ? f : x)));
  return (
    <fieldset className="filters">
      <legend>{t('shared.filters')}</legend>
      {list.map((f, i) => (
        <div className="inline-fields filter-row" key={i}>
          <TextField
            label={t('shared.property')}
            value={f.property}
            dir="ltr"
            onChange={(s) => set(i, { ...f, property: s })}
          />
          <ValueTestEditor test={f} filter onChange={(x) => set(i, x as PropertyFilter)} />
          <button
            type="button"
            className="btn btn-ghost"
            aria-label={t('shared.removeFilter', { property: f.property || String(i + 1) })}
            onClick={() => {
              const next = list.filter((_, j) => j !== i);
              onChange(next.length ? next : undefined);
            }}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-ghost"
        onClick={() => onChange([...list, { property: '', op: 'equals', value: '' }])}
      >
        + {t('shared.addFilter')}
      </button>
    </fieldset>
  );
}
