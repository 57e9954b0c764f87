// Audit trail panel: the latest threshold changes, newest first.
import { api } from '../api.js';
import { $, cell, fmt } from '../dom.js';

/** The section this panel renders into. */
export const sectionId = 'audit-section';

/** Loads the 50 latest audit entries. */
export function load() {
  return api('GET', '/admin/api/audit?limit=50');
}

/** Renders the entries `load` returned. */
export function render(data) {
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
    // A temporary override says until when it was set (the revert has its own row, by the expiry).
    cell(tr, e.expiresAt ? `${e.reason} (temporary, until ${new Date(e.expiresAt).toLocaleString()})` : e.reason);
    body.appendChild(tr);
  }
  $(sectionId).hidden = false;
}
