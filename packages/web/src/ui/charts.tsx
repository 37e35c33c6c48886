// Small SVG charts. In RTL the x axis runs right-to-left and the y axis sits on the right. Each chart is
// role="img" with an aria-label and carries a visually hidden data table with the same numbers.
import { useId } from 'react';
import { useI18n } from '../i18n';

export interface Point {
  x: number | string;
  y: number;
}
export interface Series {
  label: string;
  points: Point[];
}
interface ChartProps {
  series: Series[];
  label: string;
  height?: number;
  /** How numeric x values (epoch ms) are shown; default day + month. */
  xFormat?: Intl.DateTimeFormatOptions;
  yMin?: number;
  yMax?: number;
}

export const PALETTE = [
  '#1f6feb',
  '#d1242f',
  '#1a7f37',
  '#9a6700',
  '#8250df',
  '#bf3989',
  '#0a7d8c',
  '#57606a',
];

const W = 640;
const PAD = { top: 12, bottom: 28, side: 44, end: 12 };

function xValues(series: Series[]): (number | string)[] {
  const seen = new Map<string, number | string>();
  for (const s of series) for (const p of s.points) if (!seen.has(String(p.x))) seen.set(String(p.x), p.x);
  const xs = [...seen.values()];
  if (xs.every((x) => typeof x === 'number')) (xs as number[]).sort((a, b) => a - b);
  return xs;
}

/** A round tick step covering `range` in about four steps; whole numbers only when the data are counts. */
function niceStep(range: number, integers: boolean): number {
  const raw = Math.max(range, integers ? 1 : 1e-9) / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of integers ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10])
    if (m * p >= raw) return Math.max(integers ? 1 : 0, m * p);
  return 10 * p;
}

function useFrame(props: ChartProps, dataMax?: number) {
  const { dir, num, date } = useI18n();
  const H = props.height ?? 220;
  const xs = xValues(props.series);
  const all = props.series.flatMap((s) => s.points.map((p) => p.y));
  const integers = all.every((y) => Number.isInteger(y));
  const yMin = props.yMin ?? Math.min(0, ...all);
  const top = dataMax ?? Math.max(yMin + 1, ...all);
  let yMax: number;
  let ticks: number[];
  if (props.yMax !== undefined) {
    yMax = props.yMax;
    ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => yMin + (yMax - yMin) * f);
  } else {
    const step = niceStep(top - yMin, integers);
    const n = Math.max(1, Math.ceil((top - yMin) / step - 1e-9));
    yMax = yMin + n * step;
    ticks = Array.from({ length: n + 1 }, (_, i) => yMin + i * step);
  }
  const rtl = dir === 'rtl';
  const left = rtl ? PAD.end : PAD.side;
  const right = rtl ? W - PAD.side : W - PAD.end;
  const yOf = (y: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - (y - yMin) / (yMax - yMin || 1));
  const fmtX = (x: number | string) =>
    typeof x === 'number' ? date(x, props.xFormat ?? { month: 'short', day: 'numeric' }) : x;
  return { H, xs, rtl, left, right, yOf, fmtX, ticks, num, yMin };
}

function Axes({ f }: { f: ReturnType<typeof useFrame> }) {
  const axisX = f.rtl ? f.right : f.left;
  return (
    <g className="chart-axes" aria-hidden="true">
      {f.ticks.map((v) => (
        <g key={v}>
          <line x1={f.left} x2={f.right} y1={f.yOf(v)} y2={f.yOf(v)} className="chart-grid" />
          <text
            x={f.rtl ? axisX + 6 : axisX - 6}
            y={f.yOf(v) + 4}
            textAnchor={f.rtl ? 'start' : 'end'}
            className="chart-tick"
          >
            {f.num(Math.round(v * 100) / 100)}
          </text>
        </g>
      ))}
      <line x1={axisX} x2={axisX} y1={PAD.top} y2={f.H - PAD.bottom} className="chart-axis" />
    </g>
  );
}

function XLabels({ f, posOf }: { f: ReturnType<typeof useFrame>; posOf(i: number): number }) {
  const every = Math.max(1, Math.ceil(f.xs.length / 8));
  return (
    <g aria-hidden="true">
      {f.xs.map((x, i) =>
        i % every === 0 ? (
          <text
            key={String(x)}
            x={posOf(i)}
            y={f.H - 8}
            textAnchor="middle"
            className="chart-tick"
            style={{ direction: f.rtl ? 'rtl' : 'ltr' }}
          >
            {f.fmtX(x)}
          </text>
        ) : null,
      )}
    </g>
  );
}

