// The evaluation context and the protocol every compiled node follows: a node answers at time `t` and
// reports in `c.chg` when that answer can next change without new events (Infinity: never). `c.exact` says
// whether `chg` is the change itself or only a lower bound (and/or nodes cannot always know which child flips
// first); the segment's root refines lower bounds before answering (see evaluateRoot in compile.ts).
import type { ProfileState } from '../profile/types';
import type { AggregateState, MembershipLookup, SegmentView } from './types';
import type { TestOut } from './values';

export interface EvalContext extends TestOut {
  view: SegmentView;
  profile: ProfileState;
  aggs: AggregateState;
  lookup: MembershipLookup;
  /** The evaluation's "now"; memoized segment results are valid only at this time. */
  now: number;
  /** Out: when the node just evaluated can next change (Infinity: never). */
  chg: number;
  /** Out: whether `chg` is exact (true) or a lower bound (false). */
  exact: boolean;
  /** Memo of compiled segments' results at `now`, per segment index; valid where memoGen === gen. */
  gen: number;
  memoGen: Uint32Array;
  memoVal: Uint8Array;
  memoNext: Float64Array;
  memoExact: Uint8Array;
}

/** A compiled rule node. */
export type NodeFn = (c: EvalContext, t: number) => boolean;

/** A value that changes with time: returns the value at `t` and sets `c.chg` to a time at or before its next change. */
export type SignalFn = (c: EvalContext, t: number) => unknown;

/**
 * How many candidate times a search for the next change may try before settling for the last candidate (a
 * safe early re-check rather than the exact time). Only rules whose parts change over and over without the
 * whole changing get there, e.g. two yearly anniversaries that never fall in the same week.
 */
export const SEARCH_LIMIT = 256;

/** A fresh context for a compiled set of `n` segments. */
export function newContext(n: number): EvalContext {
  return {
    view: undefined as unknown as SegmentView,
    profile: undefined as unknown as ProfileState,
    aggs: {},
    lookup: () => false,
    now: 0,
    chg: Infinity,
    exact: true,
    tchg: Infinity,
    gen: 0,
    memoGen: new Uint32Array(n),
    memoVal: new Uint8Array(n),
    memoNext: new Float64Array(n),
    memoExact: new Uint8Array(n),
  };
}

/** Binds a context to one profile's view at one `now`, invalidating the memo. */
export function bindContext(c: EvalContext, view: SegmentView, now: number, lookup: MembershipLookup): void {
  c.view = view;
  c.profile = view.profile;
  c.aggs = view.aggregates;
  c.lookup = lookup;
  c.now = now;
  c.gen = (c.gen + 1) >>> 0 || 1;
}

/** An own property of a JSON object, never one inherited from Object.prototype ("constructor"). */
export function own(obj: Record<string, unknown> | undefined, key: string): unknown {
  return obj !== undefined && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/**
 * A leaf testing a time-dependent value: walks the value's and the test's change times until the answer
 * differs, so the reported change is exact (within {@link SEARCH_LIMIT} steps).
 */
export function signalLeaf(
  signal: SignalFn,
  test: (v: unknown, t: number, out: { tchg: number }) => boolean,
): NodeFn {
  return (c, t) => {
    const r0 = test(signal(c, t), t, c);
    let next = Math.min(c.chg, c.tchg);
    for (let i = 0; i < SEARCH_LIMIT && next !== Infinity; i++) {
      const r = test(signal(c, next), next, c);
      if (r !== r0) {
        c.chg = next;
        c.exact = true;
        return r0;
      }
      next = Math.min(c.chg, c.tchg);
    }
    c.chg = next;
    c.exact = next === Infinity;
    return r0;
  };
}
