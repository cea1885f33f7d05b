import { CATEGORIES, formatP, range, sampleSizeHint, signed, type CaseRow, type ComparisonStats } from './compare';

/** What a report needs of a stored comparison. */
export interface ReportInput {
  id: number;
  agent: string;
  dataset: { name: string; revision: number; items: number };
  suite: { name: string; revision: number } | null;
  refs: Array<{ ref: string; version: string; hash: string }>;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  stats: ComparisonStats;
  /** rows[i] are the cases of candidate i + 1 against the baseline. */
  rows: CaseRow[][];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${signed(value * 100, 1)}%`;
}

function num(value: number | null | undefined, digits = 0, unit = ''): string {
  return value === null || value === undefined ? '—' : `${signed(value, digits)}${unit}`;
}

function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'unknown';
  return `${value < 0 && Number(Math.abs(value).toFixed(6)) !== 0 ? '\u2212' : ''}$${Math.abs(value).toFixed(6)}`;
}

function diff(value: { estimate: number; low: number; high: number } | null, scale = 1, digits = 1, unit = ''): string {
  if (!value) return '—';
  const show = (x: number) =>
    `${x * scale > 0 && Number((x * scale).toFixed(digits)) !== 0 ? '+' : ''}${signed(x * scale, digits)}${unit}`;
  return `${show(value.estimate)} <span class="muted">(${range(show(value.low), show(value.high))})</span>`;
}

/**
 * Pass rate per version with its 95% interval, as a small inline SVG: no script, no request. The
 * label column is as wide as the longest version name and the value has a margin of its own, so
 * neither is clipped at the SVG's edge.
 */
function passRateChart(stats: ComparisonStats): string {
  // A name past 48 characters keeps its end (the semver), so the column stays readable.
  const label = (name: string) => (name.length > 48 ? `…${name.slice(-47)}` : name);
  const chars = Math.max(...stats.versions.map((version) => label(version.version).length), 4);
  const left = 12 + Math.ceil(chars * 7.2);
  const plot = 320;
  const valueMargin = 56;
  const width = left + plot + valueMargin;
  const row = 28;
  const scale = (value: number) => left + value * plot;
  const bars = stats.versions
    .map((version, index) => {
      const y = 10 + index * row;
      return `<text x="0" y="${y + 14}" font-size="12">${escape(label(version.version))}</text>
<rect x="${left}" y="${y}" width="${scale(version.passRate) - left}" height="18" fill="#4493f8" opacity="0.7"/>
<line x1="${scale(version.interval.low)}" x2="${scale(version.interval.high)}" y1="${y + 9}" y2="${y + 9}" stroke="#1f2328" stroke-width="2"/>
<text x="${scale(Math.max(version.passRate, version.interval.high)) + 4}" y="${y + 14}" font-size="11">${pct(version.passRate)}</text>`;
    })
    .join('\n');
  return `<svg role="img" aria-label="Pass rate per version with 95% intervals" width="${width}" height="${20 + stats.versions.length * row}" viewBox="0 0 ${width} ${20 + stats.versions.length * row}" xmlns="http://www.w3.org/2000/svg">${bars}</svg>`;
}

/**
 * A comparison as one HTML file that opens anywhere, offline: inline styles and SVG, no script,
 * and a CSP that forbids any request.
 */
export function comparisonHtml(report: ReportInput): string {
  const { stats } = report;
  const baseline = report.refs[0]?.version ?? '';
  const versionsTable = stats.versions
    .map(
      (version) =>
        `<tr><td>${escape(version.version)}</td><td>${pct(version.passRate)} <span class="muted">(${range(pct(version.interval.low), pct(version.interval.high))})</span></td><td>${
          // A comparison stored before pass rates were over cases counted results.
          version.results
            ? `${version.passed}/${version.total} cases${version.ties ? `, ${version.ties} tied` : ''}${version.flaky ? `, ${version.flaky} flaky` : ''} <span class="muted">(${version.results.passed}/${version.results.total} results)</span>`
            : `${version.passed}/${version.total} results`
        }</td><td>${num(version.latencyP50, 0, ' ms')}</td><td>${num(version.latencyP95, 0, ' ms')}</td><td>${num(version.tokensPerRequest, 1)}</td><td>${usd(version.costPerRequest)}</td></tr>`,
    )
    .join('\n');
  const pairs = stats.pairs
    .map((pair, index) => {
      const candidate = report.refs[pair.candidate]?.version ?? '';
      const categories = Object.entries(pair.categories)
        .map(([category, count]) => `${escape(CATEGORIES[category as keyof typeof CATEGORIES])}: ${count}`)
        .join(' · ');
      const rows = (report.rows[index] ?? [])
        .map(
          (row) =>
            `<tr class="${row.verdict}"><td>${escape(row.caseId)}</td><td>${row.verdict}</td><td>${escape(row.categories.map((category) => CATEGORIES[category]).join(', '))}</td><td>${num(row.delta.passRate * 100, 0, ' pts')}</td><td>${num(row.delta.latencyMs, 0, ' ms')}</td><td>${row.delta.costUsd === null ? '—' : usd(row.delta.costUsd)}</td><td><pre>${escape(row.baseline.output.slice(0, 400))}</pre></td><td><pre>${escape(row.candidate.output.slice(0, 400))}</pre></td></tr>`,
        )
        .join('\n');
      return `<section>
<h2>${escape(candidate)} against ${escape(baseline)}</h2>
<p class="summary">${escape(pair.summary)}</p>
<table><tbody>
<tr><th>${stats.versions[0]?.results ? `pass rate over cases (each by the majority of its repeats; ties left out), paired; ${Math.round(pair.confidence * 1000) / 10}% Newcombe interval` : 'pass rate, paired (a bootstrap interval, as stored)'}</th><td>${diff(pair.passRateDiff, 100, 1, ' pts')}</td></tr>
<tr><th>McNemar</th><td>${pair.mcnemar.b} cases passed only on ${escape(baseline)}, ${pair.mcnemar.c} only on ${escape(candidate)}; ${formatP(pair.mcnemar.p)} (${pair.mcnemar.method})${stats.pairs.length > 1 ? `, Holm-adjusted ${formatP(pair.pAdjusted)}` : ''}</td></tr>
<tr><th>latency p50 / p95</th><td>${diff(pair.latencyP50Diff, 1, 0, ' ms')} / ${diff(pair.latencyP95Diff, 1, 0, ' ms')}</td></tr>
<tr><th>tokens per request</th><td>${diff(pair.tokensDiff, 1, 1)}</td></tr>
<tr><th>cost per request</th><td>${diff(pair.costDiff, 1, 6, ' $')}</td></tr>
${sampleSizeHint(pair) === null ? '' : `<tr><th>sample size</th><td>${sampleSizeHint(pair)}</td></tr>\n`}<tr><th>verdicts</th><td>${Object.entries(
        pair.verdicts,
      )
        .map(([verdict, count]) => `${verdict}: ${count}`)
        .join(' · ')}</td></tr>
<tr><th>changes</th><td>${categories || 'none detected'}</td></tr>
</tbody></table>
<h3>Cases</h3>
<table class="cases"><thead><tr><th>case</th><th>verdict</th><th>changes</th><th>Δ pass</th><th>Δ latency</th><th>Δ cost</th><th>${escape(baseline)}</th><th>${escape(candidate)}</th></tr></thead><tbody>
${rows}
</tbody></table>
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Comparison ${report.id}: ${escape(report.refs.map((ref) => ref.version).join(' vs '))}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #1f2328; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border-bottom: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
.muted { color: #656d76; }
.summary { font-size: 16px; font-weight: 600; }
pre { white-space: pre-wrap; margin: 0; max-width: 360px; font-size: 12px; }
tr.regressed td:nth-child(2) { color: #cf222e; } tr.improved td:nth-child(2) { color: #1a7f37; }
</style></head>
<body>
<h1>${escape(report.agent)}: ${escape(report.refs.map((ref) => ref.version).join(' vs '))}</h1>
<p class="muted">Comparison ${report.id} · dataset ${escape(report.dataset.name)} revision ${report.dataset.revision} (${stats.cases} cases × ${stats.repeat} repeats)${report.suite ? ` · assertions from suite ${escape(report.suite.name)} revision ${report.suite.revision}` : ''} · ${escape(report.status)} · started ${escape(report.startedAt)} · bootstrap seed ${stats.seed}</p>
${stats.pairs.map((pair) => `<p class="summary" data-summary>${escape(pair.summary)}</p>`).join('\n')}
<h2>Versions</h2>
${passRateChart(stats)}
<table><thead><tr><th>version</th><th>pass rate (95% Wilson)</th><th>passed</th><th>latency p50</th><th>latency p95</th><th>tokens / request</th><th>cost / request</th></tr></thead><tbody>
${versionsTable}
</tbody></table>
${pairs}
<p class="muted">Refs: ${report.refs.map((ref) => `${escape(ref.version)} (${escape(ref.hash.slice(0, 12))})`).join(', ')}. Made by Slipway.</p>
</body></html>
`;
}
