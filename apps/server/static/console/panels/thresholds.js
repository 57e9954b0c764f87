// Thresholds panel: the effective threshold of every label with its layer, and override changes with a reason.
import { api, session } from '../api.js';
import { $, cell, fmt, show } from '../dom.js';

/** The section this panel renders into. */
export const sectionId = 'thresholds-section';

/** Renders the thresholds `load` returned. */
export function render(data, ctx) {
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
    const value = Object.assign(document.createElement('input'), {
      type: 'number', min: '0.001', max: '0.999', step: '0.001', className: 'value', placeholder: 'value',
    });
    value.setAttribute('aria-label', `New ${row.label} threshold`);
    const reason = Object.assign(document.createElement('input'), { type: 'text', className: 'reason', placeholder: 'reason (required)', maxLength: 500 });
    reason.setAttribute('aria-label', `Reason for changing ${row.label}`);
    const set = Object.assign(document.createElement('button'), { type: 'button', className: 'set', textContent: 'Set' });
    const clear = Object.assign(document.createElement('button'), { type: 'button', className: 'clear', textContent: 'Clear', disabled: row.override === null });
    set.addEventListener('click', () => change(row.label, value.value === '' ? NaN : Number(value.value), reason.value, ctx));
    clear.addEventListener('click', () => change(row.label, null, reason.value, ctx));
    actions.append(value, reason, set, clear);
    body.appendChild(tr);
  }
  $(sectionId).hidden = false;
}

async function change(label, value, reason, ctx) {
  if (value !== null && !(value > 0 && value < 1)) return show(`${label}: enter a value between 0 and 1`, 'error');
  if (!reason.trim()) return show(`${label}: a reason is required (it goes to the audit trail)`, 'error');
  try {
    await api('PUT', `/admin/api/thresholds/${encodeURIComponent(label)}/override`, { value, reason, author: session.author });
    show(value === null ? `${label}: override cleared` : `${label}: override set to ${value}`, 'ok');
    await ctx.refresh();
  } catch (error) {
    show(`${label}: ${error.message}`, 'error');
  }
}

/** Loads the thresholds; rejects when the admin API refuses (wrong token, disabled API). */
export function load() {
  return api('GET', '/admin/api/thresholds');
}
