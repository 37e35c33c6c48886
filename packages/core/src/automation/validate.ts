// Validates a process definition as a whole and compiles it for the step machine. Every error names the
// node (`nodeId`) and the field path (`nodes[3].wait.timeout.unit`), so the designer can mark the node; all
// errors are reported at once.
import { err, ok, type DomainError, type Result } from '../errors';
import { validateRule, type RuleError } from '../segments/validate';
import { TIME_UNITS, type PropertyFilter } from '../segments/types';
import { selectorKey } from './selectors';
import { isTimeZone, parseClock, parseCron } from './time';
import type {
  Action,
  ProcessCondition,
  Edge,
  GoalNode,
  ProcessDefinition,
  ProcessNode,
  Trigger,
  TriggerNode,
  Wait,
} from './types';

export interface ProcessError extends DomainError {
  nodeId?: string;
}

export const PROCESS_LIMITS = {
  maxNodes: 500,
  maxEdges: 2000,
  maxConditionDepth: 20,
  maxIdLength: 100,
  maxAmount: 100_000,
  /** Nodes run for one input before the machine stops with an error (a wait ends every legal loop). */
  maxStepsPerInput: 1000,
} as const;

const NODE_TYPES = ['trigger', 'wait', 'condition', 'split', 'ab_test', 'action', 'goal', 'exit'];
const TRIGGER_KINDS = [
  'event',
  'segment_entered',
  'segment_exited',
  'trait_changed',
  'score_crossed',
  'date',
  'schedule',
  'manual',
];
const ACTION_KINDS = [
  'send_message',
  'webhook',
  'set_trait',
  'list',
  'change_score',
  'coupon',
  'task',
  'start_process',
  'emit_event',
];
const CHANNELS = ['email', 'sms', 'push', 'webhook', 'log'];
const OUTCOMES = ['sent', 'delivered', 'opened', 'clicked', 'replied', 'bounced', 'failed'];

/** A validated definition with its graph indexed for the machine. */
export interface CompiledProcess {
  definition: ProcessDefinition;
  nodes: ReadonlyMap<string, ProcessNode>;
  /** node → port → target node. */
  out: ReadonlyMap<string, ReadonlyMap<string, string>>;
  triggers: readonly TriggerNode[];
  goals: readonly GoalNode[];
  /** Event names a running instance must be shown (goals, waits, `performed` conditions, A/B goals). */
  watched: ReadonlySet<string>;
  /** Segments a running instance waits on (their Entered events matter). */
  watchedSegments: ReadonlySet<string>;
  /** `performed` selectors by event name: what an instance counts for its conditions. */
  selectors: ReadonlyMap<string, readonly { key: string; where?: PropertyFilter[] }[]>;
  /** The exit criteria read the profile (traits, segments): every event of the profile must be shown. */
  watchAll: boolean;
  timezone: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** The ports a node must (or may) connect. */
export function portsOf(n: ProcessNode): { required: string[]; optional: string[] } {
  switch (n.type) {
    case 'trigger':
      return { required: ['next'], optional: [] };
    case 'wait':
      return n.wait.kind === 'event' || n.wait.kind === 'segment'
        ? { required: ['matched', 'timeout'], optional: [] }
        : { required: ['next'], optional: [] };
    case 'condition':
      return { required: [...n.branches.map((b) => b.id), 'else'], optional: [] };
    case 'split':
    case 'ab_test':
      return { required: n.variants.map((v) => v.id), optional: [] };
    case 'action':
      return { required: [], optional: ['next'] };
    case 'goal':
    case 'exit':
      return { required: [], optional: [] };
  }
}

class Checker {
  readonly errors: ProcessError[] = [];
  constructor(
    readonly scope: { segments?: readonly string[]; scoreModels?: readonly string[] } | undefined,
  ) {}

  fail(code: string, field: string, message: string, nodeId?: string): void {
    const e: ProcessError = {
      code,
      field,
      message: nodeId === undefined ? `${field}: ${message}` : `node "${nodeId}" (${field}): ${message}`,
    };
    if (nodeId !== undefined) e.nodeId = nodeId;
    this.errors.push(e);
  }

  onlyKeys(o: Obj, allowed: readonly string[], field: string, nodeId?: string): void {
    for (const k of Object.keys(o))
      if (!allowed.includes(k))
        this.fail(
          'unknown_field',
          `${field}.${k}`,
          `unknown field "${k}" (allowed: ${allowed.join(', ')})`,
          nodeId,
        );
  }

  str(v: unknown, field: string, what: string, nodeId?: string, max = 1000): v is string {
    if (typeof v === 'string' && v.trim().length > 0 && v.length <= max) return true;
    this.fail(
      'invalid_value',
      field,
      `${what} must be a non-empty string of at most ${max} characters (got ${show(v)})`,
      nodeId,
    );
    return false;
  }

