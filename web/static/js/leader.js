// leader.js — 我的事项: the slips whose 责任领导 the signed-in leader is
// (red first, as GET /leader/items orders them) and the 专班 they lead.
// and the open projects they are responsible for, red first.
'use strict';

function taskforceTable(teams) {
  if (!teams.length) return D.el('p', { class: 'muted empty', text: '暂无分管的专班' });
  return D.el('table', { class: 'table taskforces' },
    D.el('thead', {}, D.el('tr', {}, ['专班', '牵头单位', '成员单位', '在办事项'].map((h) => D.el('th', { text: h })))),
    D.el('tbody', {}, teams.map((t) => D.el('tr', { dataset: { code: t.code } },
      D.el('td', { text: t.name }),
      D.el('td', { text: D.deptName(t.lead_unit) }),
      D.el('td', { text: t.members.map(D.deptName).join('、') }),
      D.el('td', {}, D.el('a', { href: '/ledger?lead=' + encodeURIComponent(t.code), text: '查看台账' }))))));
}

document.addEventListener('DOMContentLoaded', async () => {
  const user = await D.start(['leader']);
  if (!user) return;
  try {
    const r = await D.api('GET', '/leader/items');
    D.counters(D.$('#leader-counters'), [
      ['逾期（红）', r.counts.red, 'red'], ['临期（黄）', r.counts.yellow, 'yellow'], ['正常（绿）', r.counts.green, 'green'],
      ['分管专班', r.taskforces.length]]);
    D.$('#leader-slip-count').textContent = '（' + r.slips.length + (r.truncated ? '+' : '') + ' 件）';
    D.fillQueue(D.$('#leader-slips'), r.slips);
    D.$('#leader-taskforces').replaceChildren(taskforceTable(r.taskforces));
    if (r.projects && r.projects.length) {
      D.$('#leader-projects-card').hidden = false;
      D.$('#leader-projects').replaceChildren(D.el('ul', {}, r.projects.map((p) => D.el('li', {}, [
        D.el('a', { href: '/projects/' + encodeURIComponent(p.id), text: p.name }),
        ' ', D.colourBadge(p)]))));
    }
  } catch (e) {
    D.flash(D.errorText(e), 'error');
  }
  document.body.dataset.loaded = 'true';
});
