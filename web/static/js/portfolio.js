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

// showImport renders a project list's preview: each project with its
// milestones (planned backwards where the list gave none) and what blocks
// it; the office confirms the whole list once nothing does.
function showImport(pv) {
  const box = D.$('#pf-import-preview');
  const confirm = D.el('button', { type: 'button', class: 'primary', id: 'pf-import-confirm', disabled: pv.blocked > 0,
    text: '确认登记 ' + pv.projects + ' 个项目' });
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    try {
      const out = await D.api('POST', '/project-imports/' + encodeURIComponent(pv.id) + '/confirm', {});
      box.replaceChildren(D.el('p', { class: 'result', text: '已登记 ' + out.projects.length + ' 个项目' }));
      await load();
    } catch (e) {
      D.flash(D.errorText(e), 'error');
      confirm.disabled = false;
    }
  });
  box.replaceChildren(
    D.el('p', { id: 'pf-import-summary', text: pv.file_name + '：' + pv.projects + ' 个项目，' + pv.blocked + ' 个需修正' }),
    D.el('div', { class: 'table-scroll' }, D.el('table', { class: 'table' },
      D.el('thead', {}, D.el('tr', {}, ['行', '项目', '批次', '节点', '问题'].map((h) => D.el('th', { text: h })))),
      D.el('tbody', {}, pv.entries.map((e) => D.el('tr', { dataset: { blocked: e.issues.some((i) => i.blocking) ? 'true' : 'false' } },
        D.el('td', { text: e.lines.join('、') }), D.el('td', { text: e.draft.name }), D.el('td', { text: e.draft.batch || '' }),
        D.el('td', { text: (e.milestones || []).map((m) => m.key + ' ' + m.planned).join('；') + (e.planned ? '（倒排）' : '') }),
        D.el('td', { class: 'error', text: e.issues.map((i) => i.message).join('；') })))))),
    confirm);
}

(async () => {
  const user = await D.start(['office', 'leader', 'department', 'inspector']);
  if (!user) return;
  if (user.role === 'office') {
    D.$('#pf-import').hidden = false;
    D.$('#pf-import-file').addEventListener('change', async (ev) => {
      const file = ev.target.files[0];
      if (!file) return;
      try {
        showImport(await D.upload('/project-imports?name=' + encodeURIComponent(file.name), file));
      } catch (e) {
        D.$('#pf-import-preview').replaceChildren(D.el('p', { class: 'error', text: D.errorText(e) }));
      }
    });
  }
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
