// dashboard.js — 领导驾驶舱: closure rate by department (bar), the monthly
// trend (line), open slips by 三色 (pie), the overdue list, this month's
// 晾晒榜 (红黑榜), each unit's parts as 主办 and 协办 and the closed slips.
// Every number comes from the API (/stats/closure, /stats/tracks, /slips,
// /rankings); nothing is recomputed here.
'use strict';

const charts = [];
let pendingCharts = 0;

function chart(id, option) {
  const node = D.$('#' + id);
  const c = echarts.init(node, null, { renderer: 'canvas' });
  pendingCharts++;
  c.on('finished', function done() {
    c.off('finished', done);
    if (--pendingCharts === 0) document.body.dataset.chartsReady = 'true';
  });
  c.setOption(Object.assign({ textStyle: { fontFamily: 'inherit' } }, option));
  charts.push(c);
}

// monthsBack is the first day of the month n months before this one (Beijing).
function monthsBack(n) {
  const [y, m] = D.today().split('-').map(Number);
  const total = y * 12 + (m - 1) - n;
  return Math.floor(total / 12) + '-' + String((total % 12) + 1).padStart(2, '0') + '-01';
}

const percentLabel = { show: true, position: 'top', formatter: (p) => (p.value === null || p.value === undefined ? '—' : Number(p.value).toFixed(1) + '%') };

// barsShown is how many units the closure chart shows at once: as many as
// leave each bar 44 pixels beside the axis (its "76.9%" label needs about
// 36), at most twelve — six on a 390 px phone. A city has two hundred: all at
// once they were slivers under labels written over each other, and twelve
// on a phone still ran their labels together. Past it a slider (and a drag
// across the chart) moves along the units; the table below lists them all.
function barsShown(el) {
  return Math.max(3, Math.min(12, Math.floor((el.clientWidth - 64) / 44)));
}

// shortLabel keeps an axis label to eight characters (the tooltip and the
// table give the whole name).
function shortLabel(v) { return v.length > 8 ? v.slice(0, 8) + '…' : v; }

function closureChart(rows) {
  const shown = barsShown(D.$('#chart-closure'));
  const many = rows.length > shown;
  chart('chart-closure', {
    grid: { left: 48, right: 16, top: 32, bottom: many ? 104 : 64 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => D.pct(v) },
    dataZoom: many ? [
      { type: 'slider', xAxisIndex: 0, startValue: 0, endValue: shown - 1, bottom: 8, height: 18, showDetail: false, brushSelect: false },
      { type: 'inside', xAxisIndex: 0, zoomLock: true, zoomOnMouseWheel: false, moveOnMouseWheel: false },
    ] : [],
    xAxis: { type: 'category', data: rows.map((r) => r.label || r.key), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0, formatter: shortLabel } },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [{ type: 'bar', name: '销号率', data: rows.map((r) => r.closure_rate), label: percentLabel, itemStyle: { color: '#b71c1c' }, barMaxWidth: 48 }],
  });
}

function trendChart(rows) {
  chart('chart-trend', {
    grid: { left: 48, right: 56, top: 40, bottom: 32 },
    tooltip: { trigger: 'axis' },
    legend: { data: ['交办', '销号', '销号率'], top: 0 },
    xAxis: { type: 'category', data: rows.map((r) => r.key) },
    yAxis: [{ type: 'value', name: '件', minInterval: 1 }, { type: 'value', name: '%', min: 0, max: 100 }],
    series: [
      { type: 'line', name: '交办', data: rows.map((r) => r.assigned), itemStyle: { color: '#455a64' } },
      { type: 'line', name: '销号', data: rows.map((r) => r.closed), itemStyle: { color: '#2e7d32' } },
      { type: 'line', name: '销号率', yAxisIndex: 1, data: rows.map((r) => r.closure_rate), itemStyle: { color: '#b71c1c' }, tooltip: { valueFormatter: (v) => D.pct(v) } },
    ],
  });
}

function colourChart(rows) {
  const sum = (k) => rows.reduce((n, r) => n + r[k], 0);
  chart('chart-colour', {
    tooltip: { trigger: 'item', formatter: '{b}：{c} 项（{d}%）' },
    legend: { bottom: 0 },
    series: [{
      type: 'pie', radius: ['35%', '65%'], label: { formatter: '{b}\n{c} 项' },
      data: [
        { name: '红（逾期）', value: sum('red'), itemStyle: { color: '#d32f2f' } },
        { name: '黄（临期）', value: sum('yellow'), itemStyle: { color: '#f9a825' } },
        { name: '绿（正常）', value: sum('green'), itemStyle: { color: '#388e3c' } },
      ],
    }],
  });
}

