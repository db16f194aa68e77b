// ledger.js — 台账: the ledger's filters (kept in the page URL, so a
// filtered view can be bookmarked or sent), paging, and XLSX/CSV export of
// the same filter. The API answers only the slips the caller may see.
'use strict';

const FIELDS = ['status', 'department', 'color', 'escalation', 'batch', 'category', 'q', 'overdue'];
let cursor = '';

function filterQuery(form) {
  const q = new URLSearchParams();
  for (const name of FIELDS) {
    const f = form.elements[name];
    if (f.type === 'checkbox') { if (f.checked) q.set(name, f.value); continue; }
    const v = f.value.trim();
    if (v) q.set(name, v);
  }
  return q;
}

function fillForm(form, q) {
  for (const name of FIELDS) {
    const f = form.elements[name];
    if (f.type === 'checkbox') f.checked = q.get(name) === f.value;
    else if (q.has(name)) f.value = q.get(name);
  }
}

function row(s) {
  return D.el('tr', { dataset: { slipId: s.id, status: s.status } },
    D.el('td', { class: 'nowrap', text: s.number }),
    D.el('td', {}, D.slipLink(s)),
    D.el('td', { text: D.deptName(s.lead_department) }),
    D.el('td', { text: D.deptList(s.co_departments) }),
    D.el('td', { text: s.batch }),
    D.el('td', { class: 'nowrap', text: D.fmtDate(s.issued_at) }),
    D.el('td', { class: 'nowrap', text: D.deadlineText(s) }),
    D.el('td', {}, D.colourBadge(s)),
    D.el('td', {}, D.statusBadge(s)));
}

async function load(form, more) {
  const q = filterQuery(form);
  if (!more) {
    cursor = '';
    history.replaceState(null, '', '/ledger' + (q.toString() ? '?' + q : ''));
    for (const [id, format] of [['#export-xlsx', 'xlsx'], ['#export-csv', 'csv']]) {
      const e = new URLSearchParams(q);
      e.set('format', format);
      D.$(id).href = '/api/v1/slips/export?' + e;
    }
  }
  const page = new URLSearchParams(q);
  page.set('page_size', '50');
  if (more && cursor) page.set('cursor', cursor);
  const body = D.$('#ledger-table tbody');
  try {
    const r = await D.api('GET', '/slips?' + page);
    const rows = r.items.map(row);
    if (more) body.append(...rows);
    else body.replaceChildren(...rows);
    if (!more && !rows.length) body.replaceChildren(D.el('tr', {}, D.el('td', { colspan: 9, class: 'muted empty', text: '没有符合条件的交办单' })));
    D.$('#ledger-total').textContent = D.pageTotal(r);
    cursor = r.next_cursor || '';
    D.$('#ledger-more').hidden = !cursor;
    document.body.dataset.loaded = 'true';
  } catch (e) {
    D.flash(D.errorText(e), 'error');
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  const user = await D.start(['office', 'leader', 'department']);
  if (!user) return;
  const form = D.$('#ledger-filter');
  await D.fillDeptControls(form);
  fillForm(form, new URLSearchParams(location.search));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(form, false); });
  form.addEventListener('reset', () => setTimeout(() => load(form, false), 0));
  D.$('#ledger-more').addEventListener('click', () => load(form, true));
  await load(form, false);
});
