// portfolio.js — 挂图作战: the projects the user may see as a Gantt-style
// chart (each milestone's planned span and its actual date, coloured by its
// 三色, with a today line), the counts of the same filter (N 个项目 / M 个已
// 开工 / K 个已销号) and the list. Everything comes from GET /projects;
// the filters are kept in the URL.
'use strict';

const FILTERS = ['batch', 'owner', 'leader', 'category', 'color'];
let gantt = null;

function fillSelect(sel, values) {
  const box = D.$(sel);
  const current = box.value;
  const have = new Set(Array.from(box.options, (o) => o.value));
  for (const [value, label] of values) {
    if (!have.has(value)) box.append(D.el('option', { value, text: label }));
  }
  box.value = current;
}

function renderTable(items) {
  const body = D.$('#pf-table tbody');
  body.replaceChildren(...items.map((p) => D.el('tr', { dataset: { projectId: p.id } },
    D.el('td', {}, D.el('a', { href: '/projects/' + encodeURIComponent(p.id), text: p.name })), D.el('td', { text: p.batch }), D.el('td', { text: p.owner_unit_label || p.owner_unit }),
    D.el('td', { text: p.leader_name }), D.el('td', {}, D.colourBadge(p)),
    D.el('td', { text: p.milestones.map((m) => m.name + (m.status === 'open' ? '' : '✓')).join(' → ') }),
    D.el('td', { text: p.end_date }))));
  if (!items.length) body.append(D.el('tr', {}, D.el('td', { colspan: 7, class: 'muted', text: '没有符合条件的项目' })));
}

async function load() {
  const params = new URLSearchParams(location.search);
  for (const f of FILTERS) D.$('#pf-' + f).value = params.get(f) || '';
  const q = new URLSearchParams();
  for (const f of FILTERS) if (params.get(f)) q.set(f, params.get(f));
  try {
    const [all, page] = await Promise.all([D.api('GET', '/projects'), D.api('GET', '/projects' + (q.toString() ? '?' + q : ''))]);
    fillSelect('#pf-batch', [...new Set(all.items.map((p) => p.batch).filter(Boolean))].map((b) => [b, b]));
    fillSelect('#pf-owner', [...new Map(all.items.map((p) => [p.owner_unit, p.owner_unit_label || p.owner_unit]))]);
    fillSelect('#pf-leader', [...new Map(all.items.map((p) => [String(p.leader_id), p.leader_name]))]);
    fillSelect('#pf-category', [...new Map(all.items.map((p) => [p.category, p.category_label || p.category]))]);
    for (const f of FILTERS) D.$('#pf-' + f).value = params.get(f) || '';
    const c = page.counts;
    D.$('#pf-summary').textContent = Gantt.summary(c);
    D.counters(D.$('#pf-counters'), [['项目', c.total], ['已开工', c.started], ['已销号', c.signed_off, 'green'],
      ['红', c.red, 'red'], ['黄', c.yellow, 'yellow'], ['绿', c.green, 'green']]);
    if (window.echarts) {
      gantt = Gantt.draw(D.$('#chart-gantt'), page.items, gantt, () => { document.body.dataset.chartsReady = 'true'; });
    } else {
      D.flash('图表组件未能加载', 'error');
    }
    renderTable(page.items);
    document.body.dataset.loaded = 'true';
  } catch (e) {
    D.flash(D.errorText(e), 'error');
  }
}

(async () => {
  if (!(await D.start(['office', 'leader', 'department', 'inspector']))) return;
  D.$('#pf-filters').addEventListener('change', () => {
    const q = new URLSearchParams();
    for (const f of FILTERS) if (D.$('#pf-' + f).value) q.set(f, D.$('#pf-' + f).value);
    history.replaceState(null, '', '/portfolio' + (q.toString() ? '?' + q : ''));
    document.body.dataset.loaded = '';
    document.body.dataset.chartsReady = '';
    load();
  });
  window.addEventListener('resize', () => gantt && gantt.resize());
  load();
})();