function deptTable(rows) {
  const body = D.$('#dept-table tbody');
  body.replaceChildren(...rows.map((r) => D.el('tr', { dataset: { department: r.key } },
    D.el('td', { text: r.label || r.key }), D.el('td', { text: r.assigned }), D.el('td', { text: r.closed }),
    D.el('td', { text: r.open }), D.el('td', { class: r.overdue_open ? 'red-text' : '', text: r.overdue_open }),
    D.el('td', { class: 'rate closure-rate', text: D.pct(r.closure_rate) }), D.el('td', { text: D.pct(r.on_time_rate) }),
    D.el('td', { text: D.pct(r.ack_timely_rate) }), D.el('td', { text: D.pct(r.rework_rate) }))));
  if (!rows.length) body.replaceChildren(D.el('tr', {}, D.el('td', { colspan: 9, class: 'muted', text: '暂无数据' })));
}

function rankingList(title, cls, entries) {
  return D.el('div', { class: 'rank-list ' + cls }, D.el('h3', { text: title }),
    entries && entries.length
      ? D.el('ol', {}, entries.map((e) => D.el('li', { dataset: { department: e.department_code } },
        D.el('span', { class: 'rank', text: e.rank }), D.el('span', { class: 'name', text: e.department_name || e.department_code }),
        D.el('span', { class: 'score', text: Number(e.score).toFixed(1) + ' 分' }),
        D.el('span', { class: 'muted', text: '销号率 ' + D.pct(e.closure_rate) }))))
      : D.el('p', { class: 'muted', text: '暂无' }));
}

async function loadRanking() {
  const box = D.$('#ranking');
  try {
    const r = await D.api('GET', '/rankings');
    D.$('#ranking-month').textContent = r.month + (r.source === 'snapshot' ? ' · 月末快照' : ' · 实时计算');
    const entries = r.entries || [];
    box.replaceChildren(D.el('div', { class: 'rank-grid' },
      rankingList('红榜', 'red-list', r.red_list), rankingList('黑榜', 'black-list', r.black_list)),
      ...entries.length ? [D.el('table', { class: 'table rank-table' },
        D.el('thead', {}, D.el('tr', {}, ['名次', '单位', '得分', '销号率', '按期办结率', '及时签收率', '重办率', '回退率', '逾期在办', '加减分'].map((h) => D.el('th', { text: h })))),
        D.el('tbody', {}, entries.map((e) => D.el('tr', { dataset: { department: e.department_code } },
          D.el('td', { text: e.no_data ? '—' : e.rank }), D.el('td', { text: e.department_name || e.department_code }),
          D.el('td', { class: e.no_data ? 'muted' : '', text: e.no_data ? '暂无数据' : Number(e.score).toFixed(1) }), D.el('td', { text: D.pct(e.closure_rate) }),
          D.el('td', { text: D.pct(e.on_time_rate) }), D.el('td', { text: D.pct(e.ack_timely_rate) }),
          D.el('td', { text: D.pct(e.rework_rate) }), D.el('td', { text: D.pct(e.refusal_rate) }), D.el('td', { text: e.overdue_open }),
          D.el('td', { text: e.adjustment ? (e.adjustment > 0 ? '+' : '') + e.adjustment : '0' })))))] : []);
  } catch (e) {
    if (e.status === 404) box.replaceChildren(D.el('p', { class: 'muted empty', text: '暂无排名' }));
    else box.replaceChildren(D.el('p', { class: 'error', text: D.errorText(e) }));
  }
}

async function load() {
  try {
    const [byDept, byMonth, overdue, closed] = await Promise.all([
      D.api('GET', '/stats/closure?group_by=department'),
      D.api('GET', '/stats/closure?group_by=month&from=' + monthsBack(11)),
      D.api('GET', '/slips?overdue=true&page_size=50'),
      D.api('GET', '/slips?status=closed&page_size=10'),
    ]);
    const rows = byDept.items;
    const total = (k) => rows.reduce((n, r) => n + r[k], 0);
    D.counters(D.$('#dash-counters'), [
      ['交办', total('assigned')], ['已销号', total('closed'), 'green'], ['在办', total('open')],
      ['逾期', total('overdue_open'), 'red'], ['延期', total('extensions'), 'yellow']]);
    deptTable(rows);
    D.fillQueue(D.$('#overdue-list'), overdue.items, { extra: { title: '督办等级', cell: (s) => s.escalation_label || '—' } });
    if (total('overdue_open') > overdue.items.length) {
      D.partialNote(D.$('#overdue-list'), '最近 ' + overdue.items.length, total('overdue_open'), '/ledger?overdue=true');
    }
    D.fillQueue(D.$('#closed-list'), closed.items, { extra: { title: '销号时间', cell: (s) => D.fmtTime(s.closed_at) } });
    if (window.echarts) {
      closureChart(rows);
      trendChart(byMonth.items);
      colourChart(rows);
    } else {
      D.flash('图表组件未能加载', 'error');
    }
    document.body.dataset.loaded = 'true';
  } catch (e) {
    D.flash(D.errorText(e), 'error');
  }
}

