// meeting-print.js — a meeting as one printable A4 document: the 备忘录
// (meeting, date, chair, attendees, the items with their units and
// deadlines), then every 交办单 laid out by print.js's paper(), each on its
// own page.
'use strict';

function memo(m, items) {
  const th = (t) => D.el('th', { text: t });
  return [
    D.el('div', { class: 'paper-org', text: '督查室' }),
    D.el('h1', { class: 'paper-title', text: '会议督办备忘录' }),
    D.el('div', { class: 'paper-meta' }, D.el('span', { text: m.kind_label }), D.el('span', { text: m.date })),
    D.el('table', { class: 'paper-table memo-head' }, D.el('tbody', {},
      D.el('tr', {}, th('会议名称'), D.el('td', { colspan: 3, class: 'strong', text: m.title })),
      D.el('tr', {}, th('时　　间'), D.el('td', { text: m.date }), th('地　　点'), D.el('td', { text: m.place || '' })),
      D.el('tr', {}, th('主　　持'), D.el('td', { text: m.chair }), th('交办事项'), D.el('td', { text: items.length + ' 项' })),
      D.el('tr', {}, th('参会人员'), D.el('td', { colspan: 3, text: (m.attendees || []).join('、') })),
      m.minutes ? D.el('tr', {}, th('会议纪要'), D.el('td', { colspan: 3, class: 'pre', text: m.minutes })) : null)),
    D.el('table', { class: 'paper-table memo-items' },
      D.el('thead', {}, D.el('tr', {}, ['序号', '交办事项', '牵头单位', '配合单位', '办结时限', '交办单号'].map(th))),
      D.el('tbody', {}, items.map((s, i) => D.el('tr', {},
        D.el('td', { text: String(i + 1) }), D.el('td', { text: s.title }), D.el('td', { text: D.deptName(s.lead_department) }),
        D.el('td', { text: D.deptList(s.co_departments) }), D.el('td', { class: 'nowrap', text: D.deadlineText(s) }),
        D.el('td', { class: 'nowrap', text: s.number }))))),
  ];
}

document.addEventListener('DOMContentLoaded', async () => {
  const id = decodeURIComponent(location.pathname.split('/')[2] || '');
  D.$('#print-back').href = '/meetings/' + encodeURIComponent(id);
  D.$('#print-now').addEventListener('click', () => window.print());
  try {
    const [v, items] = await Promise.all([D.api('GET', '/meetings/' + encodeURIComponent(id)),
      D.allSlips('meeting=' + encodeURIComponent(id) + '&sort=issued'), D.departments()]);
    // In number order (a table issued at once is numbered as its rows finish, not row by row).
    const serial = (s) => (s.number.match(/\d+/g) || []).map(Number);
    items.sort((a, b) => { const x = serial(a), y = serial(b); return (x[0] - y[0]) || (x[1] - y[1]); });
    document.title = v.meeting.title + ' 备忘录及交办单';
    D.$('#memo').replaceChildren(...memo(v.meeting, items));
    D.$('#papers').replaceChildren(...items.map((s) => D.el('div', { class: 'paper slip-paper', dataset: { slipId: s.id } }, ...paper(s))));
  } catch (e) {
    D.$('#memo').replaceChildren(D.el('p', { class: 'error', text: e.status === 404 ? '该会议不存在，或您无权查看。' : D.errorText(e) }));
  }
  document.body.dataset.loaded = 'true';
});
