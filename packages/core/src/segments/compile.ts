// Compiling a set of segments, computed traits and score models, and the per-event API the engine calls:
//
//   state'  = updateState(compiled, state, event, now)      fold the event into the per-profile aggregates
//   ids     = affects(compiled, event)                       segments whose answer this event can change
//   results = evaluateMany(compiled, ids, view, now)         member? and the exact next time that can change
//
// `now` must not go backwards between calls for one profile: aggregates forget buckets that can no longer
// count at `now` or later.
import type { IncomingEvent } from '../ingest/types';
import { err, ok, type Result } from '../errors';
import {
  type Aggregate,
  type AggregateSpec,
  buildAggregate,
  eventIndexKey,
  mergeAggregateStates,
} from './aggregates';
import { compileComputedTrait, type ComputedRuntime } from './computed';
import { compileRule, type RuleEnv } from './conditions';
import { bindContext, type EvalContext, newContext, type NodeFn, SEARCH_LIMIT } from './context';
import { compileScoreModel, type ScoreRuntime } from './scoring';
import type {
  AggregateState,
  ComputedValue,
  MembershipLookup,
  RuleNode,
  SegmentDefinitions,
  SegmentResult,
  SegmentView,
} from './types';
import { type RuleError, validateDefinitions } from './validate';

/** A compiled set; treat it as opaque and share it across profiles (compile once per definitions change). */
export interface CompiledSegments {
  readonly definitions: SegmentDefinitions;
  /** Segment ids in evaluation order: each after the segments it refers to. */
  readonly order: readonly string[];
  /** Every aggregate the set maintains, by key. */
  readonly aggregates: ReadonlyMap<string, Aggregate>;
  /** @internal */
  readonly internal: Internal;
}

interface Internal {
  index: Map<string, number>;
  roots: NodeFn[];
  nodes: NodeFn[];
  byEvent: Map<string, Aggregate[]>;
  /** Input key → segment indices it can affect, with everything referring to them, ascending. */
  byInput: Map<string, number[]>;
  /** Segment index → the segments referring to it (transitively), ascending. */
  dependents: number[][];
  computed: Map<string, ComputedRuntime>;
  scores: Map<string, ScoreRuntime>;
  ctx: EvalContext;
  busy: boolean;
  marks: Uint8Array;
}

/** Something other than an event that segments read: consent, a survey answer, an external list's membership. */
export type InputChange =
  | { kind: 'consent'; channel: string }
  | { kind: 'survey'; question: string }
  | { kind: 'segment'; segmentId: string };

const NO_LOOKUP: MembershipLookup = () => false;

/**
 * Evaluates a segment's root at `t`. An and/or may report only a lower bound of its next change; the root
 * then re-evaluates at that bound: a different answer makes the bound exact, the same answer means nothing
 * changed up to it, and the search goes on from there (at most SEARCH_LIMIT steps, after which the bound is
 * returned: an early re-check, never a late one).
 */
function evaluateRoot(root: NodeFn, c: EvalContext, t: number): boolean {
  const v = root(c, t);
  let chg = c.chg;
  let exact = c.exact;
  for (let i = 0; i < SEARCH_LIMIT && !exact && chg !== Infinity; i++) {
    if (root(c, chg) !== v) {
      exact = true;
      break;
    }
    chg = c.chg;
    exact = c.exact;
  }
  c.chg = chg;
  c.exact = exact || chg === Infinity;
  return v;
}

/** Collects the segment and score model references of a rule tree. */
function referencesOf(rule: RuleNode, out: string[]): string[] {
  if ('and' in rule) for (const r of rule.and) referencesOf(r, out);
  else if ('or' in rule) for (const r of rule.or) referencesOf(r, out);
  else if ('not' in rule) referencesOf(rule.not, out);
  else if (rule.condition.type === 'segment') out.push(`segment:${rule.condition.segment}`);
  else if (rule.condition.type === 'score') out.push(`score:${rule.condition.model}`);
  return out;
}

