// gantt.js — the 挂图作战 chart shared by /portfolio and the leader
// dashboard: one row per project, one bar per milestone from the one before
// it to its date, coloured by its 三色 (grey once met), a diamond at its
// actual date and a dashed today line (ECharts custom series).
'use strict';

const Gantt = (() => {
  const COLOURS = { red: '#c62828', yellow: '#f9a825', green: '#2e7d32', closed: '#78909c', '': '#78909c' };

  function day(s) { return s ? new Date(s + 'T00:00:00+08:00').getTime() : null; }

  // data turns projects into one item per milestone: [row, from, to,
  // actual]. A milestone spans from the one before it (the first from the
  // project's registration, or from its own date if that lies earlier) to
  // its due date.
  function data(items) {
    const out = [];
    items.forEach((p, row) => {
      let from = day(p.created_at ? D.fmtDate(p.created_at) : p.milestones[0].planned);
      for (const m of p.milestones) {
        const due = day(m.due || m.planned);
        out.push({ value: [row, Math.min(from, due), Math.max(from, due), day(m.actual)], colour: m.status === 'open' ? (m.color || 'green') : 'closed', name: m.name, m });
        from = Math.max(from, due);
      }
    });
    return out;
  }

  /**
   * draw renders projects into node (disposing of chart, the previous
   * instance, if any) and answers the new instance; ready runs once the
   * chart has been drawn.
   */
  function draw(node, items, chart, ready) {
    node.style.height = Math.max(160, 48 + items.length * 34) + 'px';
    if (chart) chart.dispose();
    const c = echarts.init(node, null, { renderer: 'canvas' });
    c.on('finished', function done() { c.off('finished', done); if (ready) ready(); });
    const rows = data(items);
    c.setOption({
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
          const colour = COLOURS[rows[params.dataIndex].colour];
          const children = [{ type: 'rect', shape: { x: a[0], y: a[1] - h / 2, width: Math.max(2, b[0] - a[0] - 1), height: h },
            style: { fill: colour, opacity: 0.75 } }];
          const actual = api.value(3);
          if (actual) {
            const p = api.coord([actual, row]);
            children.push({ type: 'polygon', shape: { points: [[p[0], p[1] - h / 2 - 2], [p[0] + 5, p[1]], [p[0], p[1] + h / 2 + 2], [p[0] - 5, p[1]]] },
              style: { fill: '#263238' } });
          }
          return { type: 'group', children };
        },
        encode: { x: [1, 2, 3], y: 0 },
        data: rows,
        markLine: { symbol: 'none', silent: true, lineStyle: { color: '#b71c1c', type: 'dashed' }, label: { formatter: '今天' }, data: [{ xAxis: day(D.today()) }] },
      }],
    });
    return c;
  }

  /** summary is the portfolio's headline: N 个项目 / M 个已开工 / K 个已销号. */
  function summary(c) { return c.total + ' 个项目 / ' + c.started + ' 个已开工 / ' + c.signed_off + ' 个已销号'; }

  return { draw, summary };
})();
