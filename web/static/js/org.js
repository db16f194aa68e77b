// org.js — 专班与层级: the 专班 with their lead unit, 分管领导 and members
// (office and admin set them up), an admin's scoping of a town's own
// supervision office, and mapping free-text 责任领导 to leader users.
'use strict';

const O = { user: null, teams: [], editing: '' };

function teamRow(t) {
  return D.el('tr', { dataset: { code: t.code } },
    D.el('td', { text: t.code }), D.el('td', { text: t.name }),
    D.el('td', { text: t.parent_code ? D.deptName(t.parent_code) : '—' }),
    D.el('td', { text: D.deptName(t.lead_unit) }),
    D.el('td', { text: t.leader_name || '—' }),
    D.el('td', { text: t.members.map(D.deptName).join('、') }),
    D.el('td', {}, D.el('button', { type: 'button', class: 'link', onclick: () => edit(t), text: '调整' })));
}

async function loadTeams() {
  const r = await D.api('GET', '/taskforces');
  O.teams = r.items;
  D.$('#tf-count').textContent = '（' + r.items.length + ' 个）';
  D.$('#tf-list').replaceChildren(r.items.length ? D.el('table', { class: 'table taskforces' },
    D.el('thead', {}, D.el('tr', {}, ['编码', '名称', '上级', '牵头单位', '分管领导', '成员单位', ''].map((h) => D.el('th', { text: h })))),
    D.el('tbody', {}, r.items.map(teamRow))) : D.el('p', { class: 'muted empty', text: '尚未设立专班' }));
}

function edit(t) {
  const f = D.$('#tf-form').elements;
  O.editing = t ? t.code : '';
  f.code.value = t ? t.code : '';
  f.code.disabled = !!t;
  f.name.value = t ? t.name : '';
  f.parent_code.value = t ? (t.parent_code || '') : '';
  f.parent_code.disabled = !!t;
  f.lead_unit.value = t ? t.lead_unit : '';
  f.leader_id.value = t && t.leader_id ? String(t.leader_id) : '';
  for (const box of D.$('#tf-form').querySelectorAll('input[name=members]')) box.checked = !!t && t.members.includes(box.value);
  D.$('#tf-form-title').textContent = t ? '调整专班：' + t.name : '设立专班';
  if (t) D.$('#tf-edit').scrollIntoView();
}

document.addEventListener('DOMContentLoaded', async () => {
  O.user = await D.start(['office', 'admin']);
  if (!O.user) return;
  await D.fillDeptControls();
  try {
    const leaders = await D.api('GET', '/leaders');
    D.$('#tf-leader').replaceChildren(D.el('option', { value: '', text: '暂不指定' }),
      ...leaders.items.map((l) => D.el('option', { value: String(l.id), text: l.name })));
    await loadTeams();
  } catch (e) { D.flash(D.errorText(e), 'error'); }
  if (O.user.role === 'office' && O.user.scope) D.$('#tf-edit').hidden = true; // a town office cannot set up 专班
  D.$('#tf-new').addEventListener('click', () => edit(null));
  D.$('#tf-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    const body = {
      name: f.name.value, lead_unit: f.lead_unit.value, leader_id: Number(f.leader_id.value || 0),
      members: [...ev.target.querySelectorAll('input[name=members]:checked')].map((b) => b.value),
    };
    try {
      if (O.editing) {
        await D.api('PUT', '/taskforces/' + encodeURIComponent(O.editing), body);
      } else {
        await D.api('POST', '/taskforces', { ...body, code: f.code.value, parent_code: f.parent_code.value });
      }
      D.flash('专班已保存', 'ok');
      edit(null);
      await loadTeams();
    } catch (e) { D.flash(D.errorText(e), 'error'); }
  });
  document.body.dataset.loaded = 'true';
  if (O.user.role !== 'admin') return;
  D.$('#scope-card').hidden = false;
  D.$('#map-card').hidden = false;
  D.$('#scope-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    try {
      const r = await D.api('POST', '/users/' + encodeURIComponent(f.login.value.trim()) + '/scope', { scope: f.scope.value });
      D.flash(r.user.name + '：' + (r.user.scope ? '管辖 ' + D.deptName(r.user.scope) + ' 及其下级' : '不限定管辖范围'), 'ok');
    } catch (e) { D.flash(D.errorText(e), 'error'); }
  });
  D.$('#map-leaders').addEventListener('click', async () => {
    try {
      const r = await D.api('POST', '/leaders/map', {});
      const box = D.$('#map-result');
      box.className = 'result ok';
      box.replaceChildren(D.el('p', { text: '本次关联 ' + r.mapped + ' 件交办单。' + (r.unmatched.length ? '以下责任领导没有同名的领导用户，仍为文字：' : '所有责任领导均已关联。') }),
        D.el('ul', {}, r.unmatched.map((u) => D.el('li', { text: u.leader + '（' + u.slips + ' 件）' }))));
      box.hidden = false;
    } catch (e) { D.flash(D.errorText(e), 'error'); }
  });
});
