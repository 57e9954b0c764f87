// Churn phrases panel: the list the churn phrase rule uses, edited with a reason, and its change history.
import { api, get as plainGet, session } from '../api.js';
import { $, cell, show } from '../dom.js';

/** The section this panel renders into. */
export const sectionId = 'churn-phrases-section';

/** Loads the list in force, its source and history; rejects when the admin API refuses. */
export function load(get = plainGet) {
  return Promise.all([get('/admin/api/churn-phrases'), get('/admin/api/thresholds')]).then(([phrases, thresholds]) => ({
    ...phrases,
    operator: thresholds.operator && thresholds.operator.name,
  }));
}

let operator = null;

/** Renders the list, fills the editor with it, and the history newest first. */
export function render(data) {
  operator = data.operator;
  const source = data.source === 'store'
    ? `Set by ${data.updated.author} on ${new Date(data.updated.at).toLocaleString()}: ${data.updated.reason}`
    : 'The configured list (serving.churnRule.phrases): no operator has changed it yet.';
  $('churn-phrases-source').textContent = data.enabled ? source : `${source} The rule is disabled (serving.churnRule.enabled).`;
  const list = $('churn-phrases-list');
  list.replaceChildren(...data.phrases.map((phrase) => Object.assign(document.createElement('li'), { textContent: phrase })));
  $('churn-phrases-input').value = data.phrases.join('\n');
  $('churn-phrases-input').maxLength = data.limits.maxPhrases * (data.limits.maxLength + 1);
  const body = $('churn-phrases-history').tBodies[0];
  body.replaceChildren();
  for (const h of data.history) {
    // The first stored list replaced the configured one.
    const before = new Set(h.oldPhrases || data.configured);
    const after = new Set(h.newPhrases);
    const tr = document.createElement('tr');
    cell(tr, new Date(h.at).toLocaleString());
    cell(tr, h.author);
    cell(tr, h.reason);
    cell(tr, h.newPhrases.filter((p) => !before.has(p)).join(', '), 'added');
    cell(tr, [...before].filter((p) => !after.has(p)).join(', '), 'removed');
    body.appendChild(tr);
  }
  $(sectionId).hidden = false;
}

/** Wires the save form once. */
export function mount(ctx) {
  $('churn-phrases-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const phrases = $('churn-phrases-input').value.split('\n').map((line) => line.trim()).filter(Boolean);
    const reason = $('churn-phrases-reason').value;
    if (phrases.length === 0) return show('Churn phrases: enter at least one phrase', 'error');
    if (!reason.trim()) return show('Churn phrases: a reason is required (it goes to the audit trail)', 'error');
    try {
      await api('PUT', '/admin/api/churn-phrases', { phrases, reason, ...(operator ? {} : { author: session.author }) });
      $('churn-phrases-reason').value = '';
      show(`Churn phrases saved (${phrases.length})`, 'ok');
      await ctx.refresh();
    } catch (error) {
      show(`Churn phrases: ${error.message}`, 'error');
    }
  });
}
