// Operations console: signs in with a token (shared admin, named operator or agent), then loads and renders each
// panel. A panel is a module in panels/ exporting `sectionId`, `load(get)` (fetches its data with the refresh's shared `get`), `render(data, ctx)` and
// optionally `mount(ctx)` (wiring done once) — add one by importing it below and giving it a <section> in
// dashboard.html. A panel whose load is refused with 403 (an agent's token on an operator's panel) stays hidden; a
// 401 or 429 refuses the whole sign-in.
import { session, sharedGet } from './api.js';
import { $, show } from './dom.js';
import * as thresholds from './panels/thresholds.js';
import * as audit from './panels/audit.js';
import * as feedback from './panels/feedback.js';
import * as churnPhrases from './panels/churn-phrases.js';
import * as whatIf from './panels/what-if.js';
import * as verdicts from './panels/verdicts.js';
import * as live from './panels/live.js';

const PANELS = [thresholds, whatIf, audit, feedback, churnPhrases, verdicts, live];

/** What every panel receives: a way to refresh the whole console after a change. */
const ctx = { refresh: refreshAll };

async function refreshAll() {
  // Every panel's data first, then every render, so the panels never show a mix of old and new data.
  const get = sharedGet();
  const results = await Promise.allSettled(PANELS.map((panel) => panel.load(get)));
  // A refused credential (401) or a locked-out address (429) ends the sign-in: no panel is shown.
  const refused = results.find((r) => r.status === 'rejected' && /^(401|429):/.test(r.reason.message));
  if (refused) throw refused.reason;
  // Signed in means some panel got its data.
  if (!results.some((r) => r.status === 'fulfilled')) throw results[0].reason;
  const failed = [];
  PANELS.forEach((panel, i) => {
    const result = results[i];
    if (result.status === 'fulfilled') return panel.render(result.value, ctx);
    // 403: a panel this person may not use (an agent's token on an operator's panel) stays hidden, silently.
    $(panel.sectionId).hidden = true;
    if (!/^403:/.test(result.reason.message)) failed.push(`${panel.sectionId.replace(/-section$/, '')}: ${result.reason.message}`);
  });
  return failed;
}

async function connect(event) {
  if (event) event.preventDefault();
  session.token = $('token').value || session.token;
  session.author = $('author').value || session.author;
  try {
    const failed = await refreshAll();
    session.remember();
    show(failed.length ? `Some panels could not load: ${failed.join('; ')}` : '', failed.length ? 'error' : '');
  } catch (error) {
    show(`Cannot sign in: ${error.message}`, 'error');
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