  oneOf(v: unknown, allowed: readonly string[], field: string, what: string, nodeId?: string): boolean {
    if (typeof v === 'string' && allowed.includes(v)) return true;
    this.fail(
      typeof v === 'string' ? `unknown_${what.replace(/ /g, '_')}` : 'invalid_value',
      field,
      `unknown ${what} ${show(v)} (use ${allowed.join(', ')})`,
      nodeId,
    );
    return false;
  }

  duration(v: unknown, field: string, nodeId?: string, extra: string[] = []): void {
    if (!isObj(v)) {
      this.fail(
        'invalid_value',
        field,
        `must be a duration like { "amount": 1, "unit": "hours" } (got ${show(v)})`,
        nodeId,
      );
      return;
    }
    this.onlyKeys(v, ['amount', 'unit', ...extra], field, nodeId);
    if (
      !Number.isInteger(v.amount) ||
      (v.amount as number) < 1 ||
      (v.amount as number) > PROCESS_LIMITS.maxAmount
    )
      this.fail(
        'invalid_value',
        `${field}.amount`,
        `amount must be a whole number from 1 to ${PROCESS_LIMITS.maxAmount} (got ${show(v.amount)})`,
        nodeId,
      );
    if (!(typeof v.unit === 'string' && (TIME_UNITS as readonly string[]).includes(v.unit)))
      this.fail(
        'unknown_unit',
        `${field}.unit`,
        `unknown unit ${show(v.unit)} (use ${TIME_UNITS.join(', ')})`,
        nodeId,
      );
  }

  clock(v: unknown, field: string, nodeId?: string): void {
    if (typeof v === 'string' && parseClock(v) !== null) return;
    this.fail(
      'invalid_value',
      field,
      `must be a time of day "HH:MM" in 24-hour form (got ${show(v)})`,
      nodeId,
    );
  }

  /** Delegates value tests and property filters to the segment rule validator (one source of truth). */
  viaRule(rule: unknown, field: string, nodeId?: string): void {
    const r = validateRule({ condition: rule }, { segments: this.scope?.segments ?? [] });
    if (r.ok) return;
    for (const e of r.error as RuleError[]) {
      const sub = (e.field ?? '')
        .replace(/^rule\.?/, '')
        .replace(/^condition\.?/, '')
        .replace(/^event\.?/, '');
      const msg = e.message.replace(/^[^:]*: /, '');
      this.fail(e.code, sub ? `${field}.${sub}` : field, msg, nodeId);
    }
  }

  /** Property filters `where` of the object at `parent`. */
  filters(where: unknown, parent: string, nodeId?: string): void {
    if (where === undefined) return;
    this.viaRule({ type: 'performed', event: { name: 'x', where } }, parent, nodeId);
  }

  valueTest(o: Obj, key: string, field: string, nodeId?: string): void {
    const { [key]: _k, ...test } = o;
    this.viaRule({ type: 'trait', trait: 'x', ...test }, field, nodeId);
  }

  segmentRef(v: unknown, field: string, nodeId?: string): void {
    if (!this.str(v, field, 'segment', nodeId)) return;
    if (this.scope?.segments && !this.scope.segments.includes(v))
      this.fail('unknown_segment', field, `segment or list "${v}" does not exist`, nodeId);
  }

