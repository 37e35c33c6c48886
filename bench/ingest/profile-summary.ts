// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time by function, by file and by area, and
// inclusive (total) time of the functions that matter. Usage: tsx bench/ingest/profile-summary.ts FILE.cpuprofile [TOP]
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A short location: path inside the repo or package@node_modules path. */
function fileOf(url: string): string {
  if (!url) return '(native)';
  let p = url.replace(/^file:\/\//, '');
  if (p.startsWith(ROOT)) p = p.slice(ROOT.length);
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) p = p.slice(nm + 'node_modules/'.length);
  return p;
}

/** Groups a file into an area: an omnicx package, a dependency, or Node itself. */
function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native / V8 builtins)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = p.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /packages\/([^/]+)\//.exec(p);
  return m ? `@omnicx/${m[1]}` : fileOf(url);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes the first generated line of a source map into [generatedColumn, sourceLine] pairs. */
function decodeFirstLine(mappings: string): [number, number][] {
  const out: [number, number][] = [];
  let genCol = 0;
  let srcLine = 0;
  for (const seg of mappings.split(';')[0]!.split(',')) {
    if (!seg) continue;
    const vals: number[] = [];
    let shift = 0;
    let value = 0;
    for (const ch of seg) {
      const d = B64.indexOf(ch);
      value += (d & 31) << shift;
      if (d & 32) shift += 5;
      else {
        vals.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
    }
    genCol += vals[0] ?? 0;
    if (vals.length >= 4) {
      srcLine += vals[2]!;
      out.push([genCol, srcLine]);
    }
  }
  return out;
}

/**
 * tsx compiles each .ts file to one line, so V8 reports line 1 and a column. Its cache (os.tmpdir()/tsx-UID)
 * keeps the compiled code with a source map: pick the cached compilation whose named functions sit at the
 * profiled columns and map columns back to source lines. Best effort: unknown files keep line 1.
 */
function tsxLineMapper(frames: CallFrame[]): (f: CallFrame) => number {
  const byFile = new Map<string, CallFrame[]>();
  for (const f of frames) {
    if (!f.url.startsWith('file://') || !f.url.endsWith('.ts') || f.url.includes('node_modules')) continue;
    const list = byFile.get(f.url) ?? [];
    list.push(f);
    byFile.set(f.url, list);
  }
  const maps = new Map<string, [number, number][]>();
  let dir: string | undefined;
  try {
    dir = readdirSync(tmpdir())
      .filter((d) => d.startsWith('tsx-'))
      .map((d) => join(tmpdir(), d))[0];
  } catch {
    dir = undefined;
  }
  if (dir && byFile.size > 0) {
    const candidates = new Map<string, { code: string; mappings: string }[]>();
    for (const name of readdirSync(dir)) {
      try {
        const text = readFileSync(join(dir, name), 'utf8');
        const m = /"sources":\["([^"]+)"\]/.exec(text.slice(-4000));
        const url = m ? `file://${m[1]}` : undefined;
        if (!url || !byFile.has(url)) continue;
        const j = JSON.parse(text) as { code: string; map: { mappings: string } };
        const list = candidates.get(url) ?? [];
        list.push({ code: j.code, mappings: j.map.mappings });
        candidates.set(url, list);
      } catch {
        // not a cache entry we understand
      }
    }
    for (const [url, list] of candidates) {
      const named = byFile.get(url)!.filter((f) => f.functionName && !f.functionName.startsWith('('));
      const score = (c: { code: string }) =>
        named.filter((f) => c.code.slice(0, f.columnNumber).endsWith(f.functionName.replace(/^#/, '')))
          .length;
      const best = list.sort((a, b) => score(b) - score(a))[0]!;
      maps.set(url, decodeFirstLine(best.mappings));
    }
  }
  return (f) => {
    const segs = maps.get(f.url);
    if (!segs || f.lineNumber !== 0) return f.lineNumber + 1;
    let lo = 0;
    let hi = segs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segs[mid]![0] <= f.columnNumber) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? 1 : segs[found]![1] + 1;
  };
}

export interface ProfileSummary {
  totalMs: number;
  /** Time not idle (everything but the (idle) node). */
  busyMs: number;
  byFunction: { name: string; ms: number }[];
  byFile: { name: string; ms: number }[];
  byArea: { name: string; ms: number }[];
  inclusive: { name: string; ms: number }[];
  /** Every sample charged to the innermost omnicx (packages/*) function on its stack: what product code costs, dependencies included. */
  byOmnicxFrame: { name: string; ms: number }[];
}

export function summarize(profile: CpuProfile): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const lineOf = tsxLineMapper(profile.nodes.map((n) => n.callFrame));
  const keys = new Map<number, string>();
  const fnKey = (n: ProfileNode) => {
    let k = keys.get(n.id);
    if (k === undefined) {
      k = `${n.callFrame.functionName || '(anonymous)'} ${fileOf(n.callFrame.url)}:${lineOf(n.callFrame)}`;
      keys.set(n.id, k);
    }
    return k;
  };
  const isOmnicx = (n: ProfileNode) =>
    n.callFrame.url.includes('/packages/') && !n.callFrame.url.includes('node_modules');
  const byOmnicxFrame = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byArea = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    totalMs += ms;
    if (n.callFrame.functionName === '(idle)') idleMs += ms;
    add(byFunction, fnKey(n), ms);
    add(byFile, n.callFrame.url ? fileOf(n.callFrame.url) : n.callFrame.functionName || '(native)', ms);
    add(byArea, areaOf(n.callFrame.url, n.callFrame.functionName), ms);
    // Inclusive: every distinct function on the stack gets the sample once.
    const seen = new Set<string>();
    let owner: string | undefined;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur)!;
      const k = fnKey(node);
      if (owner === undefined && isOmnicx(node)) owner = k;
      if (!seen.has(k)) {
        seen.add(k);
        add(inclusive, k, ms);
      }
    }
    if (n.callFrame.functionName !== '(idle)') {
      add(
        byOmnicxFrame,
        owner ?? `(no omnicx frame) ${areaOf(n.callFrame.url, n.callFrame.functionName)}`,
        ms,
      );
    }
  }
  const sorted = (m: Map<string, number>) =>
    [...m].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
  return {
    totalMs,
    busyMs: totalMs - idleMs,
    byFunction: sorted(byFunction),
    byFile: sorted(byFile),
    byArea: sorted(byArea),
    inclusive: sorted(inclusive).filter((r) => !/^\((root|program|idle)\)/.test(r.name)),
    byOmnicxFrame: sorted(byOmnicxFrame),
  };
}

/** Formats the summary as text tables (percentages of busy time). */
export function formatSummary(s: ProfileSummary, top = 25): string {
  const pct = (ms: number) => `${((100 * ms) / s.busyMs).toFixed(1).padStart(5)}%`;
  const table = (title: string, rows: { name: string; ms: number }[]) =>
    [
      `${title}`,
      ...rows
        .slice(0, top)
        .map((r) => `  ${pct(r.ms)}  ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${r.name}`),
    ].join('\n');
  return [
    `profile: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(s.busyMs / 1000).toFixed(1)} s busy (percentages are of busy time)`,
    table(
      'self time by area',
      s.byArea.filter((r) => r.name !== '(idle)'),
    ),
    table(
      'self time by file',
      s.byFile.filter((r) => r.name !== '(idle)'),
    ),
    table(
      'self time by function',
      s.byFunction.filter((r) => !r.name.startsWith('(idle)')),
    ),
    table('time by innermost omnicx function (its dependencies and native calls included)', s.byOmnicxFrame),
    table('inclusive time by function', s.inclusive),
  ].join('\n\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: tsx bench/ingest/profile-summary.ts FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(formatSummary(summarize(profile), Number(process.argv[3] ?? 25)));
}