/** Validates and compiles definitions; errors name the offending segment and node. */
export function compileSegments(input: SegmentDefinitions | unknown): Result<CompiledSegments, RuleError[]> {
  const valid = validateDefinitions(input);
  if (!valid.ok) return err(valid.error);
  const defs = valid.value;

  const aggregates = new Map<string, Aggregate>();
  const byEvent = new Map<string, Aggregate[]>();
  const register = (spec: AggregateSpec): Aggregate => {
    const built = buildAggregate(spec);
    const known = aggregates.get(built.key);
    if (known) return known;
    aggregates.set(built.key, built);
    const list = byEvent.get(built.indexKey) ?? [];
    list.push(built);
    byEvent.set(built.indexKey, list);
    return built;
  };

  const computed = new Map<string, ComputedRuntime>();
  for (const def of defs.computedTraits ?? []) computed.set(def.id, compileComputedTrait(def, register));

  // Topological order over segments and score models (validation rejected cycles).
  const segDefs = new Map(defs.segments.map((s) => [s.id, s]));
  const modelDefs = new Map((defs.scoreModels ?? []).map((m) => [m.id, m]));
  const refsOf = (node: string): string[] => {
    const [kind, ...rest] = node.split(':');
    const id = rest.join(':');
    if (kind === 'segment') {
      const s = segDefs.get(id);
      return s ? referencesOf(s.rule, []) : [];
    }
    const m = modelDefs.get(id);
    const out: string[] = [];
    for (const r of m?.rules ?? []) if ('when' in r) referencesOf(r.when, out);
    return out;
  };
  const visited = new Set<string>();
  const topo: string[] = [];
  const visit = (node: string): void => {
    if (visited.has(node)) return;
    visited.add(node);
    for (const r of refsOf(node)) {
      const known = r.startsWith('segment:') ? segDefs.has(r.slice(8)) : modelDefs.has(r.slice(6));
      if (known) visit(r);
    }
    topo.push(node);
  };
  for (const s of defs.segments) visit(`segment:${s.id}`);
  for (const m of defs.scoreModels ?? []) visit(`score:${m.id}`);

  const order = topo.filter((n) => n.startsWith('segment:')).map((n) => n.slice(8));
  const index = new Map(order.map((id, i) => [id, i]));
  const n = order.length;
  const roots: NodeFn[] = new Array<NodeFn>(n);
  const scores = new Map<string, ScoreRuntime>();
  const scoreInfo = new Map<string, { inputs: Set<string>; refs: Set<number> }>();
  const segInputs: Set<string>[] = order.map(() => new Set());
  const segRefs: Set<number>[] = order.map(() => new Set());

  const internal: Internal = {
    index,
    roots,
    nodes: [],
    byEvent,
    byInput: new Map(),
    dependents: [],
    computed,
    scores,
    ctx: newContext(n),
    busy: false,
    marks: new Uint8Array(n),
  };

  // A segment as a node (inside other rules, and at the top of evaluate): unrefined — an and/or may report a
  // lower bound — and memoized at the evaluation's `now`, so segments referred to by many are computed once.
  // Only the top-level evaluation refines (evaluateRoot): refining inside as well would multiply the searches.
  const segmentNode =
    (i: number): NodeFn =>
    (c, t) => {
      if (t === c.now && c.memoGen[i] === c.gen) {
        c.chg = c.memoNext[i]!;
        c.exact = c.memoExact[i] === 1;
        return c.memoVal[i] === 1;
      }
      const v = roots[i]!(c, t);
      if (t === c.now) {
        c.memoGen[i] = c.gen;
        c.memoVal[i] = v ? 1 : 0;
        c.memoNext[i] = c.chg;
        c.memoExact[i] = c.exact ? 1 : 0;
      }
      return v;
    };
  internal.nodes = order.map((_, i) => segmentNode(i));

  const envFor = (ownerId: string, inputs: Set<string>, refs: Set<number>): RuleEnv => ({
    register,
    ownerId,
    computed: (id) => computed.get(id)!,
    score: (id) => scores.get(id)!,
    segment: (id) => {
      const i = index.get(id);
      return i === undefined ? undefined : internal.nodes[i];
    },
    input: (key) => inputs.add(key),
    usesScore: (id) => {
      const info = scoreInfo.get(id)!;
      for (const k of info.inputs) inputs.add(k);
      for (const r of info.refs) refs.add(r);
    },
    usesSegment: (id) => refs.add(index.get(id)!),
  });

  for (const node of topo) {
    if (node.startsWith('segment:')) {
      const id = node.slice(8);
      const i = index.get(id)!;
      roots[i] = compileRule(segDefs.get(id)!.rule, envFor(id, segInputs[i]!, segRefs[i]!));
    } else {
      const id = node.slice(6);
      const inputs = new Set<string>();
      const refs = new Set<number>();
      const env = envFor(id, inputs, refs);
      scores.set(
        id,
        compileScoreModel(
          modelDefs.get(id)!,
          (spec) => {
            const a = register(spec);
            inputs.add(`e:${a.indexKey}`);
            return a;
          },
          (rule) => compileRule(rule.when as RuleNode, env),
        ),
      );
      scoreInfo.set(id, { inputs, refs });
    }
  }

  // Dependents, transitively: a segment referring to an affected segment is affected too.
  const direct: number[][] = order.map(() => []);
  segRefs.forEach((refs, j) => refs.forEach((i) => direct[i]!.push(j)));
  internal.dependents = order.map((_, i) => {
    const seen = new Set<number>();
    const stack = [...direct[i]!];
    while (stack.length > 0) {
      const j = stack.pop()!;
      if (seen.has(j)) continue;
      seen.add(j);
      stack.push(...direct[j]!);
    }
    return [...seen].sort((a, b) => a - b);
  });
  const byInput = new Map<string, Set<number>>();
  segInputs.forEach((inputs, i) => {
    for (const k of inputs) {
      const set = byInput.get(k) ?? new Set<number>();
      set.add(i);
      for (const d of internal.dependents[i]!) set.add(d);
      byInput.set(k, set);
    }
  });
  for (const [k, set] of byInput)
    internal.byInput.set(
      k,
      [...set].sort((a, b) => a - b),
    );

  return ok({ definitions: defs, order, aggregates, internal });
}