function Legend({ series }: { series: Series[] }) {
  if (series.length < 2) return null;
  return (
    <ul className="chart-legend" aria-hidden="true">
      {series.map((s, i) => (
        <li key={s.label}>
          <span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} />
          {s.label}
        </li>
      ))}
    </ul>
  );
}

function DataTable({
  f,
  series,
  label,
}: {
  f: ReturnType<typeof useFrame>;
  series: Series[];
  label: string;
}) {
  return (
    <table className="visually-hidden">
      <caption>{label}</caption>
      <thead>
        <tr>
          <th scope="col" />
          {series.map((s) => (
            <th key={s.label} scope="col">
              {s.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {f.xs.map((x) => (
          <tr key={String(x)}>
            <th scope="row">{f.fmtX(x)}</th>
            {series.map((s) => {
              const p = s.points.find((q) => String(q.x) === String(x));
              return <td key={s.label}>{p ? f.num(p.y) : ''}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Lines over x (epoch ms or categories). */
export function LineChart(props: ChartProps) {
  const f = useFrame(props);
  const id = useId();
  const n = f.xs.length;
  const posOf = (i: number) => {
    const frac = n <= 1 ? 0.5 : i / (n - 1);
    return f.rtl ? f.right - frac * (f.right - f.left) : f.left + frac * (f.right - f.left);
  };
  const index = new Map(f.xs.map((x, i) => [String(x), i]));
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${f.H}`} role="img" aria-labelledby={`${id}-l`} className="chart-svg">
        <title id={`${id}-l`}>{props.label}</title>
        <Axes f={f} />
        {props.series.map((s, si) => {
          const pts = s.points
            .map((p) => [posOf(index.get(String(p.x)) ?? 0), f.yOf(p.y)] as const)
            .sort((a, b) => (f.rtl ? b[0] - a[0] : a[0] - b[0]));
          const color = PALETTE[si % PALETTE.length];
          return (
            <g key={s.label} aria-hidden="true">
              <polyline
                points={pts.map(([x, y]) => `${x},${y}`).join(' ')}
                fill="none"
                stroke={color}
                strokeWidth={2}
              />
              {pts.map(([x, y]) => (
                <circle key={`${x}`} cx={x} cy={y} r={2.5} fill={color} />
              ))}
            </g>
          );
        })}
        <XLabels f={f} posOf={posOf} />
      </svg>
      <Legend series={props.series} />
      <DataTable f={f} series={props.series} label={props.label} />
    </figure>
  );
}

/** Grouped (or stacked) bars per x value. */
export function BarChart(props: ChartProps & { stacked?: boolean }) {
  const totals = props.stacked
    ? xValues(props.series).map((x) =>
        props.series.reduce((a, s) => a + (s.points.find((p) => String(p.x) === String(x))?.y ?? 0), 0),
      )
    : undefined;
  const f = useFrame(props, totals ? Math.max(1, ...totals) : undefined);
  const id = useId();
  const n = Math.max(1, f.xs.length);
  const band = (f.right - f.left) / n;
  const posOf = (i: number) => (f.rtl ? f.right - band * (i + 0.5) : f.left + band * (i + 0.5));
  const k = props.stacked ? 1 : Math.max(1, props.series.length);
  const bw = Math.max(1, (band * 0.8) / k);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${f.H}`} role="img" aria-labelledby={`${id}-l`} className="chart-svg">
        <title id={`${id}-l`}>{props.label}</title>
        <Axes f={f} />
        <g aria-hidden="true">
          {f.xs.map((x, i) => {
            let acc = 0;
            return props.series.map((s, si) => {
              const y = s.points.find((p) => String(p.x) === String(x))?.y ?? 0;
              const color = PALETTE[si % PALETTE.length];
              const center = posOf(i);
              if (props.stacked) {
                const y0 = f.yOf(acc);
                acc += y;
                const y1 = f.yOf(acc);
                return (
                  <rect
                    key={`${x}-${s.label}`}
                    x={center - bw / 2}
                    y={y1}
                    width={bw}
                    height={Math.max(0, y0 - y1)}
                    fill={color}
                  />
                );
              }
              const offset = (si - (k - 1) / 2) * bw * (f.rtl ? -1 : 1);
              const top = f.yOf(Math.max(0, y));
              return (
                <rect
                  key={`${x}-${s.label}`}
                  x={center + offset - bw / 2}
                  y={top}
                  width={bw}
                  height={Math.max(0, f.yOf(0) - top)}
                  fill={color}
                />
              );
            });
          })}
        </g>
        <XLabels f={f} posOf={posOf} />
      </svg>
      <Legend series={props.series} />
      <DataTable f={f} series={props.series} label={props.label} />
    </figure>
  );
}
