// Live view: this server's escalations per minute by label and priority, the active-label mix, classify latency,
// queue depth and 429 rate (GET /admin/api/live — the same counts as /metrics). Refreshes itself every few seconds
// while shown, without reloading the page; the chart is uPlot, served from the npm package under /dashboard/vendor/.
import uPlot from '../../vendor/uplot/uPlot.esm.js';
import { api } from '../api.js';
import { $ } from '../dom.js';

/** The section this panel renders into. */
export const sectionId = 'live-section';

/** Seconds between refreshes while the panel is shown. */
const POLL_SECONDS = 5;

const SERIES = [
  { key: 'frustration', from: 'escalationsByLabel', label: 'frustration', stroke: '#c0392b' },
  { key: 'churn_risk', from: 'escalationsByLabel', label: 'churn_risk', stroke: '#8e44ad' },
  { key: 'high', from: 'escalationsByPriority', label: 'priority high', stroke: '#d35400', dash: [6, 4] },
  { key: 'normal', from: 'escalationsByPriority', label: 'priority normal', stroke: '#2471a3', dash: [2, 3] },
];

let chart = null;
let timer = null;

/** Loads the chosen window of per-minute counters. */
export function load() {
  const minutes = $('live-window') ? $('live-window').value : '60';
  return api('GET', `/admin/api/live?minutes=${encodeURIComponent(minutes)}`);
}

const ms = (x) => (x === null || x === undefined ? '—' : `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`);
const pct = (x) => `${(100 * x).toFixed(1)} %`;

function setStat(id, text) {
  $(id).textContent = text;
}

function chartData(data) {
  const xs = data.minutes.map((m) => Date.parse(m.at) / 1000);
  return [xs, ...SERIES.map((s) => data.minutes.map((m) => m[s.from][s.key] || 0))];
}

function chartWidth() {
  return Math.max(280, $('live-chart').clientWidth || 600);
}

function drawChart(data) {
  const values = chartData(data);
  if (chart) {
    chart.setData(values);
    return;
  }
  chart = new uPlot(
    {
      width: chartWidth(),
      height: 240,
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{}, { label: 'escalations / minute' }],
      series: [{}, ...SERIES.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, dash: s.dash }))],
    },
    values,
    $('live-chart'),
  );
  window.addEventListener('resize', () => chart && chart.setSize({ width: chartWidth(), height: 240 }));
}

/** Renders the counters `load` returned and keeps them fresh while the section is shown. */
export function render(data) {
  const t = data.totals;
  const esc = (o) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  setStat('live-escalations', esc(t.escalationsByLabel));
  setStat('live-priorities', esc(t.escalationsByPriority));
  setStat('live-texts', String(t.texts));
  setStat(
    'live-mix',
    t.texts === 0
      ? 'no texts'
      : Object.entries(t.activeLabels).map(([k, v]) => `${k} ${pct(v / t.texts)}`).join(', ') || 'no label active',
  );
  setStat('live-latency', `${ms(t.p50Ms)} / ${ms(t.p99Ms)}`);
  setStat('live-queue', `${data.queueDepth} now, ${Math.max(0, ...data.minutes.map((m) => m.maxQueueDepth))} at most`);
  setStat('live-429', `${pct(t.tooManyRate)} (${t.tooManyRequests} of ${t.requests} requests)`);
  setStat('live-updated', `Updated ${new Date().toLocaleTimeString()}`);
  $(sectionId).hidden = false;
  drawChart(data);
  if (!timer) timer = setInterval(refresh, POLL_SECONDS * 1000);
}

async function refresh() {
  if ($(sectionId).hidden || document.hidden) return;
  try {
    render(await load());
  } catch (error) {
    setStat('live-updated', `Not updated: ${error.message}`);
    // A refused credential stops the polling: retrying it every few seconds would only count failed sign-ins
    // against this address (the admin API locks an address out after too many). Signing in again restarts it.
    if (/^(401|403|429):/.test(error.message)) {
      clearInterval(timer);
      timer = null;
    }
  }
}

/** Wires the window choice and the refresh button. */
export function mount() {
  $('live-window').addEventListener('change', () => void refresh());
  $('live-refresh').addEventListener('click', () => void refresh());
}
