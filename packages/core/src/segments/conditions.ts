// Rule trees compiled to closures. Each condition reads one small piece of the view (a trait, an aggregate,
// a channel stat) and reports when its answer next changes; and/or/not combine those reports (context.ts).
//
// Time edges, everywhere: an event at time e is "within the last W" at time t iff t - W < e, so an event
// exactly W ago is already outside and it ages out at exactly e + W. Fixed ranges are [from, to). An event
// counts as soon as it is processed, even when its timestamp is ahead of the clock (clients' clocks drift).
import type { Aggregate, AggregateSpec } from './aggregates';
import type { ComputedRuntime } from './computed';
import { type EvalContext, type NodeFn, own, signalLeaf } from './context';
import { percentBucket } from './hash';
import { SURVEY_RESPONDED } from '../surveys/answers';
import type { ScoreRuntime } from './scoring';
import { dateMs, durationMs } from './time';
import type {
  Condition,
  CountTest,
  EventSelector,
  PerformedCondition,
  RollingWindow,
  RuleNode,
  SurveyAnswer,
  TimeTest,
  ValueTest,
} from './types';
import { compileStaticTest, compileTest, toNumber } from './values';

/** What compiling a rule needs from the compiled set, and where it records what the rule reads. */
export interface RuleEnv {
  register(spec: AggregateSpec): Aggregate;
  computed(id: string): ComputedRuntime;
  score(id: string): ScoreRuntime;
  /** The node evaluating a compiled segment, or undefined for an external one (read via the lookup). */
  segment(id: string): NodeFn | undefined;
  /** The id used as the default bucket salt. */
  readonly ownerId: string;
  /** Records an input (see compile.ts) that can change this rule's answer. */
  input(key: string): void;
  /** Records a reference to a score model (whose inputs and references become this rule's). */
  usesScore(id: string): void;
  /** Records a reference to a segment. */
  usesSegment(id: string): void;
}

/** A node and a rough cost class, so and/or evaluate cheap children first (and can stop early). */
interface Compiled {
  fn: NodeFn;
  cost: number;
}

/**
 * The latest answer to a survey question: folded from `Survey Responded` events into an `answer` aggregate
 * (incremental, replayed on rebuilds, merged with profiles), or given by the caller in `view.surveys`; the
 * newer of the two wins.
 */
function answerReader(question: string, env: RuleEnv): (c: EvalContext) => { value?: unknown } | undefined {
  env.input(`survey:${question}`);
  const agg = env.register({ kind: 'answer', event: { name: SURVEY_RESPONDED }, question });
  env.input(`e:${agg.indexKey}`);
  const key = agg.key;
  return (c) => {
    const v = own(c.aggs, key) as SurveyAnswer | undefined;
    const given = own(c.view.surveys, question) as SurveyAnswer | undefined;
    if (v === undefined) return given;
    if (given === undefined) return v;
    return (given.answeredAt ?? -Infinity) > v.answeredAt ? given : v;
  };
}

/** Compiles a validated rule tree. */
export function compileRule(rule: RuleNode, env: RuleEnv): NodeFn {
  return compileNode(rule, env).fn;
}

function compileNode(node: RuleNode, env: RuleEnv): Compiled {
  if ('and' in node)
    return combine(
      node.and.map((n) => compileNode(n, env)),
      true,
    );
  if ('or' in node)
    return combine(
      node.or.map((n) => compileNode(n, env)),
      false,
    );
  if ('not' in node) {
    const child = compileNode(node.not, env);
    const f = child.fn;
    return { fn: (c, t) => !f(c, t), cost: child.cost };
  }
  return compileCondition(node.condition, env);
}

/**
 * and (`all`) / or: for "and", when all children hold it changes exactly when the first child changes; when
 * some fail it cannot change before the last failing child changes (a lower bound, refined at the root). A
 * child that fails and never changes decides "and" for good, so evaluation stops there. "or" is the dual.
 */
