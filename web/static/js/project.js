// project.js — one 重点项目: its figures, its milestones with their dates,
// 三色 and escalation, the slips spawned to clear obstacles, and the
// timeline. The buttons are each milestone's (and the project's)
// allowed_actions from the API; this page only knows how to perform them.
'use strict';

const id = decodeURIComponent(location.pathname.split('/')[2] || '');
let depts = [];

// How to perform each action: its path under the project (or milestone),
// its form fields, and a fixed body part.
const ACTIONS = {
  report: { label: '报完成', path: 'report', fields: [
    { name: 'actual', label: '实际完成日期', type: 'date', required: true },
    { name: 'evidence', label: '佐证材料（每行一项）', type: 'textarea', list: true, required: true }] },
  accept: { label: '验收', path: 'accept', fields: [] },
  request_extension: { label: '申请延期', path: 'extension', fields: [
    { name: 'date', label: '延期至', type: 'date', required: true },
    { name: 'comment', label: '延期理由', type: 'textarea', required: true }] },
  decide_extension: { label: '审批延期', path: 'extension/decision', fields: [
    { name: 'approved', label: '审批意见', type: 'select', options: [['true', '同意'], ['false', '不同意']], bool: true },
    { name: 'comment', label: '说明（可不填）' }] },
  link_slip: { label: '交办清障', path: 'slips', slip: true, fields: [
    { name: 'title', label: '交办事项', required: true },
    { name: 'content', label: '具体要求', type: 'textarea', required: true },
    { name: 'lead_department', label: '交办给', type: 'dept', required: true },
    { name: 'deadline', label: '办结时限', type: 'date', required: true }] },
  instruct: { label: '批示', path: 'instruction', fields: [{ name: 'comment', label: '批示内容', type: 'textarea', required: true }] },
  sign_off: { label: '销号', path: 'signoff', fields: [{ name: 'comment', label: '销号意见（可不填）' }] },
};

function input(f) {
  if (f.type === 'textarea') return D.el('textarea', { name: f.name, rows: 3, required: f.required });
  if (f.type === 'select') return D.el('select', { name: f.name }, f.options.map(([v, l]) => D.el('option', { value: v, text: l })));
  if (f.type === 'dept') {
    return D.el('select', { name: f.name, required: f.required }, D.el('option', { value: '', text: '请选择单位' }),
      depts.map((d) => D.el('option', { value: d.code, text: d.name })));
  }
  return D.el('input', { name: f.name, type: f.type || 'text', required: f.required, value: f.type === 'date' && f.name === 'actual' ? D.today() : undefined });
}

function body(spec, form) {
  const out = {};
  for (const f of spec.fields) {
    const raw = form.elements[f.name].value;
    if (f.list) out[f.name] = raw.split('\n').map((x) => x.trim()).filter(Boolean);
    else if (f.bool) out[f.name] = raw === 'true';
    else if (raw.trim() !== '') out[f.name] = raw.trim();
  }
  return out;
}

function openForm(action, milestone) {
  const spec = ACTIONS[action];
  const host = D.$('#pj-form');
  const key = D.newKey();
  const error = D.el('div', { class: 'error', role: 'alert', hidden: true });
  const submit = D.el('button', { type: 'submit', class: 'primary action-submit', text: '确认' + spec.label });
  const form = D.el('form', { class: 'action-form form', dataset: { action, milestone: milestone ? milestone.key : '' } },
    D.el('h4', { text: spec.label + (milestone ? ' · ' + milestone.name : '') }),
    spec.fields.map((f) => D.el('label', {}, f.label, input(f))), error,
    D.el('div', { class: 'actions-row' }, submit, D.el('button', { type: 'button', class: 'action-cancel', text: '取消', onclick: () => host.replaceChildren() })));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    error.hidden = true;
    const path = '/projects/' + encodeURIComponent(id) + (milestone ? '/milestones/' + encodeURIComponent(milestone.key) : '') + '/' + spec.path;
    try {
      await D.api('POST', path, body(spec, form), { idempotencyKey: key });
      host.replaceChildren();
      await load();
      D.flash('已' + spec.label + (milestone ? '：' + milestone.name : ''));
    } catch (e) {
      error.textContent = D.errorText(e);
      error.hidden = false;
      submit.disabled = false;
    }
  });
  host.replaceChildren(form);
  if (!spec.fields.length) form.requestSubmit();
  else form.querySelector('textarea, input, select').focus();
}

