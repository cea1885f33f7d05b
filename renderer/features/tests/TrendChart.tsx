import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrendPoint } from '../../../shared/contract/testing';
import { anyCost } from '../../../shared/charts/chart-data';
import { formatCost } from '../../app/format';

interface Series {
  key: 'passRate' | 'costUsd' | 'p95LatencyMs';
  title: string;
  format: (value: number) => string;
}

const SERIES: Series[] = [
  { key: 'passRate', title: 'Pass rate', format: (value) => `${Math.round(value * 100)}%` },
  { key: 'costUsd', title: 'Cost per run', format: (value) => formatCost(value) },
  { key: 'p95LatencyMs', title: 'p95 latency', format: (value) => `${Math.round(value)} ms` },
];

/**
 * Pass rate, cost and p95 latency of a suite across the agent's versions (each version's latest
 * complete run): one point per version, joined by straight lines (nothing lies between two
 * versions to smooth), the pass rate from 0 to 100%, and no cost axis when nothing cost money.
 */
export default function TrendChart({ points }: { points: TrendPoint[] }) {
  const data = points.map((point) => ({ ...point, version: point.version.replace(/^[^@]+@/, '') }));
  return (
    <div className="trend" data-testid="trend-chart">
      {SERIES.map((series) =>
        series.key === 'costUsd' && !anyCost(points.map((point) => point.costUsd)) ? (
          <figure key={series.key} data-testid="trend-cost">
            <figcaption>{series.title}</figcaption>
            <p className="muted chart-empty">No cost: the runs used models without a price, or cost nothing.</p>
          </figure>
        ) : (
          <figure key={series.key} data-testid={`trend-${series.key}`}>
            <figcaption>{series.title}</figcaption>
            <ResponsiveContainer width="100%" height={120}>
              <LineChart data={data} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                <XAxis dataKey="version" tick={{ fontSize: 11 }} />
                <YAxis
                  width={52}
                  tick={{ fontSize: 11 }}
                  tickFormatter={series.format}
                  domain={series.key === 'passRate' ? [0, 1] : [0, 'auto']}
                />
                <Tooltip formatter={(value) => (typeof value === 'number' ? series.format(value) : String(value))} />
                <Line
                  type="linear"
                  dataKey={series.key}
                  stroke="var(--accent)"
                  strokeWidth={2}
                  dot
                  isAnimationActive={false}
                  connectNulls
                />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        ),
      )}
    </div>
  );
}
