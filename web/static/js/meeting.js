// meeting.js — one meeting: what was said, the counts and 三色 of the slips
// handed out at it, its closure rate (305/313 = 97.4%), the problems of its
// list with their measures counted apart, and every item.
'use strict';

function meetingID() { return decodeURIComponent(location.pathname.split('/')[2] || ''); }

function infoRows(m) {
  const row = (k, v) => D.el('div', { class: 'kv' }, D.el('span', { class: 'k', text: k }), D.el('span', { class: 'v', text: v || '—' }));
  return [row('会议类型', m.kind_label), row('日期', m.date), row('主持', m.chair), row('地点', m.place),
    row('参会人员', (m.attendees || []).join('、')), row('会议纪要', m.minutes)];
}

function counters(m, p) {
  const c = (cls, n, label, id) => D.el('div', { class: 'counter ' + cls, id }, D.el('b', { text: n }), D.el('span', { text: label }));
  const out = [
    c('', String(m.counts.assigned), '交办事项', 'meeting-assigned'),
    c('', String(m.counts.closed), '已销号', 'meeting-closed'),
    c('', D.pct(m.closure_rate), '销号率', 'meeting-rate'),
    c('red', String(m.counts.red), '红（逾期）'), c('yellow', String(m.counts.yellow), '黄（临期）'), c('green', String(m.counts.green), '绿'),
  ];
  if (p.count) {
    out.push(c('', p.closed + '/' + p.count, '问题已销号（' + D.pct(p.closure_rate) + '）', 'meeting-problems-closed'));
    out.push(c('', p.measures.closed + '/' + p.measures.assigned, '措施已销号（' + D.pct(p.measure_closure_rate) + '）', 'meeting-measures-closed'));
  }
  return out;
}

function problemTable(items) {
  const body = D.el('tbody', {}, items.map((p) => D.el('tr', { dataset: { problemId: p.id } },
    D.el('td', {}, D.el('a', { href: '/problems/' + encodeURIComponent(p.id), text: p.title })),
    D.el('td', { text: String(p.measures.assigned) }),
    D.el('td', { text: String(p.measures.closed) }),
    D.el('td', { text: D.pct(p.measure_closure_rate) }),
    D.el('td', {}, D.el('span', { class: 'badge problem-' + p.status, text: p.status_label })))));
  return D.el('table', { class: 'table problems' },
    D.el('thead', {}, D.el('tr', {}, ['问题', '措施', '已销号', '措施销号率', '状态'].map((h) => D.el('th', { text: h })))), body);
}

document.addEventListener('DOMContentLoaded', async () => {
  const user = await D.start(['office', 'leader']);
  if (!user) return;
  const id = meetingID();
  try {
    const [v, items] = await Promise.all([D.api('GET', '/meetings/' + encodeURIComponent(id)), D.allSlips('meeting=' + encodeURIComponent(id))]);
    const m = v.meeting;
    document.title = m.title + ' · 督办';
    D.$('#meeting-title').textContent = m.title;
    D.$('#meeting-info').replaceChildren(...infoRows(m));
    D.$('#meeting-counters').replaceChildren(...counters(m, v.problems));
    D.$('#meeting-print').href = '/meetings/' + encodeURIComponent(id) + '/print';
    const imp = D.$('#meeting-import');
    imp.href = '/meetings/' + encodeURIComponent(id) + '/import';
    imp.hidden = user.role !== 'office';
    if (v.problems.count) {
      D.$('#meeting-problems-card').hidden = false;
      D.$('#meeting-problem-tally').textContent = v.problems.count + ' 个问题 → ' + v.problems.measures.assigned + ' 项措施';
      D.$('#meeting-problems').replaceChildren(problemTable(v.problems.items));
    }
    D.fillQueue(D.$('#meeting-items'), items);
  } catch (e) {
    D.$('#main').replaceChildren(D.el('p', { class: 'error', text: e.status === 404 ? '该会议不存在。' : D.errorText(e) }));
  }
  document.body.dataset.loaded = 'true';
});