function combine(children: Compiled[], all: boolean): Compiled {
  if (children.length === 1) return children[0]!;
  const sorted = [...children].sort((a, b) => a.cost - b.cost);
  const kids = sorted.map((k) => k.fn);
  const cost = Math.max(...children.map((k) => k.cost)) + 1;
  const fn: NodeFn = (c, t) => {
    // "deciding": children whose answer equals the combination's neutral-breaking value (false for and).
    let minKeep = Infinity;
    let minKeepExact = false;
    let deciding = 0;
    let maxDecide = -Infinity;
    let decideExact = false;
    for (let i = 0; i < kids.length; i++) {
      const v = kids[i]!(c, t);
      if (v === all) {
        if (c.chg < minKeep) {
          minKeep = c.chg;
          minKeepExact = c.exact;
        } else if (c.chg === minKeep && c.exact) minKeepExact = true;
      } else {
        if (c.chg === Infinity) {
          c.exact = true;
          return !all;
        }
        deciding++;
        if (c.chg > maxDecide) {
          maxDecide = c.chg;
          decideExact = c.exact;
        } else if (c.chg === maxDecide) decideExact = false;
      }
    }
    if (deciding === 0) {
      c.chg = minKeep;
      c.exact = minKeep === Infinity || minKeepExact;
      return all;
    }
    c.chg = maxDecide;
    c.exact = deciding === 1 && decideExact && minKeep > maxDecide;
    return !all;
  };
  return { fn, cost };
}

const constant =
  (value: boolean): NodeFn =>
  (c) => {
    c.chg = Infinity;
    c.exact = true;
    return value;
  };

/** Reads a value that does not change with time and tests it (relative-date tests still can). */
function valueLeaf(read: (c: EvalContext) => unknown, test: ValueTest): NodeFn {
  if (test.op === 'within_next_days' || test.op === 'within_last_days') {
    return signalLeaf((c) => {
      c.chg = Infinity;
      return read(c);
    }, compileTest(test));
  }
  const f = compileStaticTest(test);
  return (c) => {
    c.chg = Infinity;
    c.exact = true;
    return f(read(c));
  };
}

/** Tests a point in time (null = never happened: every test fails). */
function timeLeaf(read: (c: EvalContext) => number | null, test: TimeTest): NodeFn {
  switch (test.op) {
    case 'before':
    case 'after':
    case 'date_between': {
      const f = compileStaticTest(test);
      return (c) => {
        c.chg = Infinity;
        c.exact = true;
        const v = read(c);
        return v !== null && f(v);
      };
    }
    case 'within_last':
    case 'not_within_last': {
      const w = durationMs(test.value, test.unit);
      const within = test.op === 'within_last';
      return (c, t) => {
        c.exact = true;
        c.chg = Infinity;
        const v = read(c);
        if (v === null) return false;
        const inside = v > t - w;
        if (inside) c.chg = v + w;
        return inside === within;
      };
    }
  }
}

/** The answer of a count test for a count that no longer changes. */
function countHolds(n: number, test: CountTest): boolean {
  return test.op === 'at_least'
    ? n >= test.value
    : test.op === 'at_most'
      ? n <= test.value
      : n === test.value;
}

function costOf(c: Condition): number {
  switch (c.type) {
    case 'trait':
    case 'consent':
    case 'nps':
    case 'survey_answer':
    case 'bucket':
    case 'first_seen':
    case 'last_seen':
    case 'channel':
      return 0;
    case 'touchpoint':
    case 'performed':
    case 'not_performed':
    case 'last_performed':
      return 1;
    case 'computed':
      return 2;
    case 'score':
    case 'segment':
      return 3;
  }
}

function compileCondition(cond: Condition, env: RuleEnv): Compiled {
  return { fn: conditionFn(cond, env), cost: costOf(cond) };
}

