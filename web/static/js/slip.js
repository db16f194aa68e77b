// slip.js — one 交办单: every field, co-units, the pending extension, the
// actions the caller may take now (from allowed_actions), and the timeline.
// A slip the caller may not see answers 404 from the API, exactly like one
// that does not exist, and the page says so.
'use strict';

function slipID() { return decodeURIComponent(location.pathname.split('/')[2] || ''); }

function fields(s) {
  const rows = [
    ['交办单号', s.number], ['交办事项', s.title], ['具体内容与要求', s.content], ['事项来源', s.source],
    ['批次', s.batch], ['类别', s.category], ['紧急程度', s.priority_label],
    ['牵头单位', D.deptName(s.lead_department)], ['配合单位', D.deptList(s.co_departments) || '无'],
    ['责任领导', s.leader], ['交办时间', D.fmtTime(s.issued_at) + '（' + s.issued_by + '）'],
    ['办结时限', D.deadlineText(s) + (s.deadline_working_days ? '（' + s.deadline_working_days + ' 个工作日）' : '')],
    ['延期次数', String(s.extensions)], ['状态', D.statusBadge(s)], ['三色', D.colourBadge(s)],
    ['督办等级', s.escalation_label || '无'], ['重办次数', String(s.rework_count)],
    ['最新进展', s.latest_progress || '—'], ['签收时间', D.fmtTime(s.acknowledged_at) || '—'],
    ['申请办结时间', D.fmtTime(s.resolved_at) || '—'], ['销号时间', D.fmtTime(s.closed_at) || '—'],
  ];
  if (s.status === 'closed') rows.push(['销号评价', s.grade_label]);
  if (s.cancelled_at) rows.push(['撤销时间', D.fmtTime(s.cancelled_at)]);
  if (s.pending_extension) {
    const p = s.pending_extension;
    rows.push(['延期申请', '申请延期至 ' + p.proposed_deadline + '，理由：' + p.reason + '（' + p.requested_by + '，' + D.fmtTime(p.requested_at) + '）']);
  }
  return D.el('table', { class: 'fields' }, D.el('tbody', {}, rows.map(([k, v]) =>
    D.el('tr', {}, D.el('th', { text: k }), D.el('td', { class: 'field-' + k }, v)))));
}

async function load() {
  const view = D.$('#slip-view');
  let s;
  try {
    s = await D.api('GET', '/slips/' + encodeURIComponent(slipID()));
  } catch (e) {
    const missing = e.status === 404;
    view.replaceChildren(D.el('section', { class: 'card empty-state', id: 'slip-missing' },
      D.el('h1', { text: missing ? '交办单不存在' : '无法打开交办单' }),
      D.el('p', { text: missing ? '该交办单不存在，或您无权查看。' : D.errorText(e) }),
      D.el('a', { href: '/ledger', text: '返回台账' })));
    document.body.dataset.loaded = 'true';
    return;
  }
  document.title = s.number + ' ' + s.title + ' · 督办';
  view.replaceChildren(
    D.el('div', { class: 'slip-head' },
      D.el('h1', { class: 'page-title' }, D.el('span', { class: 'muted', text: s.number + ' ' }), s.title),
      D.el('div', {}, D.el('span', { id: 'slip-status' }, D.statusBadge(s)), ' ', D.colourBadge(s), ' ',
        D.el('a', { class: 'button', id: 'print-link', href: '/slips/' + encodeURIComponent(s.id) + '/print', text: '打印交办单' }))),
    D.el('section', { class: 'card' }, D.el('h2', { text: '可办理的操作' }), D.actionBar(s, load)),
    D.el('section', { class: 'card', id: 'tracks-card' }, D.el('h2', { text: '承办单位与办理情况' }), D.trackTable(s, load)),
    D.el('section', { class: 'card' }, D.el('h2', { text: '交办单信息' }), fields(s)),
    D.el('section', { class: 'card' }, D.el('h2', { text: '办理过程' }), D.timeline(s.timeline || [])));
  document.body.dataset.loaded = 'true';
  document.body.dataset.status = s.status;
}

document.addEventListener('DOMContentLoaded', async () => {
  const user = await D.start(['office', 'leader', 'department']);
  if (!user) return;
  await load();
});