/** Runs `f` with the compiled set's context bound to a view (a fresh context if one is already in use). */
function withContext<T>(
  compiled: CompiledSegments,
  view: SegmentView,
  now: number,
  lookup: MembershipLookup,
  f: (c: EvalContext) => T,
): T {
  const inner = compiled.internal;
  if (inner.busy) {
    const c = newContext(compiled.order.length);
    bindContext(c, view, now, lookup);
    return f(c);
  }
  inner.busy = true;
  try {
    bindContext(inner.ctx, view, now, lookup);
    return f(inner.ctx);
  } finally {
    inner.busy = false;
  }
}

function result(id: string, member: boolean, c: EvalContext): SegmentResult {
  const r: SegmentResult = { id, member, nextCheckAt: c.chg === Infinity ? null : c.chg };
  if (!c.exact) r.approximate = true;
  return r;
}

function indexOf(compiled: CompiledSegments, segmentId: string): number {
  const i = compiled.internal.index.get(segmentId);
  if (i === undefined) throw new RangeError(`unknown segment "${segmentId}"`);
  return i;
}

/**
 * Whether the profile is a member of one segment at `now`, and when that can next change without new events
 * (null: never). `lookup` answers for segments not compiled here (static lists).
 */
export function evaluate(
  compiled: CompiledSegments,
  segmentId: string,
  view: SegmentView,
  now: number,
  lookup: MembershipLookup = NO_LOOKUP,
): SegmentResult {
  const i = indexOf(compiled, segmentId);
  return withContext(compiled, view, now, lookup, (c) => {
    return result(segmentId, evaluateRoot(compiled.internal.nodes[i]!, c, now), c);
  });
}

/**
 * Evaluates several segments for one profile (all when `ids` is omitted), sharing the work of segments that
 * refer to each other. Results follow `ids`' order.
 */
