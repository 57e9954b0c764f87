// Agents' feedback panel: threshold proposals from the false-positive rates agents reported (on sign-in and on demand).
import { api } from '../api.js';
import { $, cell, fmt, show } from '../dom.js';

/** The section this panel renders into. */
export const sectionId = 'feedback-section';

function renderReport(report) {
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

/** Wires the "load report" button once. */
export function mount() {
  $('load-feedback').addEventListener('click', async () => {
    try {
      renderReport(await api('GET', '/admin/api/feedback-report'));
    } catch (error) {
      show(`Cannot load the feedback report: ${error.message}`, 'error');
    }
  });
}

/** The report (kept up to date by the server as verdicts arrive, so loading it is cheap). */
export function load() {
  return api('GET', '/admin/api/feedback-report');
}

/** Shows the panel with the report. */
export function render(report) {
  renderReport(report);
  $(sectionId).hidden = false;
}
