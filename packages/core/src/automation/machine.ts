// The step machine: (instance, input, context with `now`) -> (instance', effects, timer, history, counts).
// Pure and deterministic: random splits hash the instance id, effects carry keys derived from the instance
// and its action count, so replaying the same input after a crash yields the same effects and keys.
import { fnv1a32 } from '../segments/hash';
import { SEGMENT_ENTERED, SEGMENT_EXITED } from '../segments/membership';
import type { PropertyFilter, StaticValueTest } from '../segments/types';
import { compileStaticTest } from '../segments/values';
import { durationOf, untilMoment } from './time';
import { selectorKey } from './selectors';
import {
  ENDED_STATUSES,
  type ProcessCondition,
  type EventRef,
  type HistoryEntry,
  type InstanceStatus,
  type MachineContext,
  type MachineInput,
  type MessageOutcome,
  type NodeCount,
  type ProcessInstance,
  type ProcessNode,
  type StepResult,
  type Effect,
  type Trigger,
} from './types';
import { PROCESS_LIMITS, type CompiledProcess } from './validate';

/** Feedback events from channels name the instance and node they answer (properties below). */
export const OUTCOME_EVENTS: Readonly<Record<string, MessageOutcome>> = {
  'Message Sent': 'sent',
  'Message Delivered': 'delivered',
  'Message Opened': 'opened',
  'Message Clicked': 'clicked',
  'Message Replied': 'replied',
  'Message Bounced': 'bounced',
  'Message Failed': 'failed',
};
export const INSTANCE_PROPERTY = 'process_instance_id';
export const NODE_PROPERTY = 'process_node_id';

/** Timestamps kept per watched selector: enough for `performed … count` up to 100. */
const SEEN_LIMIT = 100;

const testCache = new WeakMap<object, (v: unknown) => boolean>();
function tester(t: StaticValueTest): (v: unknown) => boolean {
  let f = testCache.get(t);
  if (!f) {
    f = compileStaticTest(t);
    testCache.set(t, f);
  }
  return f;
}

/** Whether the event's properties pass every filter. */
export function passesFilters(e: EventRef, where: readonly PropertyFilter[] | undefined): boolean {
  if (!where) return true;
  for (const f of where) {
    const v = Object.hasOwn(e.properties, f.property) ? e.properties[f.property] : undefined;
    if (!tester(f)(v)) return false;
  }
  return true;
}

const isAction = (e: EventRef) => e.type === 'track' || e.type === 'page' || e.type === 'screen';

/** Whether an event starts the trigger (event / segment entered / segment exited kinds only). */
export function eventStartsTrigger(t: Trigger, e: EventRef): boolean {
  switch (t.kind) {
    case 'event':
      return e.name === t.event && e.type === (t.messageType ?? 'track') && passesFilters(e, t.where);
    case 'segment_entered':
      return e.name === SEGMENT_ENTERED && e.properties.segment_id === t.segment;
    case 'segment_exited':
      return e.name === SEGMENT_EXITED && e.properties.segment_id === t.segment;
    default:
      return false;
  }
}

/** Whether a trait change from `from` to `to` starts a trait_changed trigger. */
export function traitChangeStarts(t: Trigger, trait: string, from: unknown, to: unknown): boolean {
  if (t.kind !== 'trait_changed' || t.trait !== trait) return false;
  if (t.from && !tester(t.from)(from)) return false;
  if (t.to && !tester(t.to)(to)) return false;
  return true;
}

/** Creates an instance (not yet started: feed it `{ kind: 'start' }`). */
export function newInstance(a: {
  id: string;
  processId: string;
  version: number;
  profileId: string;
  trigger: { kind: Trigger['kind']; node: string; event?: EventRef };
  now: number;
}): ProcessInstance {
  return {
    id: a.id,
    processId: a.processId,
    version: a.version,
    profileId: a.profileId,
    status: 'active',
    node: a.trigger.node,
    wait: null,
    endReason: null,
    startedAt: a.now,
    updatedAt: a.now,
    endedAt: null,
    trigger: a.trigger,
    seen: {},
    outcomes: {},
    variants: {},
    actions: 0,
    timerToken: 0,
  };
}

