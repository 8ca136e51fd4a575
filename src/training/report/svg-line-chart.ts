// A small inline-SVG line chart for the run report: axes with "nice" ticks (steps of 1, 2 or 5 times
// a power of ten, as in d3's scale.ticks), one polyline per series and a legend. No fonts, no scripts.

import { escapeHtml } from './html-escape.js';

/** One data point: x is usually the training step. */
export type ChartPoint = { readonly x: number; readonly y: number };

/** A named line. */
export type ChartSeries = { readonly name: string; readonly points: readonly ChartPoint[] };

/** Options of `renderLineChart`. */
export type LineChartOptions = {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  /** Default 'step'. */
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Pixels; default 600 by 300 (two charts side by side on a laptop screen). */
  readonly width?: number;
  readonly height?: number;
  /** A fixed y range (a rate: [0, 1]); default the data's range widened to the outer ticks. */
  readonly yDomain?: readonly [number, number];
};

/** Space around the plot area, in pixels; the top grows by `LEGEND_ROW_HEIGHT` per legend row. */
export const CHART_MARGIN = { top: 36, right: 16, bottom: 44, left: 64 } as const;
/** Height of one legend row. */
export const LEGEND_ROW_HEIGHT = 18;
/** Roughly how many ticks each axis gets. */
export const TARGET_TICKS = 5;
/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
export const SERIES_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

/** Series with at most this many points get a dot on each (sparse evaluations show where they were measured). */
export const MAX_MARKED_POINTS = 24;

const CHAR_WIDTH = 7; // approximate width of a 12px sans-serif character, for laying out the legend
const LEGEND_SWATCH = 22;

/** Where the plot area is and what it shows. */
export type ChartFrame = {
  readonly width: number;
  readonly height: number;
  /** Plot area in pixels. */
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly xDomain: readonly [number, number];
  readonly yDomain: readonly [number, number];
  readonly xTicks: readonly number[];
  readonly yTicks: readonly number[];
  /** Legend rows: indices into the series. */
  readonly legendRows: readonly (readonly number[])[];
};

/**
 * Tick values covering [min, max] with a step of 1, 2 or 5 × 10^k (at least `minStep`) chosen so
 * about `count` ticks result; the first tick is ≤ min and the last ≥ max. Equal bounds give one tick.
 */
export function niceTicks(min: number, max: number, count = TARGET_TICKS, minStep = 0): number[] {
  if (!(max > min)) return [min];
  const step = Math.max(minStep, niceStep((max - min) / Math.max(1, count - 1)));
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let index = first; index <= last; index++) ticks.push(Number((index * step).toPrecision(12)));
  return ticks;
}

