import type { PricePoint } from "@/lib/protocol";

const WIDTH = 120;
const HEIGHT = 28;

/**
 * Our offered price of one outcome over the last hour (solid), and the bookmaker consensus fair
 * price, 1 / fair (dashed). Steps, not slopes: a price holds until it moves.
 */
export function Sparkline({ points, outcome, label }: { points: PricePoint[]; outcome: string; label: string }) {
  const ours: [number, number][] = [];
  const fair: [number, number][] = [];
  for (const point of points) {
    const value = point.o[outcome];
    if (!value) continue;
    ours.push([point.t, value[0]]);
    if (value[1] !== null && value[1] > 0) fair.push([point.t, 1 / value[1]]);
  }
  if (ours.length === 0) return <svg className="sparkline" width={WIDTH} height={HEIGHT} data-points={0} aria-label={`${label}: no history yet`} />;
  const last = points[points.length - 1]?.t ?? 0;
  const first = Math.min(ours[0]?.[0] ?? last, last - 60_000);
  const values = [...ours, ...fair].map(([, v]) => v);
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const x = (t: number) => ((t - first) / Math.max(1, last - first)) * (WIDTH - 2) + 1;
  const y = (v: number) => (hi === lo ? HEIGHT / 2 : HEIGHT - 2 - ((v - lo) / (hi - lo)) * (HEIGHT - 4));
  // Before its first stored point a price is drawn flat from the left edge: one point is a line, not a dot.
  const steps = (series: [number, number][]) => {
    const at: string[] = series[0] ? [`1,${y(series[0][1]).toFixed(1)}`] : [];
    series.forEach(([t, v], i) => {
      const previous = series[i - 1];
      if (previous) at.push(`${x(t).toFixed(1)},${y(previous[1]).toFixed(1)}`);
      at.push(`${x(t).toFixed(1)},${y(v).toFixed(1)}`);
    });
    const end = series[series.length - 1];
    if (end) at.push(`${x(last).toFixed(1)},${y(end[1]).toFixed(1)}`);
    return at.join(" ");
  };
  const now = ours[ours.length - 1]?.[1];
  return (
    <svg
      className="sparkline"
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      data-points={ours.length}
      role="img"
      aria-label={`${label}: ${ours.length} prices in the last hour, now ${now}`}
    >
      {fair.length > 0 && <polyline className="fair" points={steps(fair)} />}
      <polyline className="ours" points={steps(ours)} />
    </svg>
  );
}
