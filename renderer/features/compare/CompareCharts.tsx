import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ComparisonSummary } from '../../../shared/contract/comparing';

type Stats = NonNullable<ComparisonSummary['stats']>;

const COLOURS = ['#8c959f', '#4493f8', '#d29922', '#3fb950', '#f85149'];

function short(version: string): string {
  return version.replace(/^[^@]+@/, '');
}

/** Pass rate with its 95% interval, the latency distribution, tokens and cost a request, per version. */
export default function CompareCharts({ stats }: { stats: Stats }) {
  const passRates = stats.versions.map((version) => ({
    version: short(version.version),
    passRate: version.passRate * 100,
    error: [(version.passRate - version.interval.low) * 100, (version.interval.high - version.passRate) * 100],
  }));
  const bins = stats.binEdges.slice(0, -1).map((edge, bin) => ({
    bin: `${Math.round(edge)}`,
    ...Object.fromEntries(stats.versions.map((version) => [short(version.version), version.latencyBins[bin] ?? 0])),
  }));
  const perRequest = stats.versions.map((version) => ({
    version: short(version.version),
    tokens: version.tokensPerRequest ?? 0,
    cost: (version.costPerRequest ?? 0) * 1000,
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
      <figure>
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
      <figure>
        <figcaption>Tokens and cost (US$ per 1,000 requests) a request</figcaption>
        <ResponsiveContainer width="100%" height={160}>
          <BarChart data={perRequest} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="version" tick={{ fontSize: 11 }} />
            <YAxis yAxisId="tokens" width={40} tick={{ fontSize: 11 }} />
            <YAxis yAxisId="cost" orientation="right" width={48} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <Bar yAxisId="tokens" dataKey="tokens" fill={COLOURS[1]} isAnimationActive={false} />
            <Bar yAxisId="cost" dataKey="cost" fill={COLOURS[2]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
