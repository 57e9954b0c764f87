// Thresholds panel: the effective threshold of every label with its layer, and override changes with a reason.
import { api, get as plainGet, session } from '../api.js';
import { $, cell, fmt, show } from '../dom.js';

/** The section this panel renders into. */
export const sectionId = 'thresholds-section';

/** Longest temporary override the API accepts, in hours (seven days). */
const MAX_HOURS = 168;

/** Who the server says this session is: a named operator signs changes with their own name. */
let operator = null;

/** Updates the "reverts" cells every second while a temporary override is shown. */
let ticker = null;
/** When the console last refreshed because an override shown had run out (ms). */
let refreshedForExpiry = 0;

/** "in 1 h 5 min" (or "in 12 s") until `iso`. */
function timeLeft(iso) {
  const s = Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 1000));
  if (s < 60) return `in ${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return h > 0 ? `in ${h} h ${m} min` : `in ${m} min`;
}

/** Renders the thresholds `load` returned. */
export function render(data, ctx) {
  operator = data.operator && data.operator.name;
  $('model').textContent = `Model ${data.modelId}${operator ? ` · signed in as ${operator}` : ''}`;
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
    const expires = cell(tr, '', row.overrideExpiresAt ? 'expires temporary' : 'expires');
    if (row.overrideExpiresAt) {
      expires.dataset.expiresAt = row.overrideExpiresAt;
      expires.title = row.overrideExpiresAt;
    } else if (row.override !== null) expires.textContent = 'when cleared';
    const actions = cell(tr, '');
    const value = Object.assign(document.createElement('input'), {
      type: 'number', min: '0.001', max: '0.999', step: '0.001', className: 'value', placeholder: 'value',
    });
    value.setAttribute('aria-label', `New ${row.label} threshold`);
    const reason = Object.assign(document.createElement('input'), { type: 'text', className: 'reason', placeholder: 'reason (required)', maxLength: 500 });
    reason.setAttribute('aria-label', `Reason for changing ${row.label}`);
    const hours = Object.assign(document.createElement('input'), {
      type: 'number', min: '0', max: String(MAX_HOURS), step: 'any', className: 'hours', placeholder: 'for N hours',
    });
    hours.setAttribute('aria-label', `Hours the ${row.label} override lasts (empty: until cleared)`);
    const set = Object.assign(document.createElement('button'), { type: 'button', className: 'set', textContent: 'Set' });
    const clear = Object.assign(document.createElement('button'), { type: 'button', className: 'clear', textContent: 'Clear', disabled: row.override === null });
    set.addEventListener('click', () =>
      change(row.label, value.value === '' ? NaN : Number(value.value), reason.value, ctx, hours.value === '' ? null : Number(hours.value)));
    clear.addEventListener('click', () => change(row.label, null, reason.value, ctx, null));
    actions.append(value, hours, reason, set, clear);
    body.appendChild(tr);
  }
  tick(ctx);
  clearInterval(ticker);
  ticker = body.querySelector('td[data-expires-at]') ? setInterval(() => tick(ctx), 1000) : null;
  $(sectionId).hidden = false;
}

/**
 * Shows the time left of each temporary override; once one has run out, refreshes the console (at most every five
 * seconds) so that the server's revert shows up without a reload.
 */
function tick(ctx) {
  let due = false;
  for (const td of $('thresholds').querySelectorAll('td[data-expires-at]')) {
    const at = td.dataset.expiresAt;
    td.textContent = `${timeLeft(at)} (${new Date(at).toLocaleString()})`;
    if (Date.parse(at) <= Date.now()) due = true;
  }
  if (due && Date.now() - refreshedForExpiry > 5000) {
    refreshedForExpiry = Date.now();
    // The server reverts within its check interval (a second by default): give it that long.
    setTimeout(() => ctx.refresh().catch(() => undefined), 1500);
  }
}

async function change(label, value, reason, ctx, hours) {
  if (value !== null && !(value > 0 && value < 1)) return show(`${label}: enter a value between 0 and 1`, 'error');
  if (hours !== null && !(hours > 0 && hours <= MAX_HOURS)) return show(`${label}: hours must be more than 0 and at most ${MAX_HOURS}`, 'error');
  if (!reason.trim()) return show(`${label}: a reason is required (it goes to the audit trail)`, 'error');
  // A named operator is the author (the server knows who signed in); with the shared token, the name typed in.
  const body = { value, reason, ...(operator ? {} : { author: session.author }) };
  if (hours !== null) body.expiresInMinutes = hours * 60;
  try {
    await api('PUT', `/admin/api/thresholds/${encodeURIComponent(label)}/override`, body);
    const lasting = hours === null ? '' : ` for ${hours} h`;
    show(value === null ? `${label}: override cleared` : `${label}: override set to ${value}${lasting}`, 'ok');
    await ctx.refresh();
  } catch (error) {
    show(`${label}: ${error.message}`, 'error');
  }
}

/** Loads the thresholds; rejects when the admin API refuses (wrong token, disabled API). */
export function load(get = plainGet) {
  return get('/admin/api/thresholds');
}
