import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** A new sortable unique id (ULID), optionally prefixed: `newId('prf')` → `prf_01J...`. */
export function newId(prefix?: string): string {
  const id = next().toLowerCase();
  return prefix ? `${prefix}_${id}` : id;
}