  trigger(t: unknown, field: string, nodeId: string): void {
    if (!isObj(t)) {
      this.fail('invalid_value', field, `trigger must be an object with a "kind" (got ${show(t)})`, nodeId);
      return;
    }
    if (!this.oneOf(t.kind, TRIGGER_KINDS, `${field}.kind`, 'trigger kind', nodeId)) return;
    const tr = t as unknown as Trigger;
    switch (tr.kind) {
      case 'event':
        this.onlyKeys(t, ['kind', 'event', 'messageType', 'where'], field, nodeId);
        this.str(tr.event, `${field}.event`, 'event', nodeId);
        if (tr.messageType !== undefined)
          this.oneOf(
            tr.messageType,
            ['track', 'page', 'screen'],
            `${field}.messageType`,
            'message type',
            nodeId,
          );
        this.filters(tr.where, field, nodeId);
        break;
      case 'segment_entered':
      case 'segment_exited':
        this.onlyKeys(t, ['kind', 'segment'], field, nodeId);
        this.segmentRef(tr.segment, `${field}.segment`, nodeId);
        break;
      case 'trait_changed':
        this.onlyKeys(t, ['kind', 'trait', 'from', 'to'], field, nodeId);
        this.str(tr.trait, `${field}.trait`, 'trait', nodeId);
        for (const k of ['from', 'to'] as const)
          if (t[k] !== undefined) {
            if (isObj(t[k])) this.valueTest(t[k], '', `${field}.${k}`, nodeId);
            else
              this.fail(
                'invalid_value',
                `${field}.${k}`,
                `must be a value test like { "op": "equals", "value": "gold" }`,
                nodeId,
              );
          }
        break;
      case 'score_crossed':
        this.onlyKeys(t, ['kind', 'model', 'threshold', 'direction'], field, nodeId);
        if (
          this.str(tr.model, `${field}.model`, 'model', nodeId) &&
          this.scope?.scoreModels &&
          !this.scope.scoreModels.includes(tr.model)
        )
          this.fail(
            'unknown_score_model',
            `${field}.model`,
            `score model "${tr.model}" does not exist`,
            nodeId,
          );
        if (typeof tr.threshold !== 'number' || !Number.isFinite(tr.threshold))
          this.fail(
            'invalid_value',
            `${field}.threshold`,
            `threshold must be a number (got ${show(tr.threshold)})`,
            nodeId,
          );
        this.oneOf(tr.direction, ['up', 'down'], `${field}.direction`, 'direction', nodeId);
        break;
      case 'date':
        this.onlyKeys(t, ['kind', 'trait', 'offset', 'at', 'recurring'], field, nodeId);
        this.str(tr.trait, `${field}.trait`, 'trait', nodeId);
        if (tr.offset !== undefined) {
          this.duration(tr.offset, `${field}.offset`, nodeId, ['direction']);
          if (isObj(tr.offset))
            this.oneOf(
              tr.offset.direction,
              ['before', 'after'],
              `${field}.offset.direction`,
              'direction',
              nodeId,
            );
        }
        if (tr.at !== undefined) this.clock(tr.at, `${field}.at`, nodeId);
        if (tr.recurring !== undefined)
          this.oneOf(tr.recurring, ['yearly'], `${field}.recurring`, 'recurrence', nodeId);
        break;
      case 'schedule': {
        this.onlyKeys(t, ['kind', 'segment', 'schedule', 'timezone'], field, nodeId);
        this.segmentRef(tr.segment, `${field}.segment`, nodeId);
        if (tr.timezone !== undefined && !(typeof tr.timezone === 'string' && isTimeZone(tr.timezone)))
          this.fail(
            'invalid_value',
            `${field}.timezone`,
            `unknown time zone ${show(tr.timezone)} (use an IANA name such as "Asia/Tehran")`,
            nodeId,
          );
        const s = tr.schedule as unknown;
        const sf = `${field}.schedule`;
        if (!isObj(s) || !this.oneOf(s.every, ['day', 'week', 'cron'], `${sf}.every`, 'schedule', nodeId)) {
          if (!isObj(s))
            this.fail(
              'invalid_value',
              sf,
              'schedule must be { "every": "day", "at": "09:00" }, { "every": "week", "weekday": 1, "at": "09:00" } or { "every": "cron", "cron": "0 9 * * 1-5" }',
              nodeId,
            );
          break;
        }
        if (s.every === 'cron') {
          this.onlyKeys(s, ['every', 'cron'], sf, nodeId);
          const c =
            typeof s.cron === 'string'
              ? parseCron(s.cron)
              : { ok: false as const, message: 'cron must be a string' };
          if (!c.ok) this.fail('invalid_value', `${sf}.cron`, c.message, nodeId);
        } else {
          this.onlyKeys(s, s.every === 'week' ? ['every', 'weekday', 'at'] : ['every', 'at'], sf, nodeId);
          this.clock(s.at, `${sf}.at`, nodeId);
          if (
            s.every === 'week' &&
            !(Number.isInteger(s.weekday) && (s.weekday as number) >= 0 && (s.weekday as number) <= 6)
          )
            this.fail(
              'invalid_value',
              `${sf}.weekday`,
              `weekday must be 0 (Sunday) to 6 (Saturday) (got ${show(s.weekday)})`,
              nodeId,
            );
        }
        break;
      }
      case 'manual':
        this.onlyKeys(t, ['kind'], field, nodeId);
        break;
    }
  }

