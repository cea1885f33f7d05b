import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Said in place of a cost chart when nothing cost money. */
export const NO_COST = 'No cost: these models have no price, or their calls were free.';

/**
 * One small line chart, drawn the one honest way: straight lines between measured points (no
 * smoothing between discrete versions or buckets), a y axis from zero (or a fixed domain, such
 * as 0–100% for a rate), gaps joined. `empty` replaces the chart with words when set.
 */
export function LineFigure<Row extends Record<string, unknown>>({
  title,
  testId,
  data,
  xKey,
  lines,
  format,
  domain,
  height,
  empty,
}: {
  title: string;
  testId: string;
  data: Row[];
  xKey: keyof Row & string;
  lines: Array<{ key: string; colour: string }>;
  format: (value: number) => string;
  domain?: [number, number] | undefined;
  height: number;
  empty?: string | null;
}) {
  return (
    <figure data-testid={testId}>
      <figcaption>{title}</figcaption>
      {empty ? (
        <p className="muted chart-empty">{empty}</p>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={data} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey={xKey as string} tick={{ fontSize: 10 }} />
            <YAxis width={56} tick={{ fontSize: 10 }} tickFormatter={format} domain={domain ?? [0, 'auto']} />
            <Tooltip formatter={(value) => (typeof value === 'number' ? format(value) : String(value))} />
            {lines.length > 1 && <Legend wrapperStyle={{ fontSize: 11 }} />}
            {lines.map((line) => (
              <Line
                key={line.key}
                type="linear"
                dataKey={line.key}
                stroke={line.colour}
                strokeWidth={2}
                dot
                isAnimationActive={false}
                connectNulls
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