export function evaluateMany(
  compiled: CompiledSegments,
  ids: readonly string[] | undefined,
  view: SegmentView,
  now: number,
  lookup: MembershipLookup = NO_LOOKUP,
): SegmentResult[] {
  const list = ids ?? compiled.order;
  const idx = list.map((id) => indexOf(compiled, id));
  return withContext(compiled, view, now, lookup, (c) => {
    const nodes = compiled.internal.nodes;
    const out: SegmentResult[] = new Array<SegmentResult>(idx.length);
    for (let k = 0; k < idx.length; k++) {
      out[k] = result(list[k]!, evaluateRoot(nodes[idx[k]!]!, c, now), c);
    }
    return out;
  });
}

/** Collects the segments marked in `marks` in evaluation order and clears the marks. */
function collectMarked(compiled: CompiledSegments): string[] {
  const { marks } = compiled.internal;
  const out: string[] = [];
  for (let i = 0; i < marks.length; i++) {
    if (marks[i] === 1) {
      marks[i] = 0;
      out.push(compiled.order[i]!);
    }
  }
  return out;
}

function mark(compiled: CompiledSegments, key: string): void {
  const list = compiled.internal.byInput.get(key);
  if (list === undefined) return;
  const { marks } = compiled.internal;
  for (const i of list) marks[i] = 1;
}

function markTraits(compiled: CompiledSegments, traits: unknown): void {
  if (typeof traits !== 'object' || traits === null || Array.isArray(traits)) return;
  for (const k of Object.keys(traits)) mark(compiled, `t:${k}`);
}

/**
 * The segments (in evaluation order) whose answer this event can change for the profile it belongs to: those
 * reading its event name, its channel or touchpoint, a trait it sets, first/last seen, and every segment
 * referring to one of those. A profile's first event (or a merge) changes everything: evaluate `order` then.
 */
export function affects(compiled: CompiledSegments, event: IncomingEvent): string[] {
  mark(compiled, '*');
  mark(compiled, `e:${eventIndexKey(event.type, event.name)}`);
  mark(compiled, `c:${event.channel}`);
  if (event.touchpoint !== null) mark(compiled, `p:${event.touchpoint}`);
  const context = event.context as Record<string, unknown>;
  if (Object.hasOwn(context, 'traits')) markTraits(compiled, context.traits);
  if (event.type === 'identify') markTraits(compiled, event.traits);
  return collectMarked(compiled);
}

/** The segments whose answer a change of consent, a survey answer or an external list's membership can change. */
export function affectedBy(compiled: CompiledSegments, change: InputChange): string[] {
  if (change.kind === 'consent') mark(compiled, `consent:${change.channel}`);
  else if (change.kind === 'survey') mark(compiled, `survey:${change.question}`);
  else markDependents(compiled, change.segmentId);
  return collectMarked(compiled);
}

function markDependents(compiled: CompiledSegments, segmentId: string): void {
  const i = compiled.internal.index.get(segmentId);
  if (i === undefined) mark(compiled, `segment:${segmentId}`);
  else for (const d of compiled.internal.dependents[i]!) compiled.internal.marks[d] = 1;
}

/**
 * The segments referring to these (transitively), in evaluation order: re-evaluate them after these changed
 * membership (at their nextCheckAt, or a static list's add/remove).
 */
export function dependentsOf(compiled: CompiledSegments, segmentIds: readonly string[]): string[] {
  for (const id of segmentIds) markDependents(compiled, id);
  return collectMarked(compiled);
}

/**
 * Folds one event (of this profile) into its aggregate state, processed at `now`; returns the same object
 * when no aggregate reads the event. Late events are fine: every aggregate is order-independent.
 */
export function updateState(
  compiled: CompiledSegments,
  state: AggregateState,
  event: IncomingEvent,
  now: number,
): AggregateState {
  const list = compiled.internal.byEvent.get(eventIndexKey(event.type, event.name));
  if (list === undefined) return state;
  let out = state;
  for (const agg of list) {
    if (!agg.matches(event)) continue;
    const prev = Object.hasOwn(state, agg.key) ? state[agg.key] : undefined;
    const next = agg.update(prev, event, now);
    if (next === prev || next === undefined) continue;
    if (out === state) out = { ...state };
    out[agg.key] = next;
  }
  return out;
}