class Run {
  readonly effects: Effect[] = [];
  readonly history: HistoryEntry[] = [];
  readonly counts: NodeCount[] = [];
  timer: { at: number; token: number } | null | undefined = undefined;
  readonly i: ProcessInstance;

  constructor(
    readonly proc: CompiledProcess,
    inst: ProcessInstance,
    readonly ctx: MachineContext,
  ) {
    this.i = {
      ...inst,
      seen: { ...inst.seen },
      outcomes: { ...inst.outcomes },
      variants: { ...inst.variants },
      trigger: { ...inst.trigger },
    };
  }

  log(node: string | null, kind: HistoryEntry['kind'], detail?: string): void {
    const h: HistoryEntry = { at: this.ctx.now, node, kind };
    if (detail !== undefined) h.detail = detail;
    this.history.push(h);
  }

  count(node: string, counter: string): void {
    this.counts.push({ node, counter });
  }

  end(status: InstanceStatus, reason: string, node: string | null = this.i.node): void {
    this.i.status = status;
    this.i.node = node;
    this.i.endReason = reason;
    this.i.endedAt = this.ctx.now;
    this.i.wait = null;
    this.timer = null;
    this.log(node, status === 'completed' ? 'completed' : (status as HistoryEntry['kind']), reason);
  }

  /** Follows `port` out of `from`; no edge ends the instance as completed. */
  follow(from: string, port: string): void {
    const to = this.proc.out.get(from)?.get(port);
    if (to === undefined) {
      this.end('completed', 'end of path', from);
      return;
    }
    this.run(to);
  }

  /** Runs nodes from `start` until a wait, a hold or the end. */
  run(start: string): void {
    let id: string | undefined = start;
    for (let steps = 0; id !== undefined; steps++) {
      if (steps >= PROCESS_LIMITS.maxStepsPerInput) {
        this.count(id, 'errored');
        this.end('failed', `more than ${PROCESS_LIMITS.maxStepsPerInput} steps without a wait`, id);
        return;
      }
      const node: ProcessNode | undefined = this.proc.nodes.get(id);
      if (!node) {
        this.end('failed', `node "${id}" does not exist in version ${this.i.version}`, id);
        return;
      }
      this.i.node = id;
      this.count(id, 'entered');
      id = this.visit(node);
    }
  }

