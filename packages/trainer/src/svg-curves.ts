/** One line of a chart: points in data coordinates. */
export interface CurveSeries {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  /** Draw a marker at each point (for sparse series such as per-epoch values). */
  readonly markers?: boolean;
}

/** One panel of {@link renderCurvesSvg}. */
export interface CurvePanel {
  readonly title: string;
  readonly xLabel: string;
  readonly series: readonly CurveSeries[];
  /** Fixed y range, e.g. [0, 1] for F1; computed from the data when absent. */
  readonly yRange?: readonly [number, number];
}

const PANEL_WIDTH = 420;
const PANEL_HEIGHT = 260;
const MARGIN = { left: 52, right: 12, top: 28, bottom: 40 };

/**
 * Renders line charts side by side as a small standalone SVG (no dependencies, readable in any browser or Markdown
 * viewer). Non-finite points are skipped.
 *
 * @example
 * ```ts
 * const svg = renderCurvesSvg([{ title: 'loss', xLabel: 'step', series: [{ name: 'train', color: '#1f77b4', points: [[1, 0.7], [2, 0.5]] }] }]);
 * ```
 */
export function renderCurvesSvg(panels: readonly CurvePanel[]): string {
  const width = PANEL_WIDTH * Math.max(1, panels.length);
  const body = panels.map((panel, i) => renderPanel(panel, i * PANEL_WIDTH)).join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL_HEIGHT}" viewBox="0 0 ${width} ${PANEL_HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${PANEL_HEIGHT}" fill="white"/>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

function renderPanel(panel: CurvePanel, offsetX: number): string {
  const series = panel.series.map((s) => ({ ...s, points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)) }));
  const all = series.flatMap((s) => s.points);
  const [x0, x1] = range(all.map(([x]) => x));
  const [y0, y1] = panel.yRange ?? range(all.map(([, y]) => y));
  const plotW = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => offsetX + MARGIN.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const parts: string[] = [
    `<text x="${offsetX + PANEL_WIDTH / 2}" y="16" text-anchor="middle" font-size="13">${escapeXml(panel.title)}</text>`,
    `<rect x="${offsetX + MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${offsetX + MARGIN.left + plotW / 2}" y="${PANEL_HEIGHT - 6}" text-anchor="middle">${escapeXml(panel.xLabel)}</text>`,
  ];
  for (const t of ticks(y0, y1)) {
    parts.push(
      `<line x1="${offsetX + MARGIN.left - 4}" x2="${offsetX + MARGIN.left}" y1="${fmt(sy(t))}" y2="${fmt(sy(t))}" stroke="#999"/>`,
      `<text x="${offsetX + MARGIN.left - 6}" y="${fmt(sy(t) + 4)}" text-anchor="end">${label(t)}</text>`,
    );
  }
  for (const t of ticks(x0, x1)) {
    parts.push(
      `<line x1="${fmt(sx(t))}" x2="${fmt(sx(t))}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}" stroke="#999"/>`,
      `<text x="${fmt(sx(t))}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${label(t)}</text>`,
    );
  }
  series.forEach((s, i) => {
    if (s.points.length > 0) {
      const path = s.points.map(([x, y]) => `${fmt(sx(x))},${fmt(sy(y))}`).join(' ');
      parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${path}"/>`);
      if (s.markers) for (const [x, y] of s.points) parts.push(`<circle cx="${fmt(sx(x))}" cy="${fmt(sy(y))}" r="3" fill="${s.color}"/>`);
    }
    const ly = MARGIN.top + 12 + i * 14;
    const lx = offsetX + PANEL_WIDTH - MARGIN.right - 110;
    parts.push(
      `<line x1="${lx}" x2="${lx + 16}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`,
      `<text x="${lx + 20}" y="${ly}">${escapeXml(s.name)}</text>`,
    );
  });
  return `<g>\n${parts.join('\n')}\n</g>`;
}

function range(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** About five round tick values inside [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function label(value: number): string {
  return Math.abs(value) >= 1000 || value === Math.round(value) ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
}

function fmt(value: number): string {
  return value.toFixed(1);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