  wait(w: unknown, field: string, nodeId: string): void {
    if (!isObj(w)) {
      this.fail('invalid_value', field, `wait must be an object with a "kind" (got ${show(w)})`, nodeId);
      return;
    }
    if (!this.oneOf(w.kind, ['duration', 'until', 'event', 'segment'], `${field}.kind`, 'wait kind', nodeId))
      return;
    const wt = w as unknown as Wait;
    switch (wt.kind) {
      case 'duration':
        this.duration(w, field, nodeId, ['kind']);
        break;
      case 'until': {
        this.onlyKeys(w, ['kind', 'date', 'trait', 'at', 'weekdays', 'hours'], field, nodeId);
        if (wt.date !== undefined && wt.trait !== undefined)
          this.fail('invalid_value', field, 'give either "date" or "trait", not both', nodeId);
        if (wt.date !== undefined)
          this.viaRule({ type: 'trait', trait: 'x', op: 'after', value: wt.date }, `${field}.date`, nodeId);
        if (wt.trait !== undefined) this.str(wt.trait, `${field}.trait`, 'trait', nodeId);
        if (wt.at !== undefined) this.clock(wt.at, `${field}.at`, nodeId);
        if (
          wt.weekdays !== undefined &&
          !(
            Array.isArray(wt.weekdays) &&
            wt.weekdays.length > 0 &&
            wt.weekdays.every((d) => Number.isInteger(d) && d >= 0 && d <= 6)
          )
        )
          this.fail(
            'invalid_value',
            `${field}.weekdays`,
            `weekdays must be a non-empty list of 0 (Sunday) to 6 (Saturday) (got ${show(wt.weekdays)})`,
            nodeId,
          );
        if (wt.hours !== undefined) {
          const h = wt.hours as unknown;
          if (!(
            isObj(h) &&
            Number.isInteger(h.from) &&
            Number.isInteger(h.to) &&
            (h.from as number) >= 0 &&
            (h.to as number) <= 24 &&
            (h.from as number) < (h.to as number)
          ))
            this.fail(
              'invalid_value',
              `${field}.hours`,
              `hours must be { "from": 9, "to": 17 } with 0 ≤ from < to ≤ 24 (got ${show(h)})`,
              nodeId,
            );
        }
        if (
          wt.date === undefined &&
          wt.trait === undefined &&
          wt.at === undefined &&
          wt.weekdays === undefined &&
          wt.hours === undefined
        )
          this.fail(
            'invalid_value',
            field,
            'an "until" wait needs a date, a trait, a time "at", weekdays or hours',
            nodeId,
          );
        break;
      }
      case 'event':
        this.onlyKeys(w, ['kind', 'event', 'where', 'timeout'], field, nodeId);
        this.str(wt.event, `${field}.event`, 'event', nodeId);
        this.filters(wt.where, field, nodeId);
        this.duration(wt.timeout, `${field}.timeout`, nodeId);
        break;
      case 'segment':
        this.onlyKeys(w, ['kind', 'segment', 'timeout'], field, nodeId);
        this.segmentRef(wt.segment, `${field}.segment`, nodeId);
        this.duration(wt.timeout, `${field}.timeout`, nodeId);
        break;
    }
  }

  condition(
    c: unknown,
    field: string,
    nodeId: string | undefined,
    depth: number,
    nodes: Map<string, ProcessNode>,
  ): void {
    if (depth > PROCESS_LIMITS.maxConditionDepth) {
      this.fail(
        'invalid_rule',
        field,
        `conditions nest deeper than ${PROCESS_LIMITS.maxConditionDepth}`,
        nodeId,
      );
      return;
    }
    if (!isObj(c)) {
      this.fail('invalid_value', field, `a condition must be an object (got ${show(c)})`, nodeId);
      return;
    }
    const cond = c as unknown as ProcessCondition;
    if ('and' in cond || 'or' in cond) {
      const k = 'and' in cond ? 'and' : 'or';
      this.onlyKeys(c, [k], field, nodeId);
      const list = c[k];
      if (!Array.isArray(list) || list.length === 0) {
        this.fail('invalid_value', `${field}.${k}`, `"${k}" must be a non-empty list of conditions`, nodeId);
        return;
      }
      list.forEach((x, i) => this.condition(x, `${field}.${k}[${i}]`, nodeId, depth + 1, nodes));
    } else if ('not' in cond) {
      this.onlyKeys(c, ['not'], field, nodeId);
      this.condition(cond.not, `${field}.not`, nodeId, depth + 1, nodes);
    } else if ('trait' in cond) {
      this.str(cond.trait, `${field}.trait`, 'trait', nodeId);
      this.valueTest(c, 'trait', field, nodeId);
    } else if ('triggerProperty' in cond) {
      this.str(cond.triggerProperty, `${field}.triggerProperty`, 'triggerProperty', nodeId);
      this.valueTest(c, 'triggerProperty', field, nodeId);
    } else if ('segment' in cond) {
      this.onlyKeys(c, ['segment', 'member'], field, nodeId);
      this.segmentRef(cond.segment, `${field}.segment`, nodeId);
      if (cond.member !== undefined && typeof cond.member !== 'boolean')
        this.fail('invalid_value', `${field}.member`, 'member must be true or false', nodeId);
    } else if ('performed' in cond) {
      this.onlyKeys(c, ['performed', 'where', 'count'], field, nodeId);
      this.str(cond.performed, `${field}.performed`, 'performed', nodeId);
      this.filters(cond.where, field, nodeId);
      if (cond.count !== undefined && !(Number.isInteger(cond.count) && cond.count >= 1 && cond.count <= 100))
        this.fail(
          'invalid_value',
          `${field}.count`,
          `count must be a whole number from 1 to 100 (got ${show(cond.count)})`,
          nodeId,
        );
    } else if ('step' in cond) {
      this.onlyKeys(c, ['step', 'outcome'], field, nodeId);
      const target = typeof cond.step === 'string' ? nodes.get(cond.step) : undefined;
      if (!target || target.type !== 'action' || target.action.kind !== 'send_message')
        this.fail(
          'invalid_reference',
          `${field}.step`,
          `step ${show(cond.step)} is not a send-message node of this process`,
          nodeId,
        );
      this.oneOf(cond.outcome, OUTCOMES, `${field}.outcome`, 'outcome', nodeId);
    } else if ('variantOf' in cond) {
      this.onlyKeys(c, ['variantOf', 'variant'], field, nodeId);
      const target = typeof cond.variantOf === 'string' ? nodes.get(cond.variantOf) : undefined;
      if (!target || (target.type !== 'split' && target.type !== 'ab_test'))
        this.fail(
          'invalid_reference',
          `${field}.variantOf`,
          `${show(cond.variantOf)} is not a split or A/B node of this process`,
          nodeId,
        );
      else if (!target.variants.some((v) => v.id === cond.variant))
        this.fail(
          'invalid_reference',
          `${field}.variant`,
          `node "${target.id}" has no variant ${show(cond.variant)}`,
          nodeId,
        );
    } else {
      this.fail(
        'invalid_rule',
        field,
        `unknown condition ${show(c)}: use and, or, not, trait, triggerProperty, segment, performed, step or variantOf`,
        nodeId,
      );
    }
  }