  /** Executes one node; returns the next node id, or undefined when the run stops here. */
  visit(node: ProcessNode): string | undefined {
    const next = (port: string): string | undefined => {
      this.count(node.id, `passed:${port}`);
      const to = this.proc.out.get(node.id)?.get(port);
      if (to === undefined) this.end('completed', 'end of path', node.id);
      return to;
    };
    switch (node.type) {
      case 'trigger':
        return next('next');
      case 'exit':
        this.end('completed', `exit node "${node.id}"`, node.id);
        return undefined;
      case 'goal':
        this.end('converted', `goal "${node.id}"`, node.id);
        return undefined;
      case 'action': {
        if (this.ctx.paused) {
          this.i.status = 'held';
          this.log(node.id, 'held', 'process paused');
          return undefined;
        }
        this.i.status = 'active';
        this.i.actions += 1;
        this.effects.push({
          key: `${this.i.id}:${this.i.actions}`,
          node: node.id,
          action: node.action,
          at: this.ctx.now,
        });
        this.log(node.id, 'action', node.action.kind);
        return next('next');
      }
      case 'condition': {
        const b = node.branches.find((x) => this.holds(x.when));
        const port = b ? b.id : 'else';
        this.log(node.id, 'branch', port);
        return next(port);
      }
      case 'split':
      case 'ab_test': {
        const total = node.variants.reduce((s, v) => s + v.weight, 0);
        let r = (fnv1a32(`${this.i.id}\u0000${node.id}`) / 0x100000000) * total;
        let chosen = node.variants[node.variants.length - 1]!.id;
        for (const v of node.variants) {
          if (r < v.weight) {
            chosen = v.id;
            break;
          }
          r -= v.weight;
        }
        this.i.variants[node.id] = chosen;
        this.log(node.id, 'branch', chosen);
        return next(chosen);
      }
      case 'wait': {
        const w = node.wait;
        const now = this.ctx.now;
        let until: number;
        switch (w.kind) {
          case 'duration':
            until = now + durationOf(w);
            break;
          case 'until': {
            const tz = this.ctx.profile.timezone || this.proc.timezone;
            const t = untilMoment(w, now, tz, this.ctx.profile.traits);
            if (t === null) {
              this.log(node.id, 'branch', `trait "${w.trait}" holds no date: not waiting`);
              return next('next');
            }
            until = t;
            break;
          }
          case 'event':
            until = now + durationOf(w.timeout);
            break;
          case 'segment':
            if (this.ctx.profile.segments.has(w.segment)) return next('matched');
            until = now + durationOf(w.timeout);
            break;
        }
        if (until <= now && (w.kind === 'duration' || w.kind === 'until')) return next('next');
        this.i.status = 'waiting';
        this.i.wait = { node: node.id, kind: w.kind, until };
        this.i.timerToken += 1;
        this.timer = { at: until, token: this.i.timerToken };
        this.log(node.id, 'waiting', `until ${until}`);
        return undefined;
      }
    }
  }

  holds(c: ProcessCondition): boolean {
    if ('and' in c) return c.and.every((x) => this.holds(x));
    if ('or' in c) return c.or.some((x) => this.holds(x));
    if ('not' in c) return !this.holds(c.not);
    if ('trait' in c) return tester(c)(this.ctx.profile.traits[c.trait]);
    if ('triggerProperty' in c) return tester(c)(this.i.trigger.event?.properties[c.triggerProperty]);
    if ('segment' in c) return this.ctx.profile.segments.has(c.segment) === (c.member ?? true);
    if ('performed' in c)
      return (this.i.seen[selectorKey(c.performed, c.where)]?.length ?? 0) >= (c.count ?? 1);
    if ('step' in c) return this.i.outcomes[c.step]?.includes(c.outcome) ?? false;
    if ('variantOf' in c) return this.i.variants[c.variantOf] === c.variant;
    return false;
  }

  /** Records an event the instance watches; true when anything was recorded. */
  observe(e: EventRef): boolean {
    let changed = false;
    const inst = e.properties[INSTANCE_PROPERTY];
    const outcome = e.name ? OUTCOME_EVENTS[e.name] : undefined;
    if (outcome && inst === this.i.id && typeof e.properties[NODE_PROPERTY] === 'string') {
      const node = e.properties[NODE_PROPERTY] as string;
      const list = this.i.outcomes[node] ?? [];
      if (!list.includes(outcome)) {
        this.i.outcomes[node] = [...list, outcome];
        changed = true;
      }
    }
    if (e.name !== null && isAction(e)) {
      for (const sel of this.proc.selectors.get(e.name) ?? []) {
        if (!passesFilters(e, sel.where)) continue;
        const times = [...(this.i.seen[sel.key] ?? []), e.timestamp];
        this.i.seen[sel.key] = times.length > SEEN_LIMIT ? times.slice(-SEEN_LIMIT) : times;
        changed = true;
      }
    }
    return changed;
  }
}