/** Drops aggregates this set no longer uses and buckets that can no longer count at `now` or later. */
export function pruneState(compiled: CompiledSegments, state: AggregateState, now: number): AggregateState {
  const out: AggregateState = {};
  for (const key of Object.keys(state)) {
    const agg = compiled.aggregates.get(key);
    if (agg === undefined) continue;
    const v = agg.prune(state[key], now);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** The aggregate state of a profile merged from two (identity merge): exact for every aggregate kind. */
export function mergeStates(
  compiled: CompiledSegments,
  target: AggregateState,
  source: AggregateState,
): AggregateState {
  return mergeAggregateStates(compiled.aggregates, target, source);
}

/** A computed trait's value at `now`. */
export function computedTraitValue(
  compiled: CompiledSegments,
  traitId: string,
  view: SegmentView,
  now: number,
): ComputedValue {
  const rt = compiled.internal.computed.get(traitId);
  if (rt === undefined) throw new RangeError(`unknown computed trait "${traitId}"`);
  return withContext(compiled, view, now, NO_LOOKUP, (c) => rt.value(c, now) as ComputedValue);
}

/** Every computed trait's value at `now` (for templates and the API). */
export function computedTraitValues(
  compiled: CompiledSegments,
  view: SegmentView,
  now: number,
): Record<string, ComputedValue> {
  const out: Record<string, ComputedValue> = {};
  for (const id of compiled.internal.computed.keys()) out[id] = computedTraitValue(compiled, id, view, now);
  return out;
}

function scoreRuntime(compiled: CompiledSegments, modelId: string): ScoreRuntime {
  const rt = compiled.internal.scores.get(modelId);
  if (rt === undefined) throw new RangeError(`unknown score model "${modelId}"`);
  return rt;
}

/** Whether the compiled set has the score model (one may be deleted after a process named it). */
export function hasScoreModel(compiled: CompiledSegments, modelId: string): boolean {
  return compiled.internal.scores.has(modelId);
}

/** A profile's score in a model at `now`. */
export function scoreAt(
  compiled: CompiledSegments,
  modelId: string,
  view: SegmentView,
  now: number,
  lookup: MembershipLookup = NO_LOOKUP,
): number {
  const rt = scoreRuntime(compiled, modelId);
  return withContext(compiled, view, now, lookup, (c) => rt.value(c, now) as number);
}

/** The next time the score changes without new events (decay, expiry, rules that age), or null. */
export function nextScoreChangeAt(
  compiled: CompiledSegments,
  modelId: string,
  view: SegmentView,
  now: number,
  lookup: MembershipLookup = NO_LOOKUP,
): number | null {
  const rt = scoreRuntime(compiled, modelId);
  return withContext(compiled, view, now, lookup, (c) => {
    const v0 = rt.value(c, now);
    let next = c.chg;
    for (let i = 0; i < SEARCH_LIMIT && next !== Infinity; i++) {
      if (rt.value(c, next) !== v0) return next;
      next = c.chg;
    }
    return next === Infinity ? null : next;
  });
}

/**
 * The earliest time after `now` at which the score, without new events, moves to the other side of one of
 * `thresholds` (a "score crossed" trigger's `score >= threshold` test flips), or null when none ever does.
 * Exact like segment conditions on scores (decay and expiry steps are known instants); `approximate` when the
 * search over `when` rules gave up (re-check then and search on).
 */
export function nextScoreCrossingAt(
  compiled: CompiledSegments,
  modelId: string,
  view: SegmentView,
  now: number,
  thresholds: readonly number[],
  lookup: MembershipLookup = NO_LOOKUP,
): { at: number; approximate: boolean } | null {
  const rt = scoreRuntime(compiled, modelId);
  let best: { at: number; approximate: boolean } | null = null;
  for (const threshold of new Set(thresholds)) {
    const leaf = rt.leaf((score) => score >= threshold);
    const r = withContext(compiled, view, now, lookup, (c) => {
      leaf(c, now);
      return c.chg === Infinity ? null : { at: c.chg, approximate: !c.exact };
    });
    if (r !== null && (best === null || r.at < best.at)) best = r;
  }
  return best;
}