  action(a: unknown, field: string, nodeId: string): void {
    if (!isObj(a)) {
      this.fail('invalid_value', field, `action must be an object with a "kind" (got ${show(a)})`, nodeId);
      return;
    }
    if (!this.oneOf(a.kind, ACTION_KINDS, `${field}.kind`, 'action kind', nodeId)) return;
    const ac = a as unknown as Action;
    switch (ac.kind) {
      case 'send_message':
        this.onlyKeys(a, ['kind', 'channel', 'template', 'transactional', 'survey'], field, nodeId);
        this.oneOf(ac.channel, CHANNELS, `${field}.channel`, 'channel', nodeId);
        this.str(ac.template, `${field}.template`, 'template', nodeId);
        if (ac.survey !== undefined) this.str(ac.survey, `${field}.survey`, 'survey', nodeId);
        if (ac.transactional !== undefined && typeof ac.transactional !== 'boolean')
          this.fail('invalid_value', `${field}.transactional`, 'transactional must be true or false', nodeId);
        break;
      case 'webhook': {
        this.onlyKeys(a, ['kind', 'url', 'method', 'body'], field, nodeId);
        let url: URL | null = null;
        try {
          url = typeof ac.url === 'string' ? new URL(ac.url) : null;
        } catch {
          url = null;
        }
        if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
          this.fail(
            'invalid_value',
            `${field}.url`,
            `url must be an absolute http(s) URL (got ${show(ac.url)})`,
            nodeId,
          );
        if (ac.method !== undefined)
          this.oneOf(ac.method, ['POST', 'PUT'], `${field}.method`, 'method', nodeId);
        if (ac.body !== undefined && !isObj(ac.body))
          this.fail('invalid_value', `${field}.body`, 'body must be a JSON object', nodeId);
        break;
      }
      case 'set_trait':
        this.onlyKeys(a, ['kind', 'trait', 'value'], field, nodeId);
        this.str(ac.trait, `${field}.trait`, 'trait', nodeId);
        if (!(ac.value === null || ['string', 'number', 'boolean'].includes(typeof ac.value)))
          this.fail(
            'invalid_value',
            `${field}.value`,
            `value must be a string, number, boolean or null (got ${show(ac.value)})`,
            nodeId,
          );
        break;
      case 'list':
        this.onlyKeys(a, ['kind', 'op', 'list'], field, nodeId);
        this.oneOf(ac.op, ['add', 'remove'], `${field}.op`, 'list operation', nodeId);
        this.segmentRef(ac.list, `${field}.list`, nodeId);
        break;
      case 'change_score':
        this.onlyKeys(a, ['kind', 'model', 'points'], field, nodeId);
        this.str(ac.model, `${field}.model`, 'model', nodeId);
        if (!(Number.isInteger(ac.points) && ac.points !== 0))
          this.fail(
            'invalid_value',
            `${field}.points`,
            `points must be a non-zero whole number (got ${show(ac.points)})`,
            nodeId,
          );
        break;
      case 'coupon':
        this.onlyKeys(a, ['kind', 'campaign'], field, nodeId);
        this.str(ac.campaign, `${field}.campaign`, 'campaign', nodeId);
        break;
      case 'task':
        this.onlyKeys(a, ['kind', 'task', 'title', 'note', 'dueIn'], field, nodeId);
        this.oneOf(ac.task, ['task', 'callback'], `${field}.task`, 'task kind', nodeId);
        this.str(ac.title, `${field}.title`, 'title', nodeId);
        if (ac.note !== undefined) this.str(ac.note, `${field}.note`, 'note', nodeId, 5000);
        if (ac.dueIn !== undefined) this.duration(ac.dueIn, `${field}.dueIn`, nodeId);
        break;
      case 'start_process':
        this.onlyKeys(a, ['kind', 'process'], field, nodeId);
        this.str(ac.process, `${field}.process`, 'process', nodeId);
        break;
      case 'emit_event':
        this.onlyKeys(a, ['kind', 'event', 'properties'], field, nodeId);
        this.str(ac.event, `${field}.event`, 'event', nodeId);
        if (ac.properties !== undefined && !isObj(ac.properties))
          this.fail('invalid_value', `${field}.properties`, 'properties must be a JSON object', nodeId);
        break;
    }
  }