/** Advances an instance by one input. Ended instances never change. */
export function step(
  proc: CompiledProcess,
  instance: ProcessInstance,
  input: MachineInput,
  ctx: MachineContext,
): StepResult {
  const unchanged = (): StepResult => ({
    instance,
    effects: [],
    timer: undefined,
    history: [],
    counts: [],
    unchanged: true,
  });
  if (ENDED_STATUSES.has(instance.status)) return unchanged();
  const r = new Run(proc, instance, ctx);
  switch (input.kind) {
    case 'start': {
      const t = proc.nodes.get(input.trigger);
      if (!t || t.type !== 'trigger') {
        r.end('failed', `trigger node "${input.trigger}" does not exist`);
        break;
      }
      r.log(t.id, 'started', t.trigger.kind);
      r.run(t.id);
      break;
    }
    case 'cancel':
      r.end('cancelled', input.reason);
      break;
    case 'resume': {
      if (instance.status !== 'held' || ctx.paused || instance.node === null) return unchanged();
      r.log(instance.node, 'resumed');
      r.i.status = 'active';
      const node = proc.nodes.get(instance.node);
      if (!node) {
        r.end('failed', `node "${instance.node}" does not exist in version ${instance.version}`);
        break;
      }
      const next = r.visit(node);
      if (next !== undefined) r.run(next);
      break;
    }
    case 'timer': {
      if (instance.status !== 'waiting' || instance.wait === null || input.token !== instance.timerToken)
        return unchanged();
      const w = instance.wait;
      r.i.wait = null;
      r.i.status = 'active';
      const port = w.kind === 'event' || w.kind === 'segment' ? 'timeout' : 'next';
      r.log(w.node, 'resumed', port);
      r.count(w.node, `passed:${port}`);
      r.follow(w.node, port);
      break;
    }
    case 'event': {
      const e = input.event;
      let changed = r.observe(e);
      // A/B goals: a conversion per test the instance passed, once.
      for (const [nodeId, variant] of Object.entries(r.i.variants)) {
        const n = proc.nodes.get(nodeId);
        if (n?.type !== 'ab_test' || e.name !== n.goal.event || !isAction(e)) continue;
        const key = `ab\u0000${nodeId}`;
        if (r.i.seen[key] || !passesFilters(e, n.goal.where)) continue;
        r.i.seen[key] = [e.timestamp];
        r.count(nodeId, `converted:${variant}`);
        changed = true;
      }
      const goal = proc.goals.find((g) => e.name === g.event && isAction(e) && passesFilters(e, g.where));
      if (goal) {
        r.count(goal.id, 'entered');
        r.end('converted', `goal "${goal.id}"`, goal.id);
        break;
      }
      if (proc.definition.exitWhen && r.holds(proc.definition.exitWhen)) {
        r.end('exited', 'exit criteria met');
        break;
      }
      const w = r.i.wait;
      if (r.i.status === 'waiting' && w) {
        const node = proc.nodes.get(w.node);
        const wait = node?.type === 'wait' ? node.wait : undefined;
        const matched =
          (wait?.kind === 'event' && e.name === wait.event && isAction(e) && passesFilters(e, wait.where)) ||
          (wait?.kind === 'segment' &&
            e.name === SEGMENT_ENTERED &&
            e.properties.segment_id === wait.segment);
        if (matched) {
          r.i.wait = null;
          r.i.status = 'active';
          r.timer = null;
          r.log(w.node, 'event', e.name ?? undefined);
          r.count(w.node, 'passed:matched');
          r.follow(w.node, 'matched');
          break;
        }
      }
      // A change without a history line (an event remembered for later conditions) is still a change.
      if (!changed) return unchanged();
      break;
    }
  }
  r.i.updatedAt = ctx.now;
  return {
    instance: r.i,
    effects: r.effects,
    timer: r.timer,
    history: r.history,
    counts: r.counts,
    unchanged: false,
  };
}

/** Whether an input of this event could matter to a running instance of the process. */
export function instanceWatches(proc: CompiledProcess, e: EventRef): boolean {
  if (proc.watchAll) return true;
  if (e.name === null) return false;
  if (proc.watched.has(e.name)) return true;
  if (OUTCOME_EVENTS[e.name] !== undefined && typeof e.properties[INSTANCE_PROPERTY] === 'string')
    return true;
  if (e.name === SEGMENT_ENTERED && proc.watchedSegments.has(String(e.properties.segment_id))) return true;
  return false;
}
