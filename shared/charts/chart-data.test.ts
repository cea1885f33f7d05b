import { describe, expect, it } from 'vitest';
import { anyCost, requestRate, trimmedBins } from './chart-data';

describe('chart data', () => {
  it('drops empty bins at either end of a histogram, for all series at once, and keeps empty ones between', () => {
    const edges = [0, 10, 20, 40, 80, 160, 320];
    expect(
      trimmedBins(edges, [
        [0, 0, 3, 0, 1, 0],
        [0, 2, 0, 0, 0, 0],
      ]),
    ).toEqual({
      edges: [10, 20, 40, 80, 160],
      counts: [
        [0, 3, 0, 1],
        [2, 0, 0, 0],
      ],
    });
    expect(trimmedBins(edges, [[0, 0, 0, 0, 0, 0]])).toEqual({ edges: [], counts: [[]] });
    expect(trimmedBins([], [])).toEqual({ edges: [], counts: [] });
  });

  it('says there is no cost when nothing cost anything', () => {
    expect(anyCost([0, 0, null, undefined])).toBe(false);
    expect(anyCost([0, 0.000_01])).toBe(true);
  });

  it('reads a filling bucket as a rate over the time it has had, not as traffic falling', () => {
    const start = '2026-12-02T10:00:00.000Z';
    const full = { start, widthMs: 10_000, partial: false, requests: 200 };
    expect(requestRate(full, Date.parse(start) + 60_000)).toBe(20);
    const filling = { start, widthMs: 10_000, partial: true, requests: 50 };
    expect(requestRate(filling, Date.parse(start) + 2_500)).toBe(20);
    // Under a second in, a handful of requests is not read as a spike.
    expect(requestRate({ ...filling, requests: 3 }, Date.parse(start) + 100)).toBe(3);
  });
});
