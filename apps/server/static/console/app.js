// Operations console: signs in with the admin token, then mounts and refreshes each panel. A panel is a module in
// panels/ exporting `sectionId`, `load()` (fetches its data), `render(data, ctx)` and optionally `mount(ctx)` (wiring
// done once) — add one by importing it below and giving it a <section> in dashboard.html.
import { session } from './api.js';
import { $, show } from './dom.js';
import * as thresholds from './panels/thresholds.js';
import * as audit from './panels/audit.js';
import * as feedback from './panels/feedback.js';
import * as churnPhrases from './panels/churn-phrases.js';
import * as verdicts from './panels/verdicts.js';

const PANELS = [thresholds, audit, feedback, churnPhrases, verdicts];

/** What every panel receives: a way to refresh the whole console after a change. */
const ctx = { refresh: refreshAll };

async function refreshAll() {
  // Every panel's data first, then every render: a refused token (or any failed load) shows no panel, and the
  // panels never show a mix of old and new data.
  const data = await Promise.all(PANELS.map((panel) => panel.load()));
  PANELS.forEach((panel, i) => panel.render(data[i], ctx));
}

async function connect(event) {
  if (event) event.preventDefault();
  session.token = $('token').value || session.token;
  session.author = $('author').value || session.author;
  try {
    await refreshAll();
    session.remember();
    show('', '');
  } catch (error) {
    show(`Cannot load thresholds: ${error.message}`, 'error');
  }
}

function start() {
  $('author').value = session.author;
  $('login').addEventListener('submit', connect);
  for (const panel of PANELS) if (panel.mount) panel.mount(ctx);
  if (session.token && session.author) void connect();
}

// Module scripts run after the document is parsed, so the elements exist already.
start();
