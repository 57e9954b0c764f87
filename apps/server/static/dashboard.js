// Operations dashboard: reads and changes thresholds through the admin API with the token the operator types.
// The token stays in this tab's sessionStorage; every value is rendered with textContent (never as HTML).
'use strict';

const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem('mangaassist.token') || '', author: sessionStorage.getItem('mangaassist.author') || '' };

function show(message, kind) {
  const box = $('message');
  box.textContent = message;
  box.className = kind;
  box.hidden = !message;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${state.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${response.status}: ${(data.error && data.error.message) || response.statusText}`);
  return data;
}

const fmt = (x) => (x === null || x === undefined ? '—' : Number(x).toFixed(3));

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function renderThresholds(data) {
  $('model').textContent = `Model ${data.modelId}`;
  $('default-threshold').textContent = fmt(data.defaultThreshold);
  const status = $('store-status');
  status.hidden = !data.store.degraded;
  status.className = data.store.degraded ? 'degraded' : '';
  status.textContent = data.store.degraded
    ? `Threshold store unreachable (${data.store.lastError || 'unknown error'}): serving last-known-good thresholds.`
    : '';
  const body = $('thresholds').tBodies[0];
  body.replaceChildren();
  for (const row of data.labels) {
    const tr = document.createElement('tr');
    tr.dataset.label = row.label;
    cell(tr, row.label);
    cell(tr, fmt(row.recommended), 'num recommended');
    cell(tr, fmt(row.override), 'num override');
    cell(tr, row.effective === null ? `${fmt(data.defaultThreshold)} (default)` : fmt(row.effective), 'num effective');
    cell(tr, row.override === null ? '' : `${row.overrideAuthor}: ${row.overrideReason}`, 'why');
    const actions = cell(tr, '');
    const value = Object.assign(document.createElement('input'), { type: 'number', min: '0.001', max: '0.999', step: '0.001', className: 'value', placeholder: 'value' });
    const reason = Object.assign(document.createElement('input'), { type: 'text', className: 'reason', placeholder: 'reason (required)', maxLength: 500 });
    const set = Object.assign(document.createElement('button'), { type: 'button', className: 'set', textContent: 'Set' });
    const clear = Object.assign(document.createElement('button'), { type: 'button', className: 'clear', textContent: 'Clear', disabled: row.override === null });
    set.addEventListener('click', () => change(row.label, value.value === '' ? NaN : Number(value.value), reason.value));
    clear.addEventListener('click', () => change(row.label, null, reason.value));
    actions.append(value, reason, set, clear);
    body.appendChild(tr);
  }
  $('thresholds-section').hidden = false;
}

function renderAudit(data) {
  const body = $('audit').tBodies[0];
  body.replaceChildren();
  for (const e of data.entries) {
    const tr = document.createElement('tr');
    cell(tr, new Date(e.at).toLocaleString());
    cell(tr, e.label);
    cell(tr, e.layer);
    cell(tr, fmt(e.oldValue), 'num');
    cell(tr, fmt(e.newValue), 'num');
    cell(tr, e.author);
    cell(tr, e.reason);
    body.appendChild(tr);
  }
  $('audit-section').hidden = false;
}

function renderFeedback(report) {
  const body = $('feedback').tBodies[0];
  body.replaceChildren();
  for (const p of report.proposals) {
    const tr = document.createElement('tr');
    cell(tr, p.label);
    cell(tr, String(p.samples), 'num');
    cell(tr, `${p.falsePositives} (${(100 * p.falsePositiveRate).toFixed(1)}%)`, 'num');
    cell(tr, fmt(p.currentThreshold), 'num');
    cell(tr, fmt(p.proposedThreshold), 'num');
    cell(tr, p.status);
    cell(tr, p.reason);
    body.appendChild(tr);
  }
  if (report.proposals.length === 0) cell(body.insertRow(), 'No feedback yet.');
}

async function refresh() {
  const [thresholds, audit] = await Promise.all([api('GET', '/admin/api/thresholds'), api('GET', '/admin/api/audit?limit=50')]);
  renderThresholds(thresholds);
  renderAudit(audit);
  $('feedback-section').hidden = false;
}

async function change(label, value, reason) {
  if (value !== null && !(value > 0 && value < 1)) return show(`${label}: enter a value between 0 and 1`, 'error');
  if (!reason.trim()) return show(`${label}: a reason is required (it goes to the audit trail)`, 'error');
  try {
    await api('PUT', `/admin/api/thresholds/${encodeURIComponent(label)}/override`, { value, reason, author: state.author });
    show(value === null ? `${label}: override cleared` : `${label}: override set to ${value}`, 'ok');
    await refresh();
  } catch (error) {
    show(`${label}: ${error.message}`, 'error');
  }
}

async function connect(event) {
  if (event) event.preventDefault();
  state.token = $('token').value || state.token;
  state.author = $('author').value || state.author;
  try {
    await refresh();
    sessionStorage.setItem('mangaassist.token', state.token);
    sessionStorage.setItem('mangaassist.author', state.author);
    show('', '');
  } catch (error) {
    show(`Cannot load thresholds: ${error.message}`, 'error');
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('author').value = state.author;
  $('login').addEventListener('submit', connect);
  $('load-feedback').addEventListener('click', async () => {
    try {
      renderFeedback(await api('GET', '/admin/api/feedback-report'));
    } catch (error) {
      show(`Cannot load the feedback report: ${error.message}`, 'error');
    }
  });
  if (state.token && state.author) void connect();
});
