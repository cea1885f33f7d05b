import type { TrendPoint } from '../../../shared/contract/testing';
import { anyCost } from '../../../shared/charts/chart-data';
import { formatCost } from '../../app/format';
import { LineFigure, NO_COST } from '../../app/LineFigure';

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
 * complete run): one point per version, the pass rate from 0 to 100%, and no cost axis when
 * nothing cost money.
 */
export default function TrendChart({ points }: { points: TrendPoint[] }) {
  const data = points.map((point) => ({ ...point, version: point.version.replace(/^[^@]+@/, '') }));
  return (
    <div className="trend" data-testid="trend-chart">
      {SERIES.map((series) => (
        <LineFigure
          key={series.key}
          title={series.title}
          testId={`trend-${series.key}`}
          data={data}
          xKey="version"
          lines={[{ key: series.key, colour: 'var(--accent)' }]}
          format={series.format}
          domain={series.key === 'passRate' ? [0, 1] : undefined}
          height={120}
          empty={series.key === 'costUsd' && !anyCost(points.map((point) => point.costUsd)) ? NO_COST : null}
        />
      ))}
    </div>
  );
}
