import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ComparisonSummary } from '../../../shared/contract/comparing';
import { anyCost, trimmedBins } from '../../../shared/charts/chart-data';
import { NO_COST } from '../../app/LineFigure';

type Stats = NonNullable<ComparisonSummary['stats']>;

const COLOURS = ['#8c959f', '#4493f8', '#d29922', '#3fb950', '#f85149'];

function short(version: string): string {
  return version.replace(/^[^@]+@/, '');
}

/** Pass rate with its 95% interval, the latency distribution, tokens a request and cost per 1,000 requests, per version. */
export default function CompareCharts({ stats }: { stats: Stats }) {
  const passRates = stats.versions.map((version) => ({
    version: short(version.version),
    passRate: version.passRate * 100,
    error: [(version.passRate - version.interval.low) * 100, (version.interval.high - version.passRate) * 100],
  }));
  // The histogram's x axis runs where there are latencies, not over the empty bins either side.
  const trimmed = trimmedBins(
    stats.binEdges,
    stats.versions.map((version) => version.latencyBins),
  );
  const bins = trimmed.edges.slice(0, -1).map((edge, bin) => ({
    bin: `${Math.round(edge)}`,
    ...Object.fromEntries(stats.versions.map((version, index) => [short(version.version), trimmed.counts[index]?.[bin] ?? 0])),
  }));
  const tokens = stats.versions.map((version) => ({ version: short(version.version), tokens: version.tokensPerRequest }));
  const costs = stats.versions.map((version) => ({
    version: short(version.version),
    cost: version.costPerRequest === null ? null : version.costPerRequest * 1000,
  }));
  return (
    <div className="compare-charts" data-testid="compare-charts">
      <figure>
        <figcaption>Pass rate, 95% Wilson interval</figcaption>
        <ResponsiveContainer width="100%" height={160}>
          <BarChart data={passRates} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="version" tick={{ fontSize: 11 }} />
            <YAxis domain={[0, 100]} width={40} tick={{ fontSize: 11 }} unit="%" />
            <Tooltip formatter={(value) => (typeof value === 'number' ? `${value.toFixed(1)}%` : String(value))} />
            <Bar dataKey="passRate" fill="var(--accent)" isAnimationActive={false}>
              <ErrorBar dataKey="error" width={6} stroke="var(--fg)" />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <figure data-testid="compare-latency">
        <figcaption>Latency distribution (ms)</figcaption>
        <ResponsiveContainer width="100%" height={160}>
          <BarChart data={bins} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} barGap={0}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="bin" tick={{ fontSize: 10 }} />
            <YAxis width={40} tick={{ fontSize: 11 }} allowDecimals={false} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {stats.versions.map((version, index) => (
              <Bar
                key={version.version}
                dataKey={short(version.version)}
                fill={COLOURS[index % COLOURS.length]}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <figure data-testid="compare-tokens">
        <figcaption>Tokens a request</figcaption>
        <ResponsiveContainer width="100%" height={160}>
          <BarChart data={tokens} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="version" tick={{ fontSize: 11 }} />
            <YAxis width={40} tick={{ fontSize: 11 }} domain={[0, 'auto']} />
            <Tooltip />
            <Bar dataKey="tokens" fill={COLOURS[1]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <figure data-testid="compare-cost">
        <figcaption>Cost per 1,000 requests (US$)</figcaption>
        {anyCost(costs.map((row) => row.cost)) ? (
          <ResponsiveContainer width="100%" height={160}>
            <BarChart data={costs} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis dataKey="version" tick={{ fontSize: 11 }} />
              <YAxis width={48} tick={{ fontSize: 11 }} domain={[0, 'auto']} />
              <Tooltip formatter={(value) => (typeof value === 'number' ? `$${value.toFixed(4)}` : String(value))} />
              <Bar dataKey="cost" fill={COLOURS[2]} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        ) : (
          <p className="muted chart-empty">{NO_COST}</p>
        )}
      </figure>
    </div>
  );
}
