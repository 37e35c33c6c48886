// Stable hashes: aggregate keys that survive recompiles (so editing one segment keeps the state of the
// others) and percentage buckets that never move a profile between A/B groups.

/** FNV-1a 32-bit over the UTF-8 bytes of `s`, encoded on the fly (no allocation). */
export function fnv1a32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) {
      h = Math.imul(h ^ c, 0x01000193);
    } else if (c < 0x800) {
      h = Math.imul(h ^ (0xc0 | (c >> 6)), 0x01000193);
      h = Math.imul(h ^ (0x80 | (c & 0x3f)), 0x01000193);
    } else if (c < 0x10000) {
      h = Math.imul(h ^ (0xe0 | (c >> 12)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | (c & 0x3f)), 0x01000193);
    } else {
      h = Math.imul(h ^ (0xf0 | (c >> 18)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((c >> 12) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | (c & 0x3f)), 0x01000193);
    }
  }
  return h >>> 0;
}

/**
 * A 64-bit key as 16 hex digits: two independent FNV-1a 32 hashes (different offset bases). 32 bits alone
 * would collide within a few tens of thousands of aggregates; persisted state must not mix two aggregates.
 */
export function hash64(s: string): string {
  const a = fnv1a32(s).toString(16).padStart(8, '0');
  const b = fnv1a32(s, 0x050c5d1f).toString(16).padStart(8, '0');
  return a + b;
}

/**
 * The profile's bucket in [0, 100) with 0.01 resolution, from FNV-1a of `salt:profileId`. Stable across
 * releases and machines: changing it would silently reshuffle every running holdout.
 */
export function percentBucket(profileId: string, salt: string): number {
  return (fnv1a32(`${salt}:${profileId}`) % 10_000) / 100;
}

/** JSON with object keys sorted, so equal specs hash equally whatever order their fields were written in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
