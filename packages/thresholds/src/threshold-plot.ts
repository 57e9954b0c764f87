import type { CurvePoint } from './calibrate';

/** What one label's plot shows. */
export interface ThresholdPlotInput {
  readonly label: string;
  /** Points ordered by threshold (see `thresholdCurve`); the plot draws precision, recall and F-β. */
  readonly curve: readonly Pick<CurvePoint, 'threshold' | 'precision' | 'recall' | 'fbeta'>[];
  /** β of the F-β curve (named in the legend). */
  readonly beta: number;
  /** The chosen threshold, drawn as a dashed vertical line. */
  readonly threshold: number;
}

const WIDTH = 680;
const HEIGHT = 400;
const PLOT = { left: 60, right: 520, top: 44, bottom: 348 } as const;
const SERIES = [
  { key: 'precision', name: 'precision', color: '#1f77b4' },
  { key: 'recall', name: 'recall', color: '#ff7f0e' },
  { key: 'fbeta', name: 'F-beta', color: '#2ca02c' },
] as const;

/**
 * A self-contained SVG of precision, recall and F-β versus threshold for one label, with the chosen threshold and
 * the default 0.5 marked. Hand-written so that plotting needs no dependency.
 *
 * @example
 * ```ts
 * writeFileSync('frustration.svg', renderThresholdPlotSvg({ label: 'frustration', curve, beta: 2, threshold: 0.3 }));
 * ```
 */
export function renderThresholdPlotSvg(input: ThresholdPlotInput): string {
  const betaName = `F${Number(input.beta.toFixed(3))}`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
      `font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="24" text-anchor="middle" font-size="15">` +
      `${escapeXml(input.label)}: precision, recall and ${betaName} vs threshold</text>`,
    ...axes(),
    // The two captions sit at opposite ends of their lines so that they never overlap when the lines are close.
    ...marker(DEFAULT_MARK, '#999999', '2 4', 'default 0.5', PLOT.bottom - 6),
    ...marker(input.threshold, '#d62728', '6 4', `chosen ${input.threshold.toFixed(3)}`, PLOT.top + 14),
    ...SERIES.map(
      (s) =>
        `<polyline data-series="${s.key}" fill="none" stroke="${s.color}" stroke-width="2" points="` +
        input.curve.map((p) => `${fmt(x(p.threshold))},${fmt(y(p[s.key]))}`).join(' ') +
        '"/>',
    ),
    ...legend(betaName),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}

const DEFAULT_MARK = 0.5;
const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];

/** Maps a threshold in [0, 1] to an x pixel. */
function x(value: number): number {
  return PLOT.left + value * (PLOT.right - PLOT.left);
}

/** Maps a metric in [0, 1] to a y pixel (SVG's y grows downwards). */
function y(value: number): number {
  return PLOT.bottom - value * (PLOT.bottom - PLOT.top);
}

function axes(): string[] {
  const lines: string[] = [];
  for (const t of TICKS) {
    lines.push(
      `<line x1="${fmt(x(t))}" y1="${PLOT.top}" x2="${fmt(x(t))}" y2="${PLOT.bottom}" stroke="#eeeeee"/>`,
      `<line x1="${PLOT.left}" y1="${fmt(y(t))}" x2="${PLOT.right}" y2="${fmt(y(t))}" stroke="#eeeeee"/>`,
      `<text x="${fmt(x(t))}" y="${PLOT.bottom + 16}" text-anchor="middle">${t.toFixed(1)}</text>`,
      `<text x="${PLOT.left - 8}" y="${fmt(y(t) + 4)}" text-anchor="end">${t.toFixed(1)}</text>`,
    );
  }
  lines.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" ` +
      `fill="none" stroke="#333333"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 36}" text-anchor="middle">threshold</text>`,
    `<text x="18" y="${(PLOT.top + PLOT.bottom) / 2}" text-anchor="middle" ` +
      `transform="rotate(-90 18 ${(PLOT.top + PLOT.bottom) / 2})">score</text>`,
  );
  return lines;
}

function marker(threshold: number, color: string, dash: string, text: string, textY: number): string[] {
  // Near the right edge the caption goes on the left of its line, inside the plot.
  const onLeft = threshold > 0.75;
  const textX = x(threshold) + (onLeft ? -4 : 4);
  return [
    `<line x1="${fmt(x(threshold))}" y1="${PLOT.top}" x2="${fmt(x(threshold))}" y2="${PLOT.bottom}" ` +
      `stroke="${color}" stroke-dasharray="${dash}"/>`,
    `<text x="${fmt(textX)}" y="${textY}" fill="${color}"${onLeft ? ' text-anchor="end"' : ''}>${escapeXml(text)}</text>`,
  ];
}

function legend(betaName: string): string[] {
  const left = PLOT.right + 20;
  return SERIES.flatMap((s, i) => {
    const top = PLOT.top + 10 + i * 22;
    const name = s.key === 'fbeta' ? betaName : s.name;
    return [
      `<line x1="${left}" y1="${top}" x2="${left + 24}" y2="${top}" stroke="${s.color}" stroke-width="3"/>`,
      `<text x="${left + 32}" y="${top + 4}">${escapeXml(name)}</text>`,
    ];
  });
}

function fmt(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