  variants(v: unknown, field: string, nodeId: string): void {
    if (!Array.isArray(v) || v.length < 2) {
      this.fail('invalid_value', field, 'variants must be a list of at least 2 { "id", "weight" }', nodeId);
      return;
    }
    const ids = new Set<string>();
    v.forEach((x, i) => {
      if (!isObj(x))
        return this.fail(
          'invalid_value',
          `${field}[${i}]`,
          'a variant is { "id": "a", "weight": 50 }',
          nodeId,
        );
      this.onlyKeys(x, ['id', 'weight', 'label'], `${field}[${i}]`, nodeId);
      if (this.str(x.id, `${field}[${i}].id`, 'variant id', nodeId, PROCESS_LIMITS.maxIdLength)) {
        if (ids.has(x.id) || x.id === 'next')
          this.fail(
            'duplicate_id',
            `${field}[${i}].id`,
            `variant id "${x.id}" is used twice or reserved`,
            nodeId,
          );
        ids.add(x.id);
      }
      if (!(typeof x.weight === 'number' && Number.isFinite(x.weight) && x.weight > 0))
        this.fail(
          'invalid_value',
          `${field}[${i}].weight`,
          `weight must be a positive number (got ${show(x.weight)})`,
          nodeId,
        );
    });
  }
}

/**
 * Validates a definition against what it may refer to (`scope`: existing segment/list ids and score models;
 * omitted checks are skipped) and compiles it. Rejected: unknown fields and values, dangling edges, missing
 * branches, unreachable nodes, and loops without a wait — each error naming its node.
 */
export function validateProcess(
  input: unknown,
  scope?: { segments?: readonly string[]; scoreModels?: readonly string[] },
): Result<CompiledProcess, ProcessError[]> {
  const ck = new Checker(scope);
  if (!isObj(input)) {
    ck.fail(
      'invalid_value',
      'definition',
      'a process definition is an object { "nodes": [...], "edges": [...] }',
    );
    return err(ck.errors);
  }
  ck.onlyKeys(input, ['nodes', 'edges', 'entry', 'exitWhen', 'timezone'], 'definition');
  const rawNodes = input.nodes;
  const rawEdges = input.edges ?? [];
  if (!Array.isArray(rawNodes) || rawNodes.length === 0 || rawNodes.length > PROCESS_LIMITS.maxNodes) {
    ck.fail('invalid_value', 'nodes', `nodes must be a list of 1 to ${PROCESS_LIMITS.maxNodes} nodes`);
    return err(ck.errors);
  }
  if (!Array.isArray(rawEdges) || rawEdges.length > PROCESS_LIMITS.maxEdges) {
    ck.fail('invalid_value', 'edges', `edges must be a list of at most ${PROCESS_LIMITS.maxEdges} edges`);
    return err(ck.errors);
  }
  const nodes = new Map<string, ProcessNode>();
  rawNodes.forEach((n, i) => {
    const f = `nodes[${i}]`;
    if (!isObj(n)) return ck.fail('invalid_value', f, `a node must be an object (got ${show(n)})`);
    if (!ck.str(n.id, `${f}.id`, 'node id', undefined, PROCESS_LIMITS.maxIdLength)) return;
    const id = n.id;
    if (nodes.has(id)) return ck.fail('duplicate_id', `${f}.id`, `node id "${id}" is used twice`, id);
    if (!ck.oneOf(n.type, NODE_TYPES, `${f}.type`, 'node type', id)) return;
    const common = ['id', 'type', 'label', 'position'];
    const node = n as unknown as ProcessNode;
    switch (node.type) {
      case 'trigger':
        ck.onlyKeys(n, [...common, 'trigger'], f, id);
        ck.trigger(n.trigger, `${f}.trigger`, id);
        break;
      case 'wait':
        ck.onlyKeys(n, [...common, 'wait'], f, id);
        ck.wait(n.wait, `${f}.wait`, id);
        break;
      case 'condition':
        ck.onlyKeys(n, [...common, 'branches'], f, id);
        if (!Array.isArray(n.branches) || n.branches.length === 0) {
          ck.fail(
            'invalid_value',
            `${f}.branches`,
            'branches must be a non-empty list of { "id", "when" }',
            id,
          );
          return;
        }
        break;
      case 'split':
        ck.onlyKeys(n, [...common, 'variants'], f, id);
        ck.variants(n.variants, `${f}.variants`, id);
        break;
      case 'ab_test':
        ck.onlyKeys(n, [...common, 'variants', 'goal'], f, id);
        ck.variants(n.variants, `${f}.variants`, id);
        if (!isObj(n.goal))
          ck.fail('invalid_value', `${f}.goal`, 'goal must be { "event": "Order Completed" }', id);
        else {
          ck.onlyKeys(n.goal, ['event', 'where', 'within'], `${f}.goal`, id);
          ck.str(n.goal.event, `${f}.goal.event`, 'goal event', id);
          ck.filters(n.goal.where, `${f}.goal`, id);
          if (n.goal.within !== undefined) ck.duration(n.goal.within, `${f}.goal.within`, id);
        }
        break;
      case 'action':
        ck.onlyKeys(n, [...common, 'action'], f, id);
        ck.action(n.action, `${f}.action`, id);
        break;
      case 'goal':
        ck.onlyKeys(n, [...common, 'event', 'where'], f, id);
        ck.str(n.event, `${f}.event`, 'event', id);
        ck.filters(n.where, f, id);
        break;
      case 'exit':
        ck.onlyKeys(n, common, f, id);
        break;
    }
    nodes.set(id, node);
  });
  // Conditions after every node is known (they may name send steps and splits).
  rawNodes.forEach((n, i) => {
    if (!isObj(n) || n.type !== 'condition' || !Array.isArray(n.branches) || typeof n.id !== 'string') return;
    const ids = new Set<string>();
    n.branches.forEach((b: unknown, j: number) => {
      const f = `nodes[${i}].branches[${j}]`;
      if (!isObj(b))
        return ck.fail('invalid_value', f, 'a branch is { "id": "yes", "when": {...} }', n.id as string);
      ck.onlyKeys(b, ['id', 'label', 'when'], f, n.id as string);
      if (ck.str(b.id, `${f}.id`, 'branch id', n.id as string, PROCESS_LIMITS.maxIdLength)) {
        if (ids.has(b.id) || b.id === 'else')
          ck.fail('duplicate_id', `${f}.id`, `branch id "${b.id}" is used twice or reserved`, n.id as string);
        ids.add(b.id);
      }
      ck.condition(b.when, `${f}.when`, n.id as string, 1, nodes);
    });
  });

  // Edges: known nodes and ports, one edge per port, nothing into triggers or goals.
  const out = new Map<string, Map<string, string>>();
  (rawEdges as unknown[]).forEach((e, i) => {
    const f = `edges[${i}]`;
    if (!isObj(e))
      return ck.fail('invalid_value', f, 'an edge is { "from": "a", "port": "next", "to": "b" }');
    ck.onlyKeys(e, ['from', 'port', 'to', 'id', 'label'], f);
    const edge = e as unknown as Edge;
    const from = typeof edge.from === 'string' ? nodes.get(edge.from) : undefined;
    const to = typeof edge.to === 'string' ? nodes.get(edge.to) : undefined;
    if (!from) return ck.fail('invalid_reference', `${f}.from`, `no node ${show(edge.from)}`);
    if (!to) return ck.fail('invalid_reference', `${f}.to`, `no node ${show(edge.to)}`, from.id);
    const port = edge.port ?? 'next';
    const ports = portsOf(from);
    if (![...ports.required, ...ports.optional].includes(port))
      return ck.fail(
        'invalid_port',
        `${f}.port`,
        from.type === 'exit' || from.type === 'goal'
          ? `a ${from.type} node has no outgoing edges`
          : `node "${from.id}" has no port "${port}" (ports: ${[...ports.required, ...ports.optional].join(', ')})`,
        from.id,
      );
    if (to.type === 'trigger' || to.type === 'goal')
      return ck.fail(
        'invalid_reference',
        `${f}.to`,
        `edges cannot lead into a ${to.type} node ("${to.id}")`,
        to.id,
      );
    let m = out.get(from.id);
    if (!m) out.set(from.id, (m = new Map()));
    if (m.has(port))
      return ck.fail('duplicate_edge', f, `port "${port}" of node "${from.id}" is connected twice`, from.id);
    m.set(port, to.id);
  });
  if (ck.errors.length > 0) return err(ck.errors);

  const triggers = [...nodes.values()].filter((n): n is TriggerNode => n.type === 'trigger');
  if (triggers.length === 0) ck.fail('no_trigger', 'nodes', 'a process needs at least one trigger node');
  for (const n of nodes.values()) {
    const have = out.get(n.id) ?? new Map<string, string>();
    for (const p of portsOf(n).required)
      if (!have.has(p))
        ck.fail('missing_branch', `nodes.${n.id}`, `port "${p}" is not connected to a next step`, n.id);
  }
  // Reachability from the triggers (goal nodes listen without edges).
  const reached = new Set<string>();
  const stack = triggers.map((t) => t.id);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    for (const to of out.get(id)?.values() ?? []) stack.push(to);
  }
  for (const n of nodes.values())
    if (!reached.has(n.id) && n.type !== 'goal')
      ck.fail('unreachable', `nodes.${n.id}`, 'no trigger leads to this node', n.id);
  // A loop must pass through a wait, or one input could run it forever.
  const cycle = findLoopWithoutWait(nodes, out);
  if (cycle)
    ck.fail(
      'loop_without_wait',
      `nodes.${cycle[0]}`,
      `the loop ${cycle.join(' → ')} has no wait step: add a wait so it cannot run forever`,
      cycle[0],
    );
  const tz = input.timezone;
  if (tz !== undefined && !(typeof tz === 'string' && isTimeZone(tz)))
    ck.fail(
      'invalid_value',
      'timezone',
      `unknown time zone ${show(tz)} (use an IANA name such as "Asia/Tehran")`,
    );
  checkEntry(ck, input.entry);
  if (input.exitWhen !== undefined) ck.condition(input.exitWhen, 'exitWhen', undefined, 1, nodes);
  if (ck.errors.length > 0) return err(ck.errors);