function conditionFn(cond: Condition, env: RuleEnv): NodeFn {
  switch (cond.type) {
    case 'trait': {
      const key = cond.trait;
      env.input(`t:${key}`);
      return valueLeaf((c) => own(c.profile.traits.values, key), cond);
    }
    case 'performed':
      return performed(cond, env);
    case 'not_performed':
      return performed(
        { type: 'performed', event: cond.event, count: { op: 'at_most', value: 0 }, window: cond.window },
        env,
      );
    case 'last_performed': {
      const agg = register(env, { kind: 'recent', event: cond.event, k: 1 });
      const key = agg.key;
      return timeLeaf((c) => {
        const v = c.aggs[key];
        return Array.isArray(v) && v.length > 0 ? v[0]! : null;
      }, cond);
    }
    case 'first_seen':
      env.input('*');
      return timeLeaf((c) => c.profile.firstSeenAt, cond);
    case 'last_seen':
      env.input('*');
      return timeLeaf((c) => c.profile.lastSeenAt, cond);
    case 'channel': {
      const ch = cond.channel;
      env.input(`c:${ch}`);
      return usedLeaf((c) => {
        const s = own(c.profile.channels, ch) as { lastSeenAt: number } | undefined;
        return s === undefined ? null : s.lastSeenAt;
      }, cond.window);
    }
    case 'touchpoint': {
      const tp = cond.touchpoint;
      const ch = cond.channel;
      env.input(`p:${tp}`);
      if (ch !== undefined) {
        const key = `${ch}/${tp}`;
        return usedLeaf((c) => {
          const s = own(c.profile.channels, key) as { lastSeenAt: number } | undefined;
          return s === undefined ? null : s.lastSeenAt;
        }, cond.window);
      }
      return usedLeaf((c) => {
        let last: number | null = null;
        for (const s of Object.values(c.profile.channels)) {
          if (s.touchpoint === tp && (last === null || s.lastSeenAt > last)) last = s.lastSeenAt;
        }
        return last;
      }, cond.window);
    }
    case 'computed': {
      const rt = env.computed(cond.trait);
      for (const k of rt.inputs) env.input(k);
      const test: ValueTest = stripTo(cond);
      return rt.leaf(test, cond.component);
    }
    case 'score': {
      const rt = env.score(cond.model);
      env.usesScore(cond.model);
      const test = compileStaticTest(stripTo(cond));
      return rt.leaf((score) => test(score));
    }
    case 'segment': {
      const id = cond.segment;
      const node = env.segment(id);
      if (node !== undefined) {
        env.usesSegment(id);
        return node;
      }
      env.input(`segment:${id}`);
      return (c) => {
        c.chg = Infinity;
        c.exact = true;
        return c.lookup(id);
      };
    }
    case 'consent': {
      // The latest `Consent Changed` for the whole channel (folded into a `consent` aggregate: incremental,
      // replayed on rebuilds, merged), or the caller's view, newer wins. No decision yet: neither state.
      const { channel, state } = cond;
      const group = cond.group ?? undefined;
      env.input(`consent:${channel}`);
      const agg = env.register({
        kind: 'consent',
        event: { name: 'Consent Changed' },
        channel,
        ...(group ? { group } : {}),
      });
      env.input(`e:${agg.indexKey}`);
      const key = agg.key;
      return (c) => {
        c.chg = Infinity;
        c.exact = true;
        const v = own(c.aggs, key) as number[] | undefined;
        const given = group
          ? undefined
          : (own(c.view.consent, channel) as { state?: string; updatedAt?: number } | undefined);
        const folded =
          v && v.length >= 2 ? { state: v[0] === 1 ? 'subscribed' : 'unsubscribed', at: v[1]! } : undefined;
        const now =
          given && (!folded || (given.updatedAt ?? -Infinity) > folded.at) ? given.state : folded?.state;
        return now === state;
      };
    }
    case 'nps': {
      const { question, group } = cond;
      const read = answerReader(question, env);
      return (c) => {
        c.chg = Infinity;
        c.exact = true;
        const a = read(c);
        if (a === undefined) return false;
        const score = toNumber(a.value);
        if (!(score >= 0 && score <= 10)) return false;
        return (score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor') === group;
      };
    }
    case 'survey_answer': {
      const read = answerReader(cond.question, env);
      return valueLeaf((c) => read(c)?.value, cond);
    }
    case 'bucket': {
      const salt = cond.salt ?? env.ownerId;
      const { from, to } = cond;
      // Hashing is cheap but not free; the profile id of one evaluation never changes, so remember the last.
      let lastId: string | null = null;
      let lastBucket = 0;
      return (c) => {
        c.chg = Infinity;
        c.exact = true;
        const id = c.profile.id;
        if (id !== lastId) {
          lastId = id;
          lastBucket = percentBucket(id, salt);
        }
        return lastBucket >= from && lastBucket < to;
      };
    }
  }
}

/** A condition's value test without the condition's own fields (type, trait, model, …). */
function stripTo<T extends { op: string }>(cond: T): ValueTest {
  return cond as unknown as ValueTest;
}

function register(env: RuleEnv, spec: AggregateSpec): Aggregate {
  const agg = env.register(spec);
  env.input(`e:${agg.indexKey}`);
  return agg;
}

/** "Used channel/touchpoint (within the last W)" from the last time it was used. */
function usedLeaf(read: (c: EvalContext) => number | null, window: RollingWindow | undefined): NodeFn {
  if (window === undefined) {
    return (c) => {
      c.chg = Infinity;
      c.exact = true;
      return read(c) !== null;
    };
  }
  return timeLeaf(read, { op: 'within_last', value: window.last, unit: window.unit });
}

/**
 * "Performed E at least / at most / exactly N times in the window". Rolling windows keep the K most recent
 * event times (K = N for at least, N + 1 otherwise), which is exact: the count in the window is at least K
 * exactly when the K-th most recent time is inside it, and otherwise every event inside is among the K.
 */
function performed(cond: PerformedCondition, env: RuleEnv): NodeFn {
  const test = cond.count ?? { op: 'at_least', value: 1 };
  const n = test.value;
  const sel: EventSelector = cond.event;
  const window = cond.window;
  if (test.op === 'at_least' && n === 0) return constant(true);
  if (window === undefined || !('last' in window)) {
    const spec: AggregateSpec =
      window === undefined
        ? { kind: 'count', event: sel }
        : { kind: 'count', event: sel, from: dateMs(window.from), to: dateMs(window.to) };
    const key = register(env, spec).key;
    return (c) => {
      c.chg = Infinity;
      c.exact = true;
      const v = c.aggs[key];
      return countHolds(typeof v === 'number' ? v : 0, test);
    };
  }
  const w = durationMs(window.last, window.unit);
  const k = test.op === 'at_least' ? n : n + 1;
  const key = register(env, { kind: 'recent', event: sel, k }).key;
  const EMPTY: number[] = [];
  /** The i-th most recent time (0-based) if it is inside the window at t, else null. */
  const inside = (a: readonly number[], i: number, t: number): boolean => i < a.length && a[i]! > t - w;
  return (c, t) => {
    c.exact = true;
    const v = c.aggs[key];
    const a = Array.isArray(v) ? v : EMPTY;
    // The count only falls as time passes: the i-th most recent event leaves at a[i] + w.
    switch (test.op) {
      case 'at_least': {
        const holds = inside(a, n - 1, t);
        c.chg = holds ? a[n - 1]! + w : Infinity;
        return holds;
      }
      case 'at_most': {
        const over = inside(a, n, t);
        c.chg = over ? a[n]! + w : Infinity;
        return !over;
      }
      case 'exactly': {
        const over = inside(a, n, t);
        if (over) {
          // Falls to exactly n when the (n+1)-th leaves, unless the n-th leaves at the same moment.
          c.chg = n === 0 || a[n - 1]! > a[n]! ? a[n]! + w : Infinity;
          return false;
        }
        const reached = n === 0 || inside(a, n - 1, t);
        c.chg = reached && n > 0 ? a[n - 1]! + w : Infinity;
        return reached;
      }
    }
  };
}
