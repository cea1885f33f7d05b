import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ReleaseMetrics } from '../../../shared/contract/release';

const COLOURS = ['#8c959f', '#4493f8', '#d29922', '#3fb950', '#f85149'];

interface Series {
  title: string;
  value: (bucket: ReleaseMetrics['buckets'][number]) => number | null;
  format: (value: number) => string;
}

const SERIES: Series[] = [
  { title: 'Requests', value: (bucket) => bucket.requests, format: (value) => String(Math.round(value)) },
  {
    title: 'Error rate',
    value: (bucket) => (bucket.requests ? bucket.errors / bucket.requests : null),
    format: (value) => `${(value * 100).toFixed(1)}%`,
  },
  { title: 'p95 latency', value: (bucket) => bucket.latencyP95, format: (value) => `${Math.round(value)} ms` },
  { title: 'Cost', value: (bucket) => bucket.costUsd, format: (value) => `$${value.toFixed(4)}` },
];

/** A bucket's time (seconds too for buckets under a minute); the current one, still filling, says so. */
function timeLabel(buckets: ReleaseMetrics['buckets']): string {
  const first = buckets[0];
  if (!first) return '';
  const time = new Date(first.start).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    ...(first.widthMs < 60_000 ? { second: '2-digit' } : {}),
  });
  return buckets.some((bucket) => bucket.partial) ? `${time} (filling)` : time;
}

/** Requests, error rate, p95 latency and cost per version over the last minutes, a line per version. */
export default function ReleaseCharts({ metrics }: { metrics: ReleaseMetrics }) {
  const versions = Object.keys(metrics.versions);
  const starts = [...new Set(metrics.buckets.map((bucket) => bucket.start))].sort();
  return (
    <div className="release-charts" data-testid="release-charts">
      {SERIES.map((series) => {
        const data = starts.map((start) => ({
          time: timeLabel(metrics.buckets.filter((bucket) => bucket.start === start)),
          ...Object.fromEntries(
            versions.map((version) => {
              const bucket = metrics.buckets.find((candidate) => candidate.start === start && candidate.version === version);
              return [metrics.versions[version] ?? version, bucket ? series.value(bucket) : null];
            }),
          ),
        }));
        return (
          <figure key={series.title}>
            <figcaption>{series.title}</figcaption>
            <ResponsiveContainer width="100%" height={130}>
              <LineChart data={data} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                <XAxis dataKey="time" tick={{ fontSize: 10 }} />
                <YAxis width={50} tick={{ fontSize: 10 }} tickFormatter={series.format} />
                <Tooltip formatter={(value) => (typeof value === 'number' ? series.format(value) : String(value))} />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                {versions.map((version, index) => (
                  <Line
                    key={version}
                    type="monotone"
                    dataKey={metrics.versions[version] ?? version}
                    stroke={COLOURS[(index + 1) % COLOURS.length]}
                    dot
                    isAnimationActive={false}
                    connectNulls
                  />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </figure>
        );
      })}
    </div>
  );
}
