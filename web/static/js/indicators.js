// indicators.js — 指标看板: every indicator's target against each unit's
// reported value for a month, completion, pace against the time-proportional
// target and 三色, and a unit's trend over the year. All numbers come from
// GET /indicators/board; a department sees only its own rows (the API's rule).
'use strict';

let trend = null;
const colourLabels = { green: '绿', yellow: '黄', red: '红', none: '暂无数据' };

function lastMonth() {
  const [y, m] = D.today().split('-').map(Number);
  const t = y * 12 + (m - 1) - 1;
  return Math.floor(t / 12) + '-' + String((t % 12) + 1).padStart(2, '0');
}

function num(v, unit) { return v === null || v === undefined ? '—' : Number(v).toLocaleString('zh-CN', { maximumFractionDigits: 2 }) + (unit ? ' ' + unit : ''); }

function showTrend(row) {
  D.$('#trend-title').textContent = row.indicator.name + ' · ' + D.deptName(row.unit_code);
  if (!trend) trend = echarts.init(D.$('#chart-trend'), null, { renderer: 'canvas' });
  trend.setOption({
    animation: false,
    textStyle: { fontFamily: 'inherit' },
    grid: { left: 56, right: 56, top: 40, bottom: 32 },
    tooltip: { trigger: 'axis' },
    legend: { data: ['实际', '时序进度'], top: 0 },
    xAxis: { type: 'category', data: row.trend.map((p) => p.month) },
    yAxis: [{ type: 'value', name: row.indicator.unit }, { type: 'value', name: '%' }],
    series: [
      { type: 'line', name: '实际', data: row.trend.map((p) => p.actual), connectNulls: true, itemStyle: { color: '#455a64' } },
      { type: 'line', name: '时序进度', yAxisIndex: 1, data: row.trend.map((p) => p.pace), connectNulls: true, itemStyle: { color: '#b71c1c' } },
    ],
  }, true);
}

async function load() {
  const month = D.$('#board-month').value;
  const body = D.$('#board-table tbody');
  try {
    const r = await D.api('GET', '/indicators/board?month=' + encodeURIComponent(month));
    D.$('#board-label').textContent = r.label;
    D.$('#board-count').textContent = r.rows.length + ' 项';
    if (!r.rows.length) {
      body.replaceChildren(D.el('tr', {}, D.el('td', { colspan: 8, class: 'muted', text: '暂无指标' })));
      document.body.dataset.loaded = 'true';
      return;
    }
    body.replaceChildren(...r.rows.map((row) => D.el('tr', {
      class: 'clickable', dataset: { indicator: row.indicator_code, unit: row.unit_code, colour: row.colour }, onclick: () => showTrend(row),
    },
    D.el('td', { text: row.indicator.name }), D.el('td', { text: D.deptName(row.unit_code) }),
    D.el('td', { text: num(row.target, row.indicator.unit) + (row.target_period ? '（' + row.target_period + '）' : '') }),
    D.el('td', { text: num(row.expected, row.indicator.unit) }), D.el('td', { text: num(row.actual, row.indicator.unit) }),
    D.el('td', { class: 'rate', text: D.pct(row.completion) }), D.el('td', { class: 'rate', text: D.pct(row.pace) }),
    D.el('td', {}, row.colour === 'none' ? D.el('span', { class: 'muted', text: '暂无数据' })
      : D.el('span', { class: 'badge colour-' + row.colour, text: colourLabels[row.colour] })))));
    showTrend(r.rows[0]);
    document.body.dataset.loaded = 'true';
  } catch (e) {
    body.replaceChildren(D.el('tr', {}, D.el('td', { colspan: 8, class: 'error', text: D.errorText(e) })));
  }
}

(async () => {
  if (!(await D.start(['office', 'leader', 'department']))) return;
  const input = D.$('#board-month');
  input.value = new URLSearchParams(location.search).get('month') || lastMonth();
  input.addEventListener('change', load);
  await load();
})();
