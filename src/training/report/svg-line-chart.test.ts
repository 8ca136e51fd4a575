import { describe, expect, it } from 'vitest';
import {
  CHART_MARGIN,
  LEGEND_ROW_HEIGHT,
  chartFrame,
  formatTick,
  niceTicks,
  polylinePoints,
  renderLineChart,
} from './svg-line-chart.js';

const rising = { name: 'reward/mean', points: [0, 5, 10].map((x) => ({ x, y: x / 10 })) };

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten and covers the range', () => {
    expect(niceTicks(0.2, 0.9)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 100)).toEqual([0, 50, 100]);
    expect(niceTicks(0, 1)).toEqual([0, 0.5, 1]);
    expect(niceTicks(-0.03, 0.07)).toEqual([-0.05, 0, 0.05, 0.1]); // rough step 0.1 / 4 = 0.025 → 0.05
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(niceTicks(2, 4, 5, 1)).toEqual([2, 3, 4]); // whole steps only
  });

  it('puts x ticks on whole steps when every x is a whole number', () => {
    const short = { name: 'eval', points: [2, 3, 4].map((x) => ({ x, y: 0.5 })) };
    expect(chartFrame({ title: 'Success', series: [short] }).xTicks).toEqual([2, 3, 4]);
    const fractional = { name: 'f', points: [2, 3.5, 4].map((x) => ({ x, y: 0.5 })) };
    expect(chartFrame({ title: 'F', series: [fractional] }).xTicks).toEqual([2, 2.5, 3, 3.5, 4]);
  });
});

describe('formatTick', () => {
  it('keeps labels short', () => {
    expect(formatTick(0)).toBe('0');
    expect(formatTick(0.30000000000000004)).toBe('0.3');
    expect(formatTick(1234.5678)).toBe('1235');
    expect(formatTick(0.0001)).toBe('1.0e-4');
    expect(formatTick(250000)).toBe('2.5e+5');
  });
});

describe('renderLineChart', () => {
  it('places points linearly in the plot area: x over the step range, y over the domain', () => {
    const options = { title: 'Reward', series: [rising], width: 640, height: 300, yDomain: [0, 1] as const };
    const frame = chartFrame(options);
    // One legend row; plot area 64..624 by 54..256.
    expect(frame.top).toBe(CHART_MARGIN.top + LEGEND_ROW_HEIGHT);
    expect([frame.left, frame.right, frame.bottom]).toEqual([64, 624, 256]);
    expect(polylinePoints(frame, rising)).toBe('64,256 344,155 624,54');
    expect(renderLineChart(options)).toContain('points="64,256 344,155 624,54"');
  });

  it('widens the y range to the outer ticks and labels them', () => {
    const series = { name: 'kl', points: [0.2, 0.9].map((y, x) => ({ x, y })) };
    const frame = chartFrame({ title: 'KL', series: [series] });
    expect(frame.yDomain).toEqual([0.2, 1]);
    expect(frame.xDomain).toEqual([0, 1]);
    const svg = renderLineChart({ title: 'KL', series: [series] });
    for (const label of ['0.2', '0.4', '0.6', '0.8', '1']) expect(svg).toContain(`>${label}</text>`);
  });

  it('draws one polyline and one legend entry per series, in distinct colours', () => {
    const falling = {
      name: 'reward/format/mean',
      points: rising.points.map((p) => ({ x: p.x, y: 1 - p.y })),
    };
    const svg = renderLineChart({ title: 'Reward', series: [rising, falling] });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('>reward/mean</text>');
    expect(svg).toContain('>reward/format/mean</text>');
    const colours = [...svg.matchAll(/<polyline[^>]*stroke="(#[0-9A-F]{6})"/g)].map((match) => match[1]);
    expect(new Set(colours).size).toBe(2);
  });

  it('draws a lone point as a dot, skips non-finite values, and survives a flat series', () => {
    const lone = renderLineChart({
      title: 'Success',
      series: [{ name: 'eval', points: [{ x: 4, y: 0.5 }] }],
    });
    expect(lone).toContain('<circle');
    expect(lone).not.toContain('<polyline');
    const gappy = { name: 'loss', points: [0, Number.NaN, 2].map((y, x) => ({ x, y })) };
    const frame = chartFrame({ title: 'Loss', series: [gappy] });
    expect(polylinePoints(frame, gappy).split(' ')).toHaveLength(2);
    const flat = renderLineChart({
      title: 'Flat',
      series: [{ name: 'f', points: [0, 1].map((x) => ({ x, y: 0 })) }],
    });
    expect(flat).not.toMatch(/NaN|Infinity/);
  });

  it('escapes titles, labels and series names', () => {
    const svg = renderLineChart({
      title: '<script>alert(1)</script>',
      yLabel: 'a & b',
      series: [{ name: '"><img src=x>', points: rising.points }],
    });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('a &amp; b');
  });

  it('wraps a long legend onto more rows and moves the plot down', () => {
    const many = Array.from({ length: 8 }, (_, index) => ({
      name: `reward/some_long_part_name_${index}/mean`,
      points: rising.points,
    }));
    const frame = chartFrame({ title: 'Reward', series: many });
    expect(frame.legendRows.length).toBeGreaterThan(1);
    expect(frame.legendRows.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(frame.top).toBe(CHART_MARGIN.top + frame.legendRows.length * LEGEND_ROW_HEIGHT);
  });
});