// loadTracks fills the per-unit, per-role table (主办 vs 协办) from
// GET /stats/tracks: parts given, completed, on time, overdue (a co-unit
// that never answers counts once its part is due), 回退 and 人工催办.
async function loadTracks() {
  const body = D.$('#track-table tbody');
  try {
    const rows = (await D.api('GET', '/stats/tracks')).items;
    body.replaceChildren(...rows.map((r) => D.el('tr', { dataset: { department: r.department, role: r.role } },
      D.el('td', { text: D.deptName(r.department) }), D.el('td', { text: r.role_label }),
      D.el('td', { text: r.assigned }), D.el('td', { text: r.completed }), D.el('td', { text: r.on_time }),
      D.el('td', { class: r.overdue ? 'red-text' : '', text: r.overdue }), D.el('td', { text: r.refusals }),
      D.el('td', { text: r.presses }), D.el('td', { text: D.pct(r.on_time_rate) }),
      D.el('td', { text: D.pct(r.overdue_rate) }), D.el('td', { class: 'refusal-rate', text: D.pct(r.refusal_rate) }))));
    if (!rows.length) body.replaceChildren(D.el('tr', {}, D.el('td', { colspan: 11, class: 'muted', text: '暂无数据' })));
  } catch (e) {
    body.replaceChildren(D.el('tr', {}, D.el('td', { colspan: 11, class: 'error', text: D.errorText(e) })));
  }
}

// loadLists shows last month's 晒比 lists, each group's 红榜 and 黑榜, as
// GET /lists/{code}/{month} answers them (published or live).
async function loadLists() {
  const box = D.$('#lists-panel');
  const month = monthsBack(1).slice(0, 7);
  try {
    const lists = (await D.api('GET', '/lists')).items;
    if (!lists.length) { box.replaceChildren(D.el('p', { class: 'muted', text: '暂无榜单' })); return; }
    const standings = await Promise.all(lists.map((l) => D.api('GET', '/lists/' + encodeURIComponent(l.code) + '/' + month)));
    const names = (es) => es.map((e) => e.member_name).join('、') || '暂无';
    box.replaceChildren(...standings.map((p) => D.el('div', { class: 'rank-list', dataset: { list: p.list_code } },
      D.el('h3', {}, D.el('a', { href: '/lists?list=' + encodeURIComponent(p.list_code) + '&month=' + month, text: p.list_name }),
        D.el('small', { class: 'muted', text: ' ' + month + (p.source === 'snapshot' ? ' 已发布' : ' 未发布') })),
      p.groups.map((g) => D.el('p', {}, g.name ? D.el('b', { text: g.name + '：' }) : '',
        D.el('span', { class: 'red-text', text: '红榜 ' + names(g.red_list) }), '；黑榜 ' + names(g.black_list))))));
  } catch (e) {
    box.replaceChildren(D.el('p', { class: 'error', text: D.errorText(e) }));
  }
}

// loadProjects is the compact 挂图作战: the headline counts and the ten
// projects in the worst state (red first), as GET /projects answers them.
async function loadProjects() {
  const box = D.$('#chart-projects');
  try {
    const page = await D.api('GET', '/projects');
    D.$('#dash-projects-summary').textContent = Gantt.summary(page.counts);
    const rank = { red: 0, yellow: 1, green: 2, closed: 3 };
    const worst = page.items.slice().sort((a, b) => (rank[a.color] ?? 4) - (rank[b.color] ?? 4)).slice(0, 10);
    if (!worst.length) {
      box.replaceChildren(D.el('p', { class: 'muted', text: '暂无重点项目' }));
      box.style.height = 'auto';
    } else if (window.echarts) {
      charts.push(Gantt.draw(box, worst, null, () => { document.body.dataset.projectsReady = 'true'; }));
    }
  } catch (e) {
    box.replaceChildren(D.el('p', { class: 'error', text: D.errorText(e) }));
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  const user = await D.start(['office', 'leader']);
  if (!user) return;
  await Promise.all([load(), loadRanking(), loadLists(), loadProjects(), loadTracks()]);
  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
});