function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Lays out a chart: legend rows, plot area, domains (x: the data's range; y: widened to ticks) and ticks. */
export function chartFrame(options: LineChartOptions): ChartFrame {
  const width = options.width ?? 600;
  const height = options.height ?? 300;
  const points = options.series.flatMap((series) => finitePoints(series.points));
  const legendRows = layoutLegend(
    options.series.map((series) => series.name),
    width - CHART_MARGIN.left - CHART_MARGIN.right,
  );
  const xs = points.map((point) => point.x);
  const ys = points.map((point) => point.y);
  let xDomain = padded(Math.min(...xs), Math.max(...xs), points.length === 0);
  let yDomain: readonly [number, number];
  let yTicks: number[];
  if (options.yDomain !== undefined) {
    yDomain = options.yDomain;
    yTicks = niceTicks(yDomain[0], yDomain[1]).filter((tick) => tick >= yDomain[0] && tick <= yDomain[1]);
  } else {
    const range = padded(Math.min(...ys), Math.max(...ys), points.length === 0);
    yTicks = niceTicks(range[0], range[1]);
    yDomain = [yTicks[0], yTicks[yTicks.length - 1]];
  }
  // Steps are whole numbers: no tick at step 2.5.
  const wholeX = xs.every((x) => Number.isInteger(x));
  const xTicks = niceTicks(xDomain[0], xDomain[1], TARGET_TICKS, wholeX ? 1 : 0).filter(
    (tick) => tick >= xDomain[0] && tick <= xDomain[1],
  );
  xDomain = [xDomain[0], xDomain[1]];
  return {
    width,
    height,
    left: CHART_MARGIN.left,
    top: CHART_MARGIN.top + legendRows.length * LEGEND_ROW_HEIGHT,
    right: width - CHART_MARGIN.right,
    bottom: height - CHART_MARGIN.bottom,
    xDomain,
    yDomain,
    xTicks,
    yTicks,
    legendRows,
  };
}

/** A degenerate range (one value, or no data) widened so it can be drawn. */
function padded(min: number, max: number, empty: boolean): [number, number] {
  if (empty) return [0, 1];
  if (max > min) return [min, max];
  const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
  return [min - pad, max + pad];
}

/** The pixel position of a data point in the frame's plot area (SVG y grows downwards). */
export function projectPoint(frame: ChartFrame, point: ChartPoint): ChartPoint {
  const [x0, x1] = frame.xDomain;
  const [y0, y1] = frame.yDomain;
  return {
    x: round(frame.left + ((point.x - x0) / (x1 - x0)) * (frame.right - frame.left)),
    y: round(frame.bottom - ((point.y - y0) / (y1 - y0)) * (frame.bottom - frame.top)),
  };
}

/** The `points` attribute of a series' polyline: `x,y` pixel pairs separated by spaces, in x order. */
export function polylinePoints(frame: ChartFrame, series: ChartSeries): string {
  return finitePoints(series.points)
    .map((point) => projectPoint(frame, point))
    .map((pixel) => `${pixel.x},${pixel.y}`)
    .join(' ');
}

/** A tick label: up to four significant digits, exponent form for very large or small values. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(1);
  return String(Number(value.toPrecision(4)));
}

/** The chart as an `<svg>` element; every text is escaped. Series without finite points are skipped. */
export function renderLineChart(options: LineChartOptions): string {
  const frame = chartFrame(options);
  const { width, height, left, top, right, bottom } = frame;
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.title)}">`,
    `<title>${escapeHtml(options.title)}</title>`,
    `<text class="chart-title" x="${left}" y="18">${escapeHtml(options.title)}</text>`,
  );
  for (const tick of frame.yTicks) {
    const y = projectPoint(frame, { x: frame.xDomain[0], y: tick }).y;
    parts.push(
      `<line class="grid" x1="${left}" y1="${y}" x2="${right}" y2="${y}"/>`,
      `<text class="tick" x="${left - 6}" y="${y + 4}" text-anchor="end">${formatTick(tick)}</text>`,
    );
  }
  for (const tick of frame.xTicks) {
    const x = projectPoint(frame, { x: tick, y: frame.yDomain[0] }).x;
    parts.push(
      `<line class="axis" x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}"/>`,
      `<text class="tick" x="${x}" y="${bottom + 18}" text-anchor="middle">${formatTick(tick)}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}"/>`,
    `<line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${bottom}"/>`,
    `<text class="axis-label" x="${round((left + right) / 2)}" y="${height - 6}" text-anchor="middle">` +
      `${escapeHtml(options.xLabel ?? 'step')}</text>`,
  );
  if (options.yLabel !== undefined) {
    const middle = round((top + bottom) / 2);
    parts.push(
      `<text class="axis-label" x="14" y="${middle}" text-anchor="middle" ` +
        `transform="rotate(-90 14 ${middle})">${escapeHtml(options.yLabel)}</text>`,
    );
  }
  options.series.forEach((series, index) => {
    const colour = SERIES_COLOURS[index % SERIES_COLOURS.length];
    const points = finitePoints(series.points);
    if (points.length === 1) {
      const pixel = projectPoint(frame, points[0]);
      parts.push(`<circle cx="${pixel.x}" cy="${pixel.y}" r="3" fill="${colour}"/>`);
    } else if (points.length > 1) {
      parts.push(
        `<polyline class="series" fill="none" stroke="${colour}" stroke-width="2" ` +
          `points="${polylinePoints(frame, series)}"><title>${escapeHtml(series.name)}</title></polyline>`,
      );
      if (points.length <= MAX_MARKED_POINTS) {
        for (const point of points) {
          const pixel = projectPoint(frame, point);
          parts.push(`<circle cx="${pixel.x}" cy="${pixel.y}" r="2.5" fill="${colour}"/>`);
        }
      }
    }
  });
  frame.legendRows.forEach((row, rowIndex) => {
    let x = left;
    const y = CHART_MARGIN.top + rowIndex * LEGEND_ROW_HEIGHT;
    for (const index of row) {
      const colour = SERIES_COLOURS[index % SERIES_COLOURS.length];
      const name = options.series[index].name;
      parts.push(
        `<line x1="${x}" y1="${y - 4}" x2="${x + 16}" y2="${y - 4}" stroke="${colour}" stroke-width="3"/>`,
        `<text class="legend" x="${x + LEGEND_SWATCH}" y="${y}">${escapeHtml(name)}</text>`,
      );
      x += legendItemWidth(name);
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function legendItemWidth(name: string): number {
  return LEGEND_SWATCH + name.length * CHAR_WIDTH + 16;
}

/** Legend items packed left to right into rows no wider than `available` pixels. */
function layoutLegend(names: readonly string[], available: number): number[][] {
  const rows: number[][] = [];
  let used = Infinity;
  names.forEach((name, index) => {
    const itemWidth = legendItemWidth(name);
    if (used + itemWidth > available && used > 0) {
      rows.push([]);
      used = 0;
    }
    rows[rows.length - 1].push(index);
    used += itemWidth;
  });
  return rows;
}

function finitePoints(points: readonly ChartPoint[]): ChartPoint[] {
  return points
    .filter((point) => Number.isFinite(point.x) && Number.isFinite(point.y))
    .sort((a, b) => a.x - b.x);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
