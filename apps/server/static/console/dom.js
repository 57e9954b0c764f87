// Small DOM helpers shared by the panels. Every value is rendered with textContent, never as HTML, so text that
// came from customers or operators stays inert.

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** A threshold or probability with three decimals, or an em dash when absent. */
export const fmt = (x) => (x === null || x === undefined ? '—' : Number(x).toFixed(3));

/** Appends a table cell holding `text` (as text) to `row` and returns it. */
export function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

/** Shows a status line to the operator (`kind`: ok | error), or hides it when `message` is empty. */
export function show(message, kind) {
  const box = $('message');
  box.textContent = message;
  box.className = kind;
  box.hidden = !message;
}
