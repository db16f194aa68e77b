// print.js — the 交办单 laid out like the paper form, for printing on A4
// (print.css). Same data as the detail page; nothing here is editable.
'use strict';

function lastOf(events, type) {
  for (let i = events.length - 1; i >= 0; i--) if (events[i].type === type) return events[i];
  return null;
}

const RECORD = ['acknowledge', 'progress', 'resolve', 'send_back', 'pass_review', 'sign_off', 'decide_extension', 'instruct', 'cancel'];

function paper(s) {
  const ev = s.timeline || [];
  const resolved = lastOf(ev, 'resolve');
  const signed = lastOf(ev, 'sign_off');
  const cell = (text, attrs) => D.el('td', attrs || {}, text || '');
  const th = (text, attrs) => D.el('th', attrs || {}, text);
  const records = ev.filter((e) => RECORD.includes(e.type));
  return [
    D.el('div', { class: 'paper-org', text: '督查室' }),
    D.el('h1', { class: 'paper-title', text: '督查督办事项交办单' }),
    D.el('div', { class: 'paper-meta' },
      D.el('span', { text: '紧急程度：' + s.priority_label }),
      D.el('span', { class: 'paper-number', text: s.number })),
    D.el('table', { class: 'paper-table' }, D.el('colgroup', {},
      D.el('col', { class: 'c1' }), D.el('col', { class: 'c2' }), D.el('col', { class: 'c3' }), D.el('col', { class: 'c4' })),
    D.el('tbody', {},
      D.el('tr', {}, th('交办事项'), cell(s.title, { colspan: 3, class: 'strong' })),
      D.el('tr', {}, th('事项来源'), cell(s.source), th('批　　次'), cell(s.batch)),
      D.el('tr', {}, th('牵头单位'), cell(D.deptName(s.lead_department)), th('配合单位'), cell(D.deptList(s.co_departments) || '无')),
      D.el('tr', {}, th('责任领导'), cell(s.leader), th('类　　别'), cell(s.category)),
      D.el('tr', {}, th('交办时间'), cell(D.fmtDate(s.issued_at)), th('办结时限'),
        cell(D.deadlineText(s) + (s.deadline_working_days ? '（' + s.deadline_working_days + '个工作日）' : ''))),
      D.el('tr', { class: 'tall' }, th('交办内容\n及要求'), cell(s.content, { colspan: 3, class: 'pre' })),
      D.el('tr', { class: 'tall' }, th('办理情况'), cell(resolved
        ? resolved.payload.summary + (resolved.payload.evidence ? '\n佐证材料：' + resolved.payload.evidence.join('；') : '')
        : (s.latest_progress || ''), { colspan: 3, class: 'pre' })),
      D.el('tr', {}, th('办理记录'), D.el('td', { colspan: 3 }, D.el('ol', { class: 'paper-records' }, records.map((e) =>
        D.el('li', {}, D.fmtDate(e.at) + ' ' + e.type_label + '（' + e.actor + '）' + (e.payload && (e.payload.comment || e.payload.text || e.payload.reason) ? '：' + (e.payload.comment || e.payload.text || e.payload.reason) : '')))))),
      D.el('tr', {}, th('签　　收'), cell('签收人：' + (lastOf(ev, 'acknowledge') ? lastOf(ev, 'acknowledge').actor : '＿＿＿＿＿＿')),
        th('签收时间'), cell(D.fmtTime(s.acknowledged_at) || '　　年　　月　　日')),
      D.el('tr', { class: 'sign' }, th('督查室\n意　　见'), cell(signed
        ? (signed.payload && signed.payload.comment ? signed.payload.comment : '同意销号') + '\n\n' + D.fmtDate(signed.at) + '　（盖章）'
        : '\n\n　　　　年　　月　　日　（盖章）', { colspan: 3, class: 'pre' })))),
    D.el('div', { class: 'paper-foot' },
      D.el('span', { text: '状态：' + s.status_label }),
      D.el('span', { text: '请牵头单位于收到后及时签收，按时限报送进展和办理结果。' })),
  ];
}

document.addEventListener('DOMContentLoaded', async () => {
  if (document.body.dataset.page !== 'print') return; // the meeting's print view borrows paper()
  const id = decodeURIComponent(location.pathname.split('/')[2] || '');
  D.$('#print-back').href = '/slips/' + encodeURIComponent(id);
  D.$('#print-now').addEventListener('click', () => window.print());
  const box = D.$('#paper');
  try {
    const [s] = await Promise.all([D.api('GET', '/slips/' + encodeURIComponent(id)), D.departments()]);
    document.title = s.number + ' 交办单';
    box.replaceChildren(...paper(s));
  } catch (e) {
    box.replaceChildren(D.el('p', { class: 'error', text: e.status === 404 ? '该交办单不存在，或您无权查看。' : D.errorText(e) }));
  }
  document.body.dataset.loaded = 'true';
});
