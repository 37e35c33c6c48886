import type { TraitState } from './types';

/** Sets an own property even for keys like "__proto__", which plain assignment would treat as the prototype. */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A trait state with no traits. */
export function emptyTraits(): TraitState {
  return { values: {}, updatedAt: {} };
}

/**
 * Applies one event's traits at event time `at`, returning a new state: per key the newest event time wins,
 * so events arriving out of order cannot overwrite a newer value; at equal time the later-applied wins.
 */
export function applyTraits(state: TraitState, traits: Record<string, unknown>, at: number): TraitState {
  const values = { ...state.values };
  const updatedAt = { ...state.updatedAt };
  for (const key of Object.keys(traits)) {
    const value = traits[key];
    // undefined means "not sent"; null is a value and clears the trait.
    if (value === undefined) continue;
    if (Object.hasOwn(updatedAt, key) && !(at >= (updatedAt[key] as number))) continue;
    setOwn(values, key, value);
    setOwn(updatedAt, key, at);
  }
  return { values, updatedAt };
}

/** Combines the traits of two merged profiles: per key the newer value wins; on a tie `a` (the surviving profile) wins. */
export function mergeTraitStates(a: TraitState, b: TraitState): TraitState {
  const values = { ...a.values };
  const updatedAt = { ...a.updatedAt };
  for (const key of Object.keys(b.values)) {
    const bAt = Object.hasOwn(b.updatedAt, key) ? (b.updatedAt[key] as number) : Number.NEGATIVE_INFINITY;
    if (Object.hasOwn(values, key)) {
      const aAt = Object.hasOwn(updatedAt, key) ? (updatedAt[key] as number) : Number.NEGATIVE_INFINITY;
      if (!(bAt > aAt)) continue;
    }
    setOwn(values, key, b.values[key]);
    if (Object.hasOwn(b.updatedAt, key)) setOwn(updatedAt, key, bAt);
  }
  return { values, updatedAt };
}