  const def = input as unknown as ProcessDefinition;
  const watched = new Set<string>();
  const watchedSegments = new Set<string>();
  const selectors = new Map<string, { key: string; where?: PropertyFilter[] }[]>();
  let readsProfile = false;
  const walk = (c: ProcessCondition | undefined) => {
    if (!c) return;
    if ('and' in c) c.and.forEach(walk);
    else if ('or' in c) c.or.forEach(walk);
    else if ('not' in c) walk(c.not);
    else if ('performed' in c) {
      watched.add(c.performed);
      const key = selectorKey(c.performed, c.where);
      const list = selectors.get(c.performed) ?? [];
      if (!list.some((x) => x.key === key)) list.push(c.where ? { key, where: c.where } : { key });
      selectors.set(c.performed, list);
    } else if ('trait' in c || 'segment' in c) readsProfile = true;
  };
  for (const n of nodes.values()) {
    if (n.type === 'goal') watched.add(n.event);
    if (n.type === 'ab_test') watched.add(n.goal.event);
    if (n.type === 'wait' && n.wait.kind === 'event') watched.add(n.wait.event);
    if (n.type === 'wait' && n.wait.kind === 'segment') watchedSegments.add(n.wait.segment);
    if (n.type === 'condition') n.branches.forEach((b) => walk(b.when));
  }
  readsProfile = false;
  walk(def.exitWhen);
  return ok({
    selectors,
    watchAll: readsProfile,
    definition: def,
    nodes,
    out,
    triggers,
    goals: [...nodes.values()].filter((n): n is GoalNode => n.type === 'goal'),
    watched,
    watchedSegments,
    timezone: def.timezone ?? 'UTC',
  });
}

