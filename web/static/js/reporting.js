// reporting.js — 指标填报: a unit reports its month's values, one indicator
// at a time; the office may report for any responsible unit, close and
// reopen the window (with a reason) and import values from Excel (preview,
// then confirm). Whether a value is accepted is the API's call: a closed
// month answers 409 and the page shows its message.
'use strict';

let user = null;
let indicators = [];

function lastMonth() {
  const [y, m] = D.today().split('-').map(Number);
  const t = y * 12 + (m - 1) - 1;
  return Math.floor(t / 12) + '-' + String((t % 12) + 1).padStart(2, '0');
}

function month() { return D.$('#report-month').value; }
function unit() { return user.role === 'department' ? user.department : D.$('#report-unit').value; }

async function loadWindow() {
  const label = D.$('#window-status');
  try {
    const w = await D.api('GET', '/reporting/' + month());
    label.textContent = (w.status === 'open' ? '填报中' : '已截止') + '，截止 ' + w.closes_on + (w.reopened_at ? '（已重新开放：' + w.reopen_reason + '）' : '');
  } catch (e) {
    label.textContent = e.status === 404 ? '填报期未开启（可直接填报）' : D.errorText(e);
  }
}

async function loadValues() {
  const body = D.$('#report-table tbody');
  const u = unit();
  const mine = indicators.filter((i) => i.departments.includes(u));
  if (!mine.length) { body.replaceChildren(D.el('tr', {}, D.el('td', { colspan: 5, class: 'muted', text: '该单位没有需要填报的指标' }))); return; }
  const board = await D.api('GET', '/indicators/board?month=' + month());
  const actual = {};
  for (const r of board.rows) if (r.unit_code === u) actual[r.indicator_code] = r.actual;
  body.replaceChildren(...mine.map((ind) => {
    const value = D.el('input', { type: 'text', inputmode: 'decimal', name: 'value', placeholder: '数值', style: 'width:110px' });
    const note = D.el('input', { type: 'text', name: 'note', placeholder: '备注（可选）', style: 'width:180px' });
    const button = D.el('button', { type: 'button', class: 'primary', text: '报送' });
    const shown = D.el('td', { class: 'reported', text: actual[ind.code] === null || actual[ind.code] === undefined ? '未报' : String(actual[ind.code]) });
    button.addEventListener('click', async () => {
      const v = value.value.trim();
      const n = Number(v);
      button.disabled = true;
      try {
        // A non-number goes to the API as text so that its 400 explains it.
        await D.api('POST', '/indicators/' + encodeURIComponent(ind.code) + '/values',
          { month: month(), unit_code: u, value: v !== '' && Number.isFinite(n) ? n : v, note: note.value });
        D.flash('已报送：' + ind.name + ' ' + v);
        shown.textContent = v;
        value.value = '';
      } catch (e) {
        D.flash(D.errorText(e), 'error');
      } finally {
        button.disabled = false;
      }
    });
    return D.el('tr', { dataset: { indicator: ind.code } }, D.el('td', { text: ind.name }), D.el('td', { text: ind.unit }),
      D.el('td', { text: ind.direction === 'lower' ? '越低越好' : '越高越好' }), shown,
      D.el('td', { class: 'form' }, D.el('div', { class: 'actions-row' }, value, note, button)));
  }));
}

async function reload() {
  await Promise.all([loadWindow(), loadValues().catch((e) => D.flash(D.errorText(e), 'error'))]);
  document.body.dataset.loaded = 'true';
}

let importBody = null;
async function importFile(confirm) {
  const out = D.$('#import-result');
  const file = D.$('#import-file').files[0];
  if (!file) { D.flash('请选择 Excel 文件', 'error'); return; }
  importBody = await file.arrayBuffer();
  const res = await fetch('/api/v1/indicators/import?month=' + month() + (confirm ? '&confirm=true' : ''), {
    method: 'POST', credentials: 'same-origin', body: importBody,
    headers: { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'X-CSRF-Token': localStorage.getItem(D.CSRF_KEY) || '' },
  });
  const data = await res.json();
  if (!res.ok) { out.replaceChildren(D.el('p', { class: 'error', text: data.error.message })); return; }
  out.replaceChildren(D.el('p', { class: data.errors ? 'error' : 'result ok', text: (confirm ? '已导入 ' : '预览：') + data.rows.length + ' 行，' + data.errors + ' 行有错误' }),
    D.el('table', { class: 'table' }, D.el('thead', {}, D.el('tr', {}, ['行', '指标', '单位', '数值', '问题'].map((h) => D.el('th', { text: h })))),
      D.el('tbody', {}, data.rows.map((r) => D.el('tr', {}, D.el('td', { text: r.line }), D.el('td', { text: r.indicator_code }),
        D.el('td', { text: D.deptName(r.unit_code) }), D.el('td', { text: r.value }), D.el('td', { class: r.error ? 'red-text' : '', text: r.error || '' }))))));
  D.$('#import-confirm').disabled = confirm || data.errors > 0;
  if (confirm) await reload();
}

(async () => {
  user = await D.start(['office', 'department']);
  if (!user) return;
  D.$('#report-month').value = new URLSearchParams(location.search).get('month') || lastMonth();
  indicators = (await D.api('GET', '/indicators')).items;
  if (user.role === 'office') {
    const units = [...new Set(indicators.flatMap((i) => i.departments))].sort();
    D.$('#report-unit').replaceChildren(...units.map((u) => D.el('option', { value: u, text: D.deptName(u) })));
    D.$('#unit-pick').hidden = false;
    D.$('#office-tools').hidden = false;
    D.$('#report-unit').addEventListener('change', reload);
    D.$('#window-close').addEventListener('click', async () => {
      try { await D.api('POST', '/reporting/' + month() + '/close'); D.flash('填报期已关闭'); await loadWindow(); } catch (e) { D.flash(D.errorText(e), 'error'); }
    });
    D.$('#window-reopen').addEventListener('click', async () => {
      try {
        await D.api('POST', '/reporting/' + month() + '/reopen', { reason: D.$('#reopen-reason').value });
        D.flash('填报期已重新开放'); await loadWindow();
      } catch (e) { D.flash(D.errorText(e), 'error'); }
    });
    D.$('#import-preview').addEventListener('click', () => importFile(false).catch((e) => D.flash(D.errorText(e), 'error')));
    D.$('#import-confirm').addEventListener('click', () => importFile(true).catch((e) => D.flash(D.errorText(e), 'error')));
  }
  D.$('#report-month').addEventListener('change', reload);
  await reload();
})();
