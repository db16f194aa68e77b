// portfolio.js — 挂图作战: the projects the user may see as a Gantt-style
// chart (each milestone's planned span and its actual date, coloured by its
// 三色, with a today line), the counts of the same filter (N 个项目 / M 个已
// 开工 / K 个已销号) and the list. Everything comes from GET /projects;
// the filters are kept in the URL.
'use strict';

const COLOURS = { red: '#c62828', yellow: '#f9a825', green: '#2e7d32', closed: '#78909c', '': '#78909c' };
const FILTERS = ['batch', 'owner', 'leader', 'category', 'color'];
let gantt = null;

function day(s) { return s ? new Date(s + 'T00:00:00+08:00').getTime() : null; }

// ganttData turns projects into one chart row each and one item per
// milestone: [row, from, to, actual]. A milestone spans from the one
// before it (the first from the project's registration, or from its own
// date if that lies earlier) to its due date.
function ganttData(items) {
  const data = [];
  items.forEach((p, row) => {
    let from = day(p.created_at ? D.fmtDate(p.created_at) : p.milestones[0].planned);
    for (const m of p.milestones) {
      const due = day(m.due || m.planned);
      data.push({ value: [row, Math.min(from, due), Math.max(from, due), day(m.actual)], colour: m.status === 'open' ? (m.color || 'green') : 'closed', name: m.name, m });
      from = Math.max(from, due);
    }
  });
  return data;
}

function renderGantt(items) {
  const node = D.$('#chart-gantt');
  node.style.height = Math.max(160, 48 + items.length * 34) + 'px';
  if (!window.echarts) { D.flash('图表组件未能加载', 'error'); return; }
  if (gantt) gantt.dispose();
  gantt = echarts.init(node, null, { renderer: 'canvas' });
  gantt.on('finished', function done() {
    gantt.off('finished', done);
    document.body.dataset.chartsReady = 'true';
  });
  const today = day(D.today());
  gantt.setOption({
    textStyle: { fontFamily: 'inherit' },
    grid: { left: 8, right: 16, top: 24, bottom: 32, containLabel: true },
    tooltip: { formatter: (x) => x.data.m ? x.data.name + '：计划 ' + (x.data.m.due || x.data.m.planned) + (x.data.m.actual ? '，实际 ' + x.data.m.actual : '') + '（' + x.data.m.status_label + '）' : '' },
    xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
    yAxis: { type: 'category', inverse: true, data: items.map((p) => p.name), axisLabel: { width: 120, overflow: 'truncate' } },
    series: [{
      type: 'custom', name: '节点',
      renderItem: (params, api) => {
        const row = api.value(0);
        const a = api.coord([api.value(1), row]);
        const b = api.coord([api.value(2), row]);
        const h = api.size([0, 1])[1] * 0.5;
        const item = ganttItems[params.dataIndex];
        const colour = COLOURS[item ? item.colour : ''];
        const children = [{ type: 'rect', shape: { x: a[0], y: a[1] - h / 2, width: Math.max(2, b[0] - a[0] - 1), height: h },
          style: { fill: colour, opacity: 0.75 } }];
        const actual = api.value(3);
        if (actual) {
          const c = api.coord([actual, row]);
          children.push({ type: 'polygon', shape: { points: [[c[0], c[1] - h / 2 - 2], [c[0] + 5, c[1]], [c[0], c[1] + h / 2 + 2], [c[0] - 5, c[1]]] },
            style: { fill: '#263238' } });
        }
        return { type: 'group', children };
      },
      encode: { x: [1, 2, 3], y: 0 },
      data: ganttItems,
      markLine: { symbol: 'none', silent: true, lineStyle: { color: '#b71c1c', type: 'dashed' }, label: { formatter: '今天' }, data: [{ xAxis: today }] },
    }],
  });
}

let ganttItems = [];

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
    D.el('td', {}, p.name), D.el('td', { text: p.batch }), D.el('td', { text: p.owner_unit_label || p.owner_unit }),
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
    D.$('#pf-summary').textContent = c.total + ' 个项目 / ' + c.started + ' 个已开工 / ' + c.signed_off + ' 个已销号';
    D.counters(D.$('#pf-counters'), [['项目', c.total], ['已开工', c.started], ['已销号', c.signed_off, 'green'],
      ['红', c.red, 'red'], ['黄', c.yellow, 'yellow'], ['绿', c.green, 'green']]);
    ganttItems = ganttData(page.items);
    renderGantt(page.items);
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
