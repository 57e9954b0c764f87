// What-if panel: the calibration curves shipped with the model (precision, recall and the share of messages flagged
// at each threshold, on the calibration split) with the recommended, effective and proposed thresholds marked, so an
// operator sees what a change will do before making it. Nothing is applied here: the thresholds panel does that.
import { get as plainGet } from '../api.js';
import { $, cell, fmt } from '../dom.js';

/** The section this panel renders into. */
export const sectionId = 'what-if-section';

const SVG = 'http://www.w3.org/2000/svg';
const BOX = { left: 44, right: 470, top: 16, bottom: 240 };
const SERIES = [
  { key: 'precision', name: 'precision', color: '#1f77b4', dash: '' },
  { key: 'recall', name: 'recall', color: '#ff7f0e', dash: '' },
  { key: 'positiveRate', name: 'flagged share', color: '#2ca02c', dash: '5 3' },
];
const MARKS = [
  { key: 'recommended', name: 'recommended', color: '#888888' },
  { key: 'effective', name: 'effective', color: '#1d1d1f' },
  { key: 'proposed', name: 'proposed', color: '#c62828' },
];

let state = { curves: null, thresholds: null };

/**
 * The curve's point nearest to `threshold`: the figures a typed value is judged by (the curve is measured every
 * 0.01, so a value between two points reads the nearer one, and the table says which).
 */
export function pointAt(points, threshold) {
  let best = points[0];
  for (const p of points) if (Math.abs(p.threshold - threshold) < Math.abs(best.threshold - threshold)) best = p;
  return best;
}

/** "+32%" / "−10%" / "±0%": the change in flagged messages from `from` to `to` (predicted-positive rates). */
export function volumeChange(from, to) {
  if (from.positiveRate === 0) return to.positiveRate === 0 ? '±0%' : 'from none';
  const change = Math.round(100 * (to.positiveRate / from.positiveRate - 1));
  return change === 0 ? '±0%' : `${change > 0 ? '+' : '−'}${Math.abs(change)}%`;
}

function svg(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const x = (t) => BOX.left + t * (BOX.right - BOX.left);
const y = (v) => BOX.bottom - v * (BOX.bottom - BOX.top);

function plot(points, marks) {
  const root = $('what-if-plot');
  for (const child of [...root.children]) if (child.tagName !== 'title') child.remove();
  root.append(svg('rect', { x: BOX.left, y: BOX.top, width: BOX.right - BOX.left, height: BOX.bottom - BOX.top, fill: 'none', stroke: '#cccccc' }));
  for (const v of [0, 0.5, 1]) {
    root.append(svg('text', { x: BOX.left - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11 }, v.toFixed(1)));
    root.append(svg('text', { x: x(v), y: BOX.bottom + 16, 'text-anchor': 'middle', 'font-size': 11 }, v.toFixed(1)));
  }
  root.append(svg('text', { x: (BOX.left + BOX.right) / 2, y: BOX.bottom + 34, 'text-anchor': 'middle', 'font-size': 12 }, 'threshold'));
  let legend = BOX.top + 8;
  for (const s of SERIES) {
    const path = points.map((p) => `${x(p.threshold).toFixed(1)},${y(p[s.key]).toFixed(1)}`).join(' ');
    root.append(svg('polyline', { points: path, fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dash, 'data-series': s.key }));
    root.append(svg('line', { x1: BOX.right + 16, x2: BOX.right + 40, y1: legend, y2: legend, stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dash }));
    root.append(svg('text', { x: BOX.right + 46, y: legend + 4, 'font-size': 12 }, s.name));
    legend += 20;
  }
  for (const m of MARKS) {
    const t = marks[m.key];
    if (t === null || t === undefined || !(t > 0 && t < 1)) continue;
    root.append(svg('line', { x1: x(t), x2: x(t), y1: BOX.top, y2: BOX.bottom, stroke: m.color, 'stroke-width': 1.5, 'stroke-dasharray': '3 3', 'data-mark': m.key }));
    root.append(svg('line', { x1: BOX.right + 16, x2: BOX.right + 40, y1: legend, y2: legend, stroke: m.color, 'stroke-width': 1.5, 'stroke-dasharray': '3 3' }));
    root.append(svg('text', { x: BOX.right + 46, y: legend + 4, 'font-size': 12 }, `${m.name} ${fmt(t)}`));
    legend += 20;
  }
}

function update() {
  const label = $('what-if-label').value;
  const curve = state.curves.labels[label];
  const row = state.thresholds.labels.find((r) => r.label === label);
  const body = $('what-if-table').tBodies[0];
  body.replaceChildren();
  if (!curve) {
    $('what-if-note').textContent = `No calibration curve for ${label}.`;
    plot([], {});
    return;
  }
  const effective = row && row.effective !== null ? row.effective : state.thresholds.defaultThreshold;
  const typed = $('what-if-threshold').value === '' ? NaN : Number($('what-if-threshold').value);
  const proposed = typed > 0 && typed < 1 ? typed : null;
  const marks = { recommended: row ? row.recommended : null, effective, proposed };
  plot(curve.points, marks);
  const base = pointAt(curve.points, effective);
  for (const m of MARKS) {
    const t = marks[m.key];
    if (t === null || t === undefined) continue;
    const p = pointAt(curve.points, t);
    const tr = document.createElement('tr');
    tr.className = m.key;
    cell(tr, m.name);
    cell(tr, p.threshold === t ? fmt(t) : `${fmt(t)} (read at ${fmt(p.threshold)})`, 'num value');
    cell(tr, fmt(p.precision), 'num precision');
    cell(tr, fmt(p.recall), 'num recall');
    cell(tr, `${(100 * p.positiveRate).toFixed(1)}%`, 'num rate');
    cell(tr, m.key === 'effective' ? 'now' : volumeChange(base, p), 'num volume');
    body.appendChild(tr);
  }
}

/** Wires the label picker and the proposed-threshold field once. */
export function mount() {
  $('what-if-label').addEventListener('change', update);
  $('what-if-threshold').addEventListener('input', update);
}

/** The curves and the thresholds in force (both refused to non-operators, which hides the panel). */
export async function load(get = plainGet) {
  const [curves, thresholds] = await Promise.all([get('/admin/api/calibration-curves'), get('/admin/api/thresholds')]);
  return { curves, thresholds };
}

/** Shows the panel for the chosen label (the first one at sign-in). */
export function render(data) {
  state = data;
  $(sectionId).hidden = false;
  const { curves } = data;
  if (!curves.available) {
    $('what-if-note').textContent =
      'This model ships no calibration curves (calibration-curves.json): run `calibrate` on it and export it again to see what a threshold change will do.';
    $('what-if-form').hidden = true;
    $('what-if-plot').hidden = true;
    $('what-if-table').hidden = true;
    return;
  }
  $('what-if-note').textContent =
    `Measured on the calibration split (${curves.split.examples} messages, ${curves.split.source}). Nothing here is applied: ` +
    'set an override in the thresholds panel.';
  const select = $('what-if-label');
  const chosen = select.value;
  select.replaceChildren(...Object.keys(curves.labels).map((label) => Object.assign(document.createElement('option'), { value: label, textContent: label })));
  if (chosen && curves.labels[chosen]) select.value = chosen;
  update();
}
