// reinspection.js — 回头看 beside the pages that already exist: on a slip's
// page, its re-inspections and (for the office, once signed off) the form
// that schedules one — this slip, its whole batch, or a seeded sample of
// the batch; on the leader dashboard, the quality of closure per
// department (销号评价, 回头看合格率, 重办).
'use strict';

const Reinspection = (() => {
  function slipID() { return decodeURIComponent(location.pathname.split('/')[2] || ''); }

  function list(items) {
    if (!items.length) return D.el('p', { class: 'muted', text: '尚未安排回头看' });
    return D.el('table', { class: 'table', id: 'reinspection-table' },
      D.el('thead', {}, D.el('tr', {}, ['检查人', '检查期限', '状态', '检查情况', '重办单'].map((h) => D.el('th', { text: h })))),
      D.el('tbody', {}, items.map((r) => D.el('tr', { dataset: { id: r.id, status: r.status } },
        D.el('td', { text: r.inspector_name }), D.el('td', { text: r.start_on + ' 至 ' + r.due_on }),
        D.el('td', {}, D.el('span', { class: 'badge status status-' + r.status, text: r.status_label }),
          r.escalation_label ? D.el('span', { class: 'badge rework', text: r.escalation_label }) : null),
        D.el('td', { text: r.notes || '' }),
        D.el('td', {}, r.rework_slip_id ? D.el('a', { href: '/slips/' + encodeURIComponent(r.rework_slip_id), class: 'rework-link', text: '查看重办单' }) : '')))));
  }

  function scheduleForm(s, reload) {
    const scope = D.el('select', { name: 'scope' },
      D.el('option', { value: 'slip', text: '本交办单' }),
      D.el('option', { value: 'batch', text: '本批次全部已销号事项' }),
      D.el('option', { value: 'sample', text: '本批次随机抽查' }));
    const percent = D.el('input', { name: 'percent', type: 'number', min: 1, max: 100, value: 30 });
    const seed = D.el('input', { name: 'seed', type: 'number', min: 0, placeholder: '留空则随机生成并记录' });
    const after = D.el('input', { name: 'after_working_days', type: 'number', min: 0, max: 250, value: 10 });
    const inspector = D.el('input', { name: 'inspector', placeholder: '督查员或市民监督员的登录名', required: true });
    const result = D.el('p', { class: 'muted', id: 'schedule-result' });
    const form = D.el('form', { class: 'form grid', id: 'schedule-form' },
      D.el('label', {}, '范围', scope), D.el('label', {}, '抽查比例（%）', percent), D.el('label', {}, '随机种子', seed),
      D.el('label', {}, '销号后间隔（工作日）', after), D.el('label', {}, '检查人', inspector),
      D.el('div', { class: 'actions-row wide' }, D.el('button', { type: 'submit', class: 'primary', id: 'schedule-submit', text: '安排回头看' }), result));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { scope: scope.value, inspector: inspector.value.trim(), after_working_days: Number(after.value || 0) };
      if (scope.value === 'slip') body.slip_id = s.id; else body.batch = s.batch;
      if (scope.value === 'sample') {
        body.percent = Number(percent.value);
        if (seed.value !== '') body.seed = Number(seed.value);
      }
      const button = form.querySelector('#schedule-submit');
      button.disabled = true; // one click, one draw
      try {
        const r = await D.api('POST', '/reinspections', body);
        const d = r.draw;
        D.flash('已安排回头看：' + d.drawn + ' 件' + (d.scope === 'sample' ? '（从 ' + d.population + ' 件中按 ' + d.percent + '% 抽取，随机种子 ' + d.seed + '）' : ''));
        await reload();
      } catch (e) { D.flash(D.errorText(e), 'error'); } finally { button.disabled = false; }
    });
    return form;
  }

  async function slipPage(host) {
    const id = slipID();
    let s, r, user;
    try {
      [s, r, user] = await Promise.all([D.api('GET', '/slips/' + encodeURIComponent(id)), D.api('GET', '/reinspections?slip_id=' + encodeURIComponent(id)), D.me()]);
    } catch (e) { host.hidden = true; return; }
    if (s.status !== 'closed' && !r.items.length) { host.hidden = true; return; }
    const reload = () => slipPage(host);
    const children = [D.el('h2', { text: '回头看' }), list(r.items)];
    if (user.role === 'office' && s.status === 'closed') children.push(scheduleForm(s, reload));
    host.replaceChildren(...children);
    host.hidden = false;
    host.dataset.loaded = 'true';
  }

  async function dashboard() {
    let q;
    try { q = await D.api('GET', '/stats/quality'); } catch (e) { return; }
    const pct = (v) => D.pct(v);
    const card = D.el('section', { class: 'card', id: 'quality-card' }, D.el('h2', { text: '办理质量（销号评价 · 回头看 · 重办）' }),
      D.el('table', { class: 'table', id: 'quality-table' },
        D.el('thead', {}, D.el('tr', {}, ['单位', '已销号', '满意', '基本满意', '不满意', '回头看', '合格', '不合格', '回头看合格率', '重办', '重办率']
          .map((h) => D.el('th', { text: h })))),
        D.el('tbody', {}, q.items.map((r) => D.el('tr', { dataset: { department: r.department } },
          [r.label || r.department, r.closed, r.satisfied, r.basic, r.unsatisfied, r.reinspections, r.reinspect_passed, r.reinspect_failed,
            pct(r.reinspect_pass_rate), r.reworks, pct(r.redo_rate)].map((v, i) => D.el('td', { class: i ? 'rate' : '', text: String(v) })))))));
    D.$('#main').append(card);
  }

  document.addEventListener('DOMContentLoaded', () => {
    const page = document.body.dataset.page;
    if (page === 'slip') {
      const host = document.getElementById('reinspection-view');
      if (host) slipPage(host);
    }
    if (page === 'dashboard') dashboard();
  });
  return { slipPage, dashboard };
})();
