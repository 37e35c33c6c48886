import type { PropertyFilter } from '../segments/types';

/** The key under which an instance counts events for a `performed` condition. */
export function selectorKey(event: string, where?: readonly PropertyFilter[]): string {
  return where && where.length > 0 ? `${event}\u0000${JSON.stringify(where)}` : event;
}