function checkEntry(ck: Checker, e: unknown): void {
  if (e === undefined) return;
  if (!isObj(e))
    return ck.fail(
      'invalid_value',
      'entry',
      'entry must be { "recurrence": "if_not_running", "frequency": {...} }',
    );
  ck.onlyKeys(e, ['recurrence', 'frequency'], 'entry');
  if (e.recurrence !== undefined)
    ck.oneOf(e.recurrence, ['always', 'once', 'if_not_running'], 'entry.recurrence', 'recurrence');
  if (e.frequency !== undefined) {
    const f = e.frequency;
    if (!isObj(f))
      return ck.fail(
        'invalid_value',
        'entry.frequency',
        'frequency must be { "max": 1, "per": { "amount": 7, "unit": "days" } }',
      );
    ck.onlyKeys(f, ['max', 'per'], 'entry.frequency');
    if (!(Number.isInteger(f.max) && (f.max as number) >= 1 && (f.max as number) <= 1000))
      ck.fail(
        'invalid_value',
        'entry.frequency.max',
        `max must be a whole number from 1 to 1000 (got ${show(f.max)})`,
      );
    ck.duration(f.per, 'entry.frequency.per');
  }
}

/** A cycle that passes through no wait node (edges out of waits are cut), as node ids, or null. */
function findLoopWithoutWait(
  nodes: ReadonlyMap<string, ProcessNode>,
  out: ReadonlyMap<string, ReadonlyMap<string, string>>,
): string[] | null {
  const state = new Map<string, 1 | 2>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    state.set(id, 1);
    path.push(id);
    if (nodes.get(id)?.type !== 'wait')
      for (const to of out.get(id)?.values() ?? []) {
        const s = state.get(to);
        if (s === 1) return [...path.slice(path.indexOf(to)), to];
        if (s === undefined) {
          const c = visit(to);
          if (c) return c;
        }
      }
    path.pop();
    state.set(id, 2);
    return null;
  };
  for (const id of nodes.keys()) {
    if (state.has(id)) continue;
    const c = visit(id);
    if (c) return c;
  }
  return null;
}
