// visits.js — the visit planner: plan a 督查 visit, see the visits it would
// repeat (最多督一次) and merge them onto one day, the month's visits by
// unit, a visit's checklist of what is open at the unit, and its findings.
'use strict';

const V = { user: null, month: '' };

function visitLabel(v) {
  return v.date + ' ' + v.team + '（' + v.status_label + '）' + (v.matters.length ? '：' + v.matters.join('、') : '：全部在办事项');
}

async function loadMonth() {
  const r = await D.api('GET', '/visits?month=' + encodeURIComponent(V.month));
  const byUnit = new Map();
  for (const v of r.items) {
    if (!byUnit.has(v.department)) byUnit.set(v.department, []);
    byUnit.get(v.department).push(v);
  }
  const rows = [...byUnit.entries()].map(([code, vs]) => D.el('tr', { dataset: { department: code } },
    D.el('td', { text: D.deptName(code) }),
    D.el('td', {}, D.el('ul', { class: 'visits' }, vs.map((v) => D.el('li', { dataset: { visitId: v.id, status: v.status } },
      D.el('a', { href: '#', onclick: (e) => { e.preventDefault(); showVisit(v.id); }, text: visitLabel(v) })))))));
  D.$('#visit-table tbody').replaceChildren(...(rows.length ? rows : [D.el('tr', {}, D.el('td', { colspan: 2, class: 'muted', text: '本月暂无督查' }))]));
}

async function showVisit(id) {
  const r = await D.api('GET', '/visits/' + encodeURIComponent(id));
  const v = r.visit;
  D.$('#visit-detail').hidden = false;
  D.$('#visit-detail').dataset.visitId = id;
  D.$('#visit-detail-title').textContent = D.deptName(v.department) + ' · ' + visitLabel(v) + (v.findings ? ' — 发现：' + v.findings : '');
  D.fillQueue(D.$('#visit-checklist'), r.checklist.slips, V.user.role === 'office' && v.status === 'planned' ? {
    extra: { title: '销号', cell: (s) => s.status === 'pending_signoff' ? D.el('input', { type: 'checkbox', class: 'close-slip', value: s.id }) : '' },
  } : {});
  D.$('#findings-form').hidden = !(V.user.role === 'office' && v.status === 'planned');
  D.$('#findings-form').dataset.department = v.department;
  D.$('#findings-result').hidden = true;
}

document.addEventListener('DOMContentLoaded', async () => {
  V.user = await D.start(['office', 'leader']);
  if (!V.user) return;
  await D.fillDeptControls();
  V.month = D.today().slice(0, 7);
  D.$('#visit-month').value = V.month;
  D.$('#visit-month').addEventListener('change', async (e) => { V.month = e.target.value; await loadMonth(); });
  if (V.user.role === 'office') {
    D.$('#visit-new').hidden = false;
    D.$('#visit-form').elements.date.value = D.today();
  }
  D.$('#visit-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    const box = D.$('#visit-clash');
    try {
      const r = await D.api('POST', '/visits', {
        department: f.department.value, date: f.date.value, team: f.team.value,
        matters: f.matters.value.split('\n').map((s) => s.trim()).filter(Boolean), window_days: Number(f.window_days.value),
      });
      if (r.clashes.length) {
        box.className = 'result error';
        box.replaceChildren(D.el('p', { text: r.proposal.message }),
          D.el('ul', {}, r.clashes.map((c) => D.el('li', { text: visitLabel(c) }))),
          D.el('button', { type: 'button', class: 'primary', id: 'visit-merge', onclick: async () => {
            try {
              await D.api('POST', '/visits/' + encodeURIComponent(r.visit.id) + '/merge', { into: r.proposal.merge_into });
              box.className = 'result ok';
              box.replaceChildren(D.el('p', { text: '已合并到 ' + r.proposal.date + ' 的督查' }));
              await loadMonth();
            } catch (e) { D.flash(D.errorText(e), 'error'); }
          } }, '合并到同一天'));
      } else {
        box.className = 'result ok';
        box.replaceChildren(D.el('p', { text: '已安排：' + visitLabel(r.visit) }));
      }
      box.hidden = false;
      await loadMonth();
    } catch (e) {
      D.flash(D.errorText(e), 'error');
    }
  });
  D.$('#findings-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    const id = D.$('#visit-detail').dataset.visitId;
    const due = new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 10);
    const issue = f.issue.value.split('\n').map((s) => s.trim()).filter(Boolean).map((title) => ({
      title, content: title, lead_department: ev.target.dataset.department, deadline: due, priority: 'normal',
    }));
    const close = [...document.querySelectorAll('#visit-checklist input.close-slip:checked')].map((c) => c.value);
    try {
      const r = await D.api('POST', '/visits/' + encodeURIComponent(id) + '/findings', { findings: f.findings.value, issue, close });
      const failed = [...r.issued, ...r.closed].filter((x) => x.status === 'failed');
      await showVisit(id);
      const res = D.$('#findings-result');
      res.className = 'result ' + (failed.length ? 'error' : 'ok');
      res.replaceChildren(D.el('p', { text: '已登记：新交办 ' + r.issued.filter((x) => x.status !== 'failed').length + ' 项，销号 '
        + r.closed.filter((x) => x.status === 'closed').length + ' 项' + (failed.length ? '；未成功：' + failed.map((x) => x.error.message).join('；') : '') }));
      res.hidden = false;
      await loadMonth();
    } catch (e) {
      D.flash(D.errorText(e), 'error');
    }
  });
  try { await loadMonth(); } catch (e) { D.flash(D.errorText(e), 'error'); }
  document.body.dataset.loaded = 'true';
});
