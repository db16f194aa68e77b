// sheets.js — 三考三比: a group's monthly "15+X" sheet, each village's score
// per task, its total and its rank within the group (ties share a place),
// as GET /sheets/{group}/{month} computes them; the office enters a
// village's scores (at most two decimals, 0 to the task's maximum: the API
// refuses anything else).
'use strict';

let user = null;
let sheet = null;

function lastMonth() {
  const [y, m] = D.today().split('-').map(Number);
  const t = y * 12 + (m - 1) - 1;
  return Math.floor(t / 12) + '-' + String((t % 12) + 1).padStart(2, '0');
}
function path() { return '/sheets/' + encodeURIComponent(D.$('#sheet-group').value.trim()) + '/' + D.$('#sheet-month').value; }
function pts(v) { return Number(v).toFixed(2); }

function render(r) {
  sheet = r.sheet;
  document.body.dataset.loaded = 'true';
  D.$('#sheet-name').textContent = r.group_name + ' · ' + sheet.month;
  D.$('#sheet-months').textContent = '历史月份：' + r.months.join('、');
  D.$('#sheet-max').textContent = '满分 ' + pts(sheet.max) + '（固定 ' + sheet.tasks.filter((t) => t.fixed).length + ' 项 + 当月 ' + sheet.tasks.filter((t) => !t.fixed).length + ' 项）';
  D.$('#sheet-table thead').replaceChildren(D.el('tr', {}, D.el('th', { text: '名次' }), D.el('th', { text: '村（社区）' }),
    sheet.tasks.map((t) => D.el('th', { text: t.name + '（' + pts(t.max) + '）' })), D.el('th', { text: '总分' })));
  D.$('#sheet-table tbody').replaceChildren(...sheet.rows.map((row) => D.el('tr', { dataset: { member: row.member_code } },
    D.el('td', { class: 'rank', text: row.no_data ? '—' : row.rank }), D.el('td', { text: row.member_name }),
    row.no_data ? D.el('td', { colspan: sheet.tasks.length, class: 'muted', text: '暂无数据' }) : row.scores.map((s) => D.el('td', { text: pts(s) })),
    D.el('td', { class: 'rate total', text: row.no_data ? '暂无数据' : pts(row.total) }))));
  if (user.role === 'office') {
    D.$('#sheet-entry').hidden = false;
    D.$('#entry-member').replaceChildren(...sheet.rows.map((row) => D.el('option', { value: row.member_code, text: row.member_name })));
    D.$('#entry-fields').replaceChildren(...sheet.tasks.map((t, i) => D.el('label', {}, t.name + '（满分 ' + pts(t.max) + '）',
      D.el('input', { type: 'number', step: '0.01', min: '0', max: String(t.max), dataset: { task: i } }))));
  }
}

async function load() {
  try {
    render(await D.api('GET', path()));
  } catch (e) {
    D.$('#sheet-table tbody').replaceChildren(D.el('tr', {}, D.el('td', { class: 'error', text: D.errorText(e) })));
  }
}

(async () => {
  user = await D.start(['office', 'leader', 'department']);
  if (!user) return;
  const q = new URLSearchParams(location.search);
  if (q.get('group')) D.$('#sheet-group').value = q.get('group');
  D.$('#sheet-month').value = q.get('month') || lastMonth();
  D.$('#sheet-load').addEventListener('click', load);
  D.$('#entry-save').addEventListener('click', async () => {
    const scores = [...document.querySelectorAll('#entry-fields input')].map((i) => Number(i.value || 0));
    try {
      render(await D.api('POST', path() + '/scores', { member_code: D.$('#entry-member').value, scores }));
      D.flash('已保存');
    } catch (e) { D.flash(D.errorText(e), 'error'); }
  });
  await load();
})();
