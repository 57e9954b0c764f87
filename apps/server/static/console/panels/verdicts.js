// Agents' verdicts panel: this server's latest escalations with the customer's message and the words behind the
// decision, where the signed-in agent (an agent's or a named operator's token, or the sign-in proxy's name) marks
// each one right or wrong. The message is customer text: it is only ever set as textContent (see dom.js).
import { api } from '../api.js';
import { $, cell, show } from '../dom.js';

/** The section this panel renders into. */
export const sectionId = 'verdicts-section';

/** Words shown per active label. */
const WORDS_SHOWN = 3;

/** The words that weighed most for each label, as plain text ("frustration: late +0.31, again +0.12"). */
function attributionText(attribution) {
  if (!attribution || !Array.isArray(attribution.labels)) return '—';
  return attribution.labels
    .map((l) => `${l.label}: ${l.words.slice(0, WORDS_SHOWN).map((w) => `${w.word} ${w.weight >= 0 ? '+' : ''}${w.weight.toFixed(2)}`).join(', ') || '—'}`)
    .join('; ');
}

function verdictText(verdict) {
  if (!verdict) return '—';
  return verdict.correct ? 'right' : 'wrong';
}

function button(label, escalationId, correct) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.escalationId = escalationId;
  b.dataset.correct = String(correct);
  return b;
}

/** Wires the verdict buttons once (one listener for every row). */
export function mount(ctx) {
  $('verdicts').addEventListener('click', async (event) => {
    const target = event.target;
    if (!(target instanceof HTMLButtonElement) || !target.dataset.escalationId) return;
    const correct = target.dataset.correct === 'true';
    try {
      const stored = await api('POST', '/v1/feedback', { escalationId: target.dataset.escalationId, correct });
      show(`Verdict ${stored.replaced ? 'replaced' : 'stored'}: ${correct ? 'right' : 'wrong'}.`, 'ok');
      await ctx.refresh();
    } catch (error) {
      show(`Cannot store the verdict: ${error.message}`, 'error');
    }
  });
}

/** The latest escalations and the signed-in person's verdicts (the console hides the panel when refused). */
export function load() {
  return api('GET', '/v1/feedback/escalations?limit=50');
}

/** Shows the escalations, newest first, each with its verdict buttons. */
export function render(data) {
  $(sectionId).hidden = false;
  const note = $('verdicts-note');
  const body = $('verdicts').tBodies[0];
  body.replaceChildren();
  const canJudge = data.agent !== null;
  note.textContent = canJudge
    ? `Signed in as ${data.agent}.`
    : 'The shared admin token names nobody: sign in with an agent’s or a named operator’s token to give verdicts.';
  for (const e of data.escalations) {
    const tr = document.createElement('tr');
    tr.dataset.escalationId = e.escalationId;
    cell(tr, new Date(e.at).toLocaleTimeString());
    cell(tr, `${e.priority} (${e.rule})`);
    cell(tr, e.text, 'message');
    cell(tr, attributionText(e.attribution));
    cell(tr, verdictText(e.verdict), 'verdict');
    const actions = cell(tr, '');
    if (canJudge) actions.append(button('Right', e.escalationId, true), button('Wrong', e.escalationId, false));
    body.appendChild(tr);
  }
  if (data.escalations.length === 0) cell(body.insertRow(), 'No escalations on this server yet.');
}
