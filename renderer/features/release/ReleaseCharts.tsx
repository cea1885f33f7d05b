import type { ReleaseMetrics } from '../../../shared/contract/release';
import { anyCost, requestRate } from '../../../shared/charts/chart-data';
import { formatCost } from '../../app/format';
import { LineFigure, NO_COST } from '../../app/LineFigure';

const COLOURS = ['#8c959f', '#4493f8', '#d29922', '#3fb950', '#f85149'];

type Bucket = ReleaseMetrics['buckets'][number];

interface Series {
  title: string;
  value: (bucket: Bucket, now: number) => number | null;
  format: (value: number) => string;
  /** A fixed domain (rates run 0–100%); else it fits the data from zero. */
  domain?: [number, number];
  /** A cost: said in words instead of a chart when nothing has a value above zero. */
  empty?: boolean;
}

const SERIES: Series[] = [
  {
    title: 'Requests a second',
    value: (bucket, now) => requestRate(bucket, now),
    format: (value) => (value >= 10 ? String(Math.round(value)) : value.toFixed(1)),
  },
  {
    title: 'Error rate',
    value: (bucket) => (bucket.requests ? bucket.errors / bucket.requests : null),
    format: (value) => `${Math.round(value * 100)}%`,
    domain: [0, 1],
  },
  { title: 'p95 latency', value: (bucket) => bucket.latencyP95, format: (value) => `${Math.round(value)} ms` },
  {
    title: 'Cost a request',
    value: (bucket) => (bucket.requests ? bucket.costUsd / bucket.requests : null),
    format: (value) => formatCost(value),
    empty: true,
  },
];

/** A bucket's time (seconds too for buckets under a minute); the current one, still filling, says so. */
function timeLabel(buckets: Bucket[]): string {
  const first = buckets[0];
  if (!first) return '';
  const time = new Date(first.start).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    ...(first.widthMs < 60_000 ? { second: '2-digit' } : {}),
  });
  return buckets.some((bucket) => bucket.partial) ? `${time} (filling)` : time;
}

/**
 * Requests, error rate, p95 latency and cost per version in the runtime's own short buckets, a
 * straight line between measured points per version. The bucket still filling is read as a rate
 * over the time it has had and labelled as filling, so it never looks like traffic falling.
 */
export default function ReleaseCharts({ metrics }: { metrics: ReleaseMetrics }) {
  const versions = Object.keys(metrics.versions);
  const starts = [...new Set(metrics.buckets.map((bucket) => bucket.start))].sort();
  const now = Date.now();
  return (
    <div className="release-charts" data-testid="release-charts">
      {SERIES.map((series) => {
        const data = starts.map((start) => ({
          time: timeLabel(metrics.buckets.filter((bucket) => bucket.start === start)),
          ...Object.fromEntries(
            versions.map((version) => {
              const bucket = metrics.buckets.find((candidate) => candidate.start === start && candidate.version === version);
              return [metrics.versions[version] ?? version, bucket ? series.value(bucket, now) : null];
            }),
          ),
        }));
        const testId = `release-chart-${series.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
        return (
          <LineFigure
            key={series.title}
            title={series.title}
            testId={testId}
            data={data}
            xKey="time"
            lines={versions.map((version, index) => ({
              key: metrics.versions[version] ?? version,
              colour: COLOURS[(index + 1) % COLOURS.length] ?? 'var(--accent)',
            }))}
            format={series.format}
            domain={series.domain}
            height={130}
            empty={series.empty && !anyCost(metrics.buckets.map((bucket) => series.value(bucket, now))) ? NO_COST : null}
          />
        );
      })}
    </div>
  );
}
