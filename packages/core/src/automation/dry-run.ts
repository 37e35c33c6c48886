// Dry run: what a definition would do for one profile if no further events arrived — every wait runs to its
// end (timeouts taken), time moving forward as far as the waits say. Nothing is written anywhere.
import { newInstance, step } from './machine';
import type { Effect, EventRef, HistoryEntry, ProcessInstance, ProfileContext } from './types';
import type { CompiledProcess } from './validate';

export interface DryRunResult {
  instance: ProcessInstance;
  history: HistoryEntry[];
  effects: Effect[];
}

export function dryRun(
  proc: CompiledProcess,
  a: {
    profileId: string;
    profile: ProfileContext;
    trigger?: string;
    event?: EventRef;
    now: number;
    maxWaits?: number;
  },
): DryRunResult {
  const trigger = proc.triggers.find((t) => a.trigger === undefined || t.id === a.trigger);
  if (!trigger) throw new RangeError(`no trigger node "${a.trigger}"`);
  let inst = newInstance({
    id: `dryrun-${a.profileId}`,
    processId: 'dry-run',
    version: 0,
    profileId: a.profileId,
    trigger: a.event
      ? { kind: trigger.trigger.kind, node: trigger.id, event: a.event }
      : { kind: trigger.trigger.kind, node: trigger.id },
    now: a.now,
  });
  const history: HistoryEntry[] = [];
  const effects: Effect[] = [];
  let now = a.now;
  let r = step(
    proc,
    inst,
    { kind: 'start', trigger: trigger.id, ...(a.event ? { event: a.event } : {}) },
    {
      now,
      profile: a.profile,
      paused: false,
    },
  );
  for (let waits = 0; ; waits++) {
    inst = r.instance;
    history.push(...r.history);
    effects.push(...r.effects);
    if (inst.status !== 'waiting' || !r.timer || waits >= (a.maxWaits ?? 50)) break;
    now = Math.max(now, r.timer.at);
    r = step(proc, inst, { kind: 'timer', token: r.timer.token }, { now, profile: a.profile, paused: false });
  }
  return { instance: inst, history, effects };
}