function buttons(actions, milestone) {
  const box = D.el('div', { class: 'action-buttons' });
  for (const a of actions || []) {
    if (!ACTIONS[a]) continue;
    box.append(D.el('button', { type: 'button', class: 'action', dataset: { action: a }, text: ACTIONS[a].label, onclick: () => openForm(a, milestone) }));
  }
  if (!box.childElementCount) box.append(D.el('span', { class: 'muted', text: '—' }));
  return box;
}

async function load() {
  try {
    const [p, tl] = await Promise.all([D.api('GET', '/projects/' + encodeURIComponent(id)), D.api('GET', '/projects/' + encodeURIComponent(id) + '/timeline')]);
    document.title = p.name + ' · 督办';
    D.$('#pj-title').textContent = p.name;
    D.$('#pj-badges').replaceChildren(D.colourBadge(p), ' ', D.el('span', { class: 'badge status', text: p.status_label }));
    const rows = [['类别', p.category_label || p.category], ['批次', p.batch], ['责任单位', p.owner_unit_label || p.owner_unit],
      ['责任领导', p.leader_name], ['总投资', p.investment_wan + ' 万元'], ['完成日期', p.end_date]];
    for (const [k, v] of Object.entries(p.attributes || {})) rows.push([k, v]);
    D.$('#pj-fields tbody').replaceChildren(...rows.map(([k, v]) => D.el('tr', {}, D.el('th', { text: k }), D.el('td', { text: v || '—' }))));
    D.$('#pj-actions').replaceChildren(buttons(p.allowed_actions, null));
    D.$('#pj-milestones tbody').replaceChildren(...p.milestones.map((m) => D.el('tr', { dataset: { milestone: m.key } },
      D.el('td', { text: m.name }), D.el('td', { text: m.owner_unit_label || m.owner_unit }), D.el('td', { text: m.planned }),
      D.el('td', { text: m.due + (m.pending_extension ? '（申请延至 ' + m.pending_extension.date + '）' : '') }),
      D.el('td', { text: m.actual || '—' }), D.el('td', { class: 'ms-status', text: m.status_label }), D.el('td', {}, D.colourBadge(m)),
      D.el('td', { text: m.escalation_label || '—' }),
      D.el('td', {}, (m.slips || []).length ? m.slips.map((s, i) => D.el('a', { href: '/slips/' + encodeURIComponent(s), text: '交办单' + (i + 1) + ' ' })) : '—'),
      D.el('td', { class: 'actions-cell' }, buttons(m.allowed_actions, m)))));
    D.$('#pj-timeline').replaceChildren(...tl.items.map((e) => D.el('li', {},
      D.el('span', { class: 'when', text: D.fmtTime(e.at) }), ' ', D.el('b', { text: e.type_label }),
      e.milestone ? '（' + (p.milestones.find((m) => m.key === e.milestone) || { name: e.milestone }).name + '）' : '',
      ' ' + (e.actor || '') + (e.comment ? '：' + e.comment : '') + (e.date ? ' ' + e.date : ''))));
    document.body.dataset.loaded = 'true';
  } catch (e) {
    if (e.status === 404) D.$('#main').replaceChildren(D.el('section', { class: 'card empty-state' }, D.el('h1', { text: '项目不存在' })));
    else D.flash(D.errorText(e), 'error');
    document.body.dataset.loaded = 'true';
  }
}

(async () => {
  if (!(await D.start(['office', 'leader', 'department', 'inspector']))) return;
  depts = await D.departments();
  load();
})();
